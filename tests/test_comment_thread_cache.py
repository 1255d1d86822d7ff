"""The discussion is rendered once and shared; each reader's own parts are theirs alone.

A page of threads is built once per generation of the article's scopes (comments.rendering);
a signed-in reader's page fills in their controls and CSRF token without rendering a
comment again. These tests hold the two promises that come with it: no reader ever gets
another's controls or token, and any change to the discussion shows at once.
"""

import pickle
import re

import pytest
from django.core.cache import caches
from pytest_django.asserts import assertContains, assertNotContains

from comments import services
from comments.models import Comment

from .factories import ArticleFactory, CommentFactory, UserFactory, moderation_rules, staff_member

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_comment_rate_limits")]

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture(autouse=True)
def open_rules(db):
    moderation_rules(new_commenter_threshold=0)


def controls(html, comment):
    """The controls under this comment as the page shows them."""
    return (
        html.split(f'id="commentaire-{comment.pk}"', 1)[1]
        .split('<div class="comment__actions">', 1)[1]
        .split("</div>", 1)[0]
    )


def cached_values():
    """Everything the fragment cache holds, as stored."""
    return list(caches["fragments"]._cache.values())  # the objects themselves (infrastructure.object_cache)


def test_two_readers_never_get_each_others_controls_or_token(client):
    article = ArticleFactory()
    alice, bruno = UserFactory(display_name="Alice"), UserFactory(display_name="Bruno")
    by_alice = CommentFactory(article=article, author=alice, body="L'avis d'Alice.")
    by_bruno = CommentFactory(article=article, author=bruno, body="L'avis de Bruno.")
    services.comment_recommend(user=alice, comment=by_bruno)

    client.force_login(alice)
    page = client.get(article.get_absolute_url()).content.decode()
    alice_token = TOKEN.search(page)[1]
    assert "Modifier" in controls(page, by_alice) and "Signaler" not in controls(page, by_alice)
    assert "recommander" not in controls(page, by_alice)
    assert 'aria-pressed="true"' in controls(page, by_bruno) and "Signaler" in controls(page, by_bruno)

    client.force_login(bruno)  # the same cached thread, another reader
    page = client.get(article.get_absolute_url()).content.decode()
    bruno_token = TOKEN.search(page)[1]
    assert alice_token not in page and set(TOKEN.findall(page)) == {bruno_token}
    assert "Modifier" in controls(page, by_bruno) and "recommander" not in controls(page, by_bruno)
    assert "Modifier" not in controls(page, by_alice) and "Signaler" in controls(page, by_alice)
    assert 'aria-pressed="false"' in controls(page, by_alice)

    stored = [value for value in cached_values() if hasattr(value, "pieces")]
    assert stored, "the thread is cached"
    shared = pickle.dumps(stored)
    assert alice_token.encode() not in shared and bruno_token.encode() not in shared


def test_a_readers_text_is_never_filled_in(client):
    """The placeholders are replaced in the site's own controls only: a comment quoting one
    shows as written, and never carries the reader's token."""
    article = ArticleFactory()
    CommentFactory(article=article, body="nr-csrf-token-placeholder <!--nr-controls-0:1-->")
    client.force_login(UserFactory())
    page = client.get(article.get_absolute_url()).content.decode()
    body = page.split('class="comment__body">', 1)[1].split("</div>", 1)[0]
    assert "nr-csrf-token-placeholder" in body and "&lt;!--nr-controls-0:1--&gt;" in body
    assert TOKEN.search(body) is None


def test_anonymous_readers_get_no_controls_and_no_token(client):
    article = ArticleFactory()
    comment = CommentFactory(article=article)
    response = client.get(article.get_absolute_url())
    html = response.content.decode()
    assert controls(html, comment).strip().startswith('<span class="comment__recommendations">')
    assert "csrfmiddlewaretoken" not in html and "csrftoken" not in response.cookies


@pytest.mark.parametrize("count", [1, 30])
def test_a_reader_after_the_first_renders_no_comment(client, count):
    """The cost of a signed-in page does not grow with the comments: once the thread is
    built, another reader's page renders not one comment template, with 1 comment or 30
    (20 threads and their replies on the page)."""
    article = ArticleFactory()
    for root in CommentFactory.create_batch(count, article=article):
        CommentFactory(article=article, parent=root, in_reply_to=root)
    client.force_login(UserFactory())
    first = client.get(article.get_absolute_url())
    assert "comments/includes/comment.html" in [template.name for template in first.templates]
    client.force_login(UserFactory())
    second = client.get(article.get_absolute_url())
    rendered = [template.name for template in second.templates]
    assert not [name for name in rendered if name.startswith("comments/includes/") and "comment" in name[18:]]
    assert "comments/includes/actions.html" not in rendered
    assert second.content.decode().count('class="comment__actions"') == min(count, 20) * 2


