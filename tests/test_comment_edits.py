"""Editing a comment is writing one: the same rights, screening and rate limits as posting."""

from datetime import timedelta

import pytest
from django.utils import timezone
from pytest_django.asserts import assertContains

from comments import services
from comments.models import Comment, CommenterStanding, ModerationSettings

from .factories import CommentFactory, UserFactory, moderation_rules

pytestmark = pytest.mark.django_db

ORIGINAL = "Première version, publiée."


@pytest.fixture
def comment(db):
    moderation_rules(new_commenter_threshold=0, hold_links=True, banned_words="ordure", suspect_words="arnaque")
    return CommentFactory(body=ORIGINAL)


def edit(client, comment, text):
    client.force_login(comment.author)
    return client.post(f"/commentaires/{comment.pk}/modifier/", {"text": text})


@pytest.mark.usefixtures("no_comment_rate_limits")
@pytest.mark.parametrize(
    "standing",
    [{"banned": True}, {"suspended_until": timezone.now() + timedelta(days=2)}],
    ids=["banned", "suspended"],
)
def test_banned_and_suspended_readers_cannot_edit(client, comment, standing):
    CommenterStanding.objects.create(user=comment.author, **standing)
    client.force_login(comment.author)
    page = client.get(f"/commentaires/{comment.pk}/modifier/", follow=True)
    assert 'name="text"' not in page.content.decode()
    refusal = "Vous ne pouvez pas commenter jusqu" if "suspended_until" in standing else "ne peut plus publier"
    assertContains(page, refusal)
    edit(client, comment, "Nouvelle version")
    comment.refresh_from_db()
    assert comment.body == ORIGINAL


@pytest.mark.usefixtures("no_comment_rate_limits")
def test_a_banned_word_refuses_the_edit_and_keeps_the_text_typed(client, comment):
    response = edit(client, comment, "Quelle ordure, ce ministre")
    assertContains(response, "« ordure »", status_code=400)
    assertContains(response, "Quelle ordure, ce ministre", status_code=400)
    comment.refresh_from_db()
    assert comment.body == ORIGINAL


@pytest.mark.usefixtures("no_comment_rate_limits")
@pytest.mark.parametrize(
    ("text", "rules"),
    [
        ("Une belle arnaque que voilà", {}),
        ("Lisez https://spam.example", {}),
        ("Un texte anodin", {"mode": ModerationSettings.Mode.PRE}),
    ],
    ids=["suspect-word", "link", "pre-moderation"],
)
def test_an_edit_that_a_new_comment_would_hold_goes_back_to_moderation(client, comment, text, rules):
    if rules:
        moderation_rules(**rules)
    response = edit(client, comment, text)
    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.status == Comment.Status.PENDING and comment.body == text
    page = client.get(comment.article.get_absolute_url())
    assertContains(page, "sera publié après relecture")
    # Its author alone sees it, set apart as awaiting moderation; the thread no longer has it.
    thread = page.content.decode().split('class="comments__list"', 1)[1]
    assert text not in thread
    assertContains(page, "Vos commentaires en attente de modération")
    client.force_login(UserFactory())
    assert text not in client.get(comment.article.get_absolute_url()).content.decode()
    client.logout()
    assert text not in client.get(comment.article.get_absolute_url()).content.decode()


@pytest.mark.usefixtures("no_comment_rate_limits")
def test_an_edit_of_a_commenter_on_probation_waits_for_moderation(client, comment):
    moderation_rules(new_commenter_threshold=3)
    edit(client, comment, "Changé après coup")
    comment.refresh_from_db()
    assert comment.status == Comment.Status.PENDING


def test_edits_count_against_the_same_rate_limit_as_posting(client, settings, comment):
    settings.NEWSREADER_COMMENT_RATE_LIMITS = [(3, 3600)]
    statuses = [edit(client, comment, f"Version {n}").status_code for n in range(5)]
    assert statuses == [302, 302, 302, 429, 429]
    comment.refresh_from_db()
    assert comment.body == "Version 2"
    with pytest.raises(services.RateLimited):  # and posting shares the same allowance
        services.comment_create(user=comment.author, article=comment.article, text="Un nouveau commentaire")


def test_refused_attempts_count_against_the_rate_limit(settings, comment):
    """Duplicates and banned words are counted: trying costs the same as posting."""
    settings.NEWSREADER_COMMENT_RATE_LIMITS = [(3, 3600)]
    user, article = UserFactory(), comment.article
    services.comment_create(user=user, article=article, text="Un avis honnête")
    for refused in ("Un avis honnête", "Quelle ordure"):
        with pytest.raises(services.CommentError) as error:
            services.comment_create(user=user, article=article, text=refused)
        assert not isinstance(error.value, services.RateLimited)
    with pytest.raises(services.RateLimited):
        services.comment_create(user=user, article=article, text="Un autre avis honnête")
