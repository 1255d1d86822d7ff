"""The discussion's rules, readers' reports, moderators' decisions and their log."""

from datetime import timedelta

import pytest
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from comments import services
from comments.models import Comment, CommenterStanding, ModerationLog

from .factories import ArticleFactory, CommentFactory, UserFactory, moderation_rules

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_comment_rate_limits")]


def create(user, text="Un avis mesuré.", article=None):
    return services.comment_create(user=user, article=article or ArticleFactory(), text=text)


def test_post_moderation_publishes_at_once():
    moderation_rules(new_commenter_threshold=0)
    assert create(UserFactory()).status == Comment.Status.PUBLISHED


def test_pre_moderation_holds_everything():
    moderation_rules(mode="pre", new_commenter_threshold=0)
    assert create(UserFactory()).status == Comment.Status.PENDING


def test_new_commenters_wait_until_k_comments_were_approved():
    moderation_rules(new_commenter_threshold=2)
    user = UserFactory()
    CommentFactory(author=user)
    assert create(user).status == Comment.Status.PENDING
    CommentFactory(author=user)
    assert create(user, "Encore un avis.").status == Comment.Status.PUBLISHED


def test_banned_word_rejects_with_a_message_that_keeps_the_text(client):
    moderation_rules(banned_words="crétin\nimbécile", new_commenter_threshold=0)
    client.force_login(UserFactory())
    article = ArticleFactory()
    response = client.post(f"/commentaires/articles/{article.slug}/", {"text": "Quel crétin, cet auteur."})
    assert response.status_code == 400
    assertContains(response, "crétin", status_code=400)
    assertContains(response, "Votre commentaire contient un mot", status_code=400)
    assert not Comment.objects.exists()


@pytest.mark.parametrize("text", ["Un mot louche ici.", "Voyez https://example.org", "Voyez www.example.org"])
def test_suspect_words_and_links_hold_the_comment(text):
    moderation_rules(suspect_words="louche", hold_links=True, new_commenter_threshold=0)
    assert create(UserFactory(), text).status == Comment.Status.PENDING


def test_the_same_text_twice_is_refused():
    moderation_rules(new_commenter_threshold=0)
    user, article = UserFactory(), ArticleFactory()
    create(user, "Mon avis.", article)
    with pytest.raises(services.CommentError, match="déjà publié"):
        services.comment_create(user=user, article=article, text="Mon avis.")


def test_reports_hold_a_comment_after_r_reports():
    moderation_rules(reports_before_hold=2)
    comment = CommentFactory()
    services.comment_report(user=UserFactory(), comment=comment, reason="spam")
    comment.refresh_from_db()
    assert comment.status == Comment.Status.PUBLISHED
    services.comment_report(user=UserFactory(), comment=comment, reason="offensive", note="Insultant")
    comment.refresh_from_db()
    assert comment.status == Comment.Status.PENDING
    assert comment.report_count == 2
    assert ModerationLog.objects.filter(action="hold", comment=comment).exists()


def test_a_reader_reports_once(client):
    comment = CommentFactory()
    client.force_login(UserFactory())
    client.post(f"/commentaires/{comment.pk}/signaler/", {"reason": "spam"})
    client.post(f"/commentaires/{comment.pk}/signaler/", {"reason": "spam"})
    comment.refresh_from_db()
    assert comment.report_count == 1


def test_report_form_needs_a_reason(client):
    comment = CommentFactory()
    client.force_login(UserFactory())
    response = client.post(f"/commentaires/{comment.pk}/signaler/", {"note": "sans motif"})
    assert response.status_code == 400
    assertContains(response, 'value="sans motif"', status_code=400)


def test_ban_suspend_and_premoderate():
    moderator, reader = UserFactory(is_staff=True), UserFactory()
    moderation_rules(new_commenter_threshold=0)
    services.commenter_premoderate(moderator=moderator, user=reader, reason="Propos limites")
    assert create(reader).status == Comment.Status.PENDING
    services.commenter_suspend(
        moderator=moderator, user=reader, until=timezone.now() + timedelta(days=1), reason="Calmez-vous"
    )
    with pytest.raises(services.CommentError):
        create(reader, "Encore ?")
    services.commenter_ban(moderator=moderator, user=reader, reason="Récidive")
    assert CommenterStanding.objects.get(user=reader).banned
    actions = list(ModerationLog.objects.filter(target=reader).values_list("action", "actor", "reason"))
    assert ("premoderate", moderator.pk, "Propos limites") in actions
    assert ("suspend", moderator.pk, "Calmez-vous") in actions
    assert ("ban", moderator.pk, "Récidive") in actions


def test_approve_reject_and_feature_are_logged(client):
    moderator = UserFactory(is_staff=True)
    pending = CommentFactory(status=Comment.Status.PENDING, body="En attente")
    rude = CommentFactory(body="Impoli")
    services.comments_approve(moderator=moderator, comments=[pending])
    services.comments_reject(moderator=moderator, comments=[rude], reason="Injurieux")
    services.comments_feature(moderator=moderator, comments=[pending])
    pending.refresh_from_db()
    rude.refresh_from_db()
    assert pending.status == Comment.Status.PUBLISHED and pending.is_featured
    assert rude.status == Comment.Status.REJECTED and rude.rejection_reason == "Injurieux"
    log = ModerationLog.objects.order_by("created_at", "pk")
    assert [(entry.action, entry.actor, entry.reason) for entry in log] == [
        ("approve", moderator, ""),
        ("reject", moderator, "Injurieux"),
        ("feature", moderator, ""),
    ]
    page = client.get(pending.article.get_absolute_url())
    assertContains(page, "Choix de la rédaction")
    assertNotContains(client.get(rude.article.get_absolute_url()), "Impoli")


def test_pending_comments_are_not_shown_nor_counted(client):
    comment = CommentFactory(status=Comment.Status.PENDING, body="Pas encore visible")
    page = client.get(comment.article.get_absolute_url())
    assertNotContains(page, "Pas encore visible")
    assertContains(page, "Aucun commentaire pour le moment...")