def test_any_change_to_the_discussion_shows_at_once(client):
    """Posting, editing, recommending, deleting and moderating each retire the cached thread."""
    article = ArticleFactory()
    author, reader, moderator = UserFactory(), UserFactory(), staff_member("Moderators")
    comment = CommentFactory(article=article, author=author, body="Premier jet.")
    client.force_login(reader)

    def page():
        return client.get(article.get_absolute_url())

    assertContains(page(), "Premier jet.")
    services.comment_edit(user=author, comment=comment, text="Version revue.")
    assertContains(page(), "Version revue.")
    services.comment_recommend(user=UserFactory(), comment=comment)
    assertContains(page(), "1 recommandation")
    services.comments_feature(moderator=moderator, comments=[comment])
    assertContains(page(), "Choix de la rédaction")
    other = services.comment_create(user=UserFactory(), article=article, text="Un autre avis.")
    assertContains(page(), "Un autre avis.")
    services.comments_reject(moderator=moderator, comments=[other], reason="Hors sujet")
    assertNotContains(page(), "Un autre avis.")
    services.comment_delete(user=author, comment=comment)
    assertNotContains(page(), "Version revue.")
    assertContains(page(), "Aucun commentaire pour le moment...")


def test_a_reader_sees_their_own_comment_awaiting_moderation_and_no_one_else_does(client):
    moderation_rules(mode="pre")
    article = ArticleFactory()
    author = UserFactory()
    client.force_login(author)
    client.post(f"/commentaires/articles/{article.slug}/", {"text": "Mon avis à relire."})
    pending = Comment.objects.get(status=Comment.Status.PENDING)
    page = client.get(article.get_absolute_url())
    assertContains(page, "Vos commentaires en attente de modération")
    assertContains(page, "Mon avis à relire.")
    assertContains(page, f'href="/commentaires/{pending.pk}/modifier/"')
    assertContains(page, f'href="/commentaires/{pending.pk}/supprimer/"')
    for other in (UserFactory(), None):
        if other:
            client.force_login(other)
        else:
            client.logout()
        page = client.get(article.get_absolute_url())
        assertNotContains(page, "Mon avis à relire.")
        assertNotContains(page, "en attente de modération")


def test_the_comment_just_posted_comes_back_with_its_authors_controls(client):
    client.force_login(UserFactory())
    article = ArticleFactory()
    html = client.post(
        f"/commentaires/articles/{article.slug}/", {"text": "En direct."}, HTTP_ACCEPT="application/json"
    ).json()["html"]
    assert "Modifier" in html and "Supprimer" in html and "recommander" not in html


@pytest.mark.parametrize("extras", [1, 12])
def test_a_readers_own_parts_cost_one_query(client, django_assert_max_num_queries, extras):
    """What is the reader's alone (the comments they recommended, theirs awaiting
    moderation) is marked by one query, whatever the number of either: with the article,
    the thread and the rest of the page in the fragment cache, a signed-in page costs the
    reader (with their email and standing), that one query and whether the piece is in
    their "Ma liste": 3 in all. A reader with comments awaiting moderation under the piece
    (rare) costs one more, to load them whole, however many there are."""
    article = ArticleFactory()
    reader = UserFactory()
    for comment in CommentFactory.create_batch(extras, article=article):
        services.comment_recommend(user=reader, comment=comment)
    client.force_login(reader)
    client.get("/")
    client.get(article.get_absolute_url())
    with django_assert_max_num_queries(3):
        page = client.get(article.get_absolute_url()).content.decode()
    assert page.count('aria-pressed="true"') == extras
    assert 'class="badge badge--pending"' not in page

    CommentFactory.create_batch(extras, article=article, author=reader, status=Comment.Status.PENDING)
    client.get(article.get_absolute_url())
    with django_assert_max_num_queries(4):
        page = client.get(article.get_absolute_url()).content.decode()
    assert page.count('aria-pressed="true"') == extras
    assert page.count('class="badge badge--pending"') == extras


def test_a_long_thread_shows_its_first_replies_and_links_to_the_rest(client):
    """Five replies under each thread on the page, then a link to the thread alone with all
    of them: a thread of 500 replies costs the page what a thread of five does."""
    article = ArticleFactory()
    root = CommentFactory(article=article, body="Le sujet.")
    for number in range(1, 9):
        CommentFactory(article=article, parent=root, in_reply_to=root, body=f"Réponse numéro {number}.")
    CommentFactory(article=article, parent=root, in_reply_to=root, status=Comment.Status.PENDING)
    client.force_login(UserFactory())
    page = client.get(article.get_absolute_url())
    html = page.content.decode()
    assert [f"Réponse numéro {n}." in html for n in range(1, 9)] == [True] * 5 + [False] * 3
    assertContains(page, f'href="?fil={root.pk}#commentaire-{root.pk}">Afficher les 3 autres réponses</a>')

    alone = client.get(article.get_absolute_url(), {"fil": root.pk})
    assert all(f"Réponse numéro {n}." in alone.content.decode() for n in range(1, 9))
    assertContains(alone, "Tous les commentaires")
    assertNotContains(alone, "autres réponses")


@pytest.mark.parametrize("value", ["abc", "0", "-3", "99999999999", "reply", "elsewhere"])
def test_a_thread_that_is_not_one_of_the_articles_is_a_404(client, value):
    article = ArticleFactory()
    root = CommentFactory(article=article)
    reply = CommentFactory(article=article, parent=root, in_reply_to=root)
    value = {"reply": reply.pk, "elsewhere": CommentFactory().pk}.get(value, value)
    assert client.get(article.get_absolute_url(), {"fil": value}).status_code == 404
