"""Reading and writing comments: who may, what they see, and what happens to their words."""

from datetime import timedelta

import pytest
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from articles.models import Article
from comments.models import Comment, CommenterStanding

from .factories import ArticleFactory, CommentFactory, SubscriptionFactory, UserFactory, moderation_rules

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_comment_rate_limits")]


@pytest.fixture(autouse=True)
def open_rules(db):
    """Post-moderation with no probation for new commenters, unless a test says otherwise."""
    moderation_rules(new_commenter_threshold=0, hold_links=True)


def post(client, article, text, **extra):
    return client.post(f"/commentaires/articles/{article.slug}/", {"text": text, **extra})


@pytest.mark.parametrize(
    ("who", "mode", "allowed", "message"),
    [
        ("anonymous", Article.CommentsMode.OPEN, False, "Connectez-vous pour participer"),
        ("unverified", Article.CommentsMode.OPEN, False, "Confirmez votre adresse e-mail"),
        ("reader", Article.CommentsMode.OPEN, True, None),
        ("reader", Article.CommentsMode.SUBSCRIBERS, False, "réservés aux abonnés"),
        ("subscriber", Article.CommentsMode.SUBSCRIBERS, True, None),
        ("staff", Article.CommentsMode.SUBSCRIBERS, True, None),
        ("reader", Article.CommentsMode.CLOSED, False, "Les commentaires sont fermés pour cet article."),
        ("banned", Article.CommentsMode.OPEN, False, "ne peut plus publier"),
        ("suspended", Article.CommentsMode.OPEN, False, "Vous ne pouvez pas commenter jusqu"),
    ],
)
def test_who_may_comment_and_the_page_says_why_not(client, who, mode, allowed, message):
    article = ArticleFactory(comments_mode=mode)
    user = {
        "anonymous": None,
        "unverified": lambda: UserFactory(verified=False),
        "reader": UserFactory,
        "subscriber": lambda: SubscriptionFactory().user,
        "staff": lambda: UserFactory(is_staff=True),
        "banned": lambda: CommenterStanding.objects.create(user=UserFactory(), banned=True).user,
        "suspended": lambda: (
            CommenterStanding.objects.create(
                user=UserFactory(), suspended_until=timezone.now() + timedelta(days=2)
            ).user
        ),
    }[who]
    if user:
        client.force_login(user())
    page = client.get(article.get_absolute_url())
    if allowed:
        assertContains(page, 'name="text"')
        response = post(client, article, "Un avis argumenté.")
        assert response.status_code == 302
        assert Comment.objects.filter(body="Un avis argumenté.").exists()
    else:
        assertNotContains(page, 'name="text"')
        assertContains(page, message)
        response = post(client, article, "Un avis argumenté.")
        assert response.status_code in (302, 400)
        assert not Comment.objects.exists()


def test_comments_close_by_themselves_after_n_days(client):
    moderation_rules(close_after_days=14)
    client.force_login(UserFactory())
    old = ArticleFactory(published_at=timezone.now() - timedelta(days=15))
    assertContains(client.get(old.get_absolute_url()), "Les commentaires sont fermés")
    assert post(client, old, "Trop tard ?").status_code == 400
    recent = ArticleFactory(published_at=timezone.now() - timedelta(days=13))
    assert post(client, recent, "À temps.").status_code == 302


def test_posting_brings_the_reader_back_to_the_new_comment(client):
    client.force_login(UserFactory(display_name="Camille"))
    article = ArticleFactory()
    response = post(client, article, "Très *juste* analyse.")
    comment = Comment.objects.get()
    assert response["Location"] == f"{article.get_absolute_url()}#commentaire-{comment.pk}"
    page = client.get(article.get_absolute_url())
    assertContains(page, "Très <em>juste</em> analyse.", html=True)
    assertContains(page, "Camille")
    assertContains(page, '<span class="comments__count">(1)</span>', html=True)


@pytest.mark.parametrize(("text", "error"), [("x", "trop court"), ("x" * 5001, "trop long"), ("   ", "Écrivez")])
def test_length_errors_keep_what_the_reader_typed(client, text, error):
    client.force_login(UserFactory())
    article = ArticleFactory()
    response = post(client, article, text)
    assert response.status_code == 400
    assertContains(response, error, status_code=400)
    if text.strip():
        assertContains(response, text[:100], status_code=400)
    assert not Comment.objects.exists()


def test_replies_are_threaded_two_levels_deep(client):
    article = ArticleFactory()
    root = CommentFactory(article=article, body="Premier niveau")
    client.force_login(UserFactory())
    client.post(f"/commentaires/{root.pk}/repondre/", {"text": "Deuxième niveau"})
    first_reply = Comment.objects.get(body="Deuxième niveau")
    client.force_login(UserFactory())
    client.post(f"/commentaires/{first_reply.pk}/repondre/", {"text": "Réponse à la réponse"})
    nested = Comment.objects.get(body="Réponse à la réponse")
    assert first_reply.parent == root and nested.parent == root  # never deeper than two levels
    assert nested.in_reply_to == first_reply
    html = client.get(article.get_absolute_url()).content.decode()
    replies = html.split('class="comments__replies"', 1)[1]
    assert "Deuxième niveau" in replies and "Réponse à la réponse" in replies
    assert "en réponse à" in replies


def test_reply_page_works_without_javascript(client):
    root = CommentFactory(body="À quoi répondre")
    client.force_login(UserFactory())
    page = client.get(f"/commentaires/{root.pk}/repondre/")
    assertContains(page, "À quoi répondre")
    assertContains(page, '<textarea name="text"')


def test_edit_own_comment_within_15_minutes_marks_it_edited(client):
    user = UserFactory()
    comment = CommentFactory(author=user, body="Première version")
    client.force_login(user)
    response = client.post(f"/commentaires/{comment.pk}/modifier/", {"text": "Version corrigée"})
    assert response.status_code == 302
    page = client.get(comment.article.get_absolute_url())
    assertContains(page, "Version corrigée")
    assertContains(page, "modifié")


def test_no_edit_after_15_minutes_or_of_someone_else(client):
    user = UserFactory()
    old = CommentFactory(author=user, created_at=timezone.now() - timedelta(minutes=16))
    other = CommentFactory()
    client.force_login(user)
    for comment in (old, other):
        client.post(f"/commentaires/{comment.pk}/modifier/", {"text": "Changé"})
        comment.refresh_from_db()
        assert comment.body != "Changé"


def test_deleted_comment_with_replies_leaves_a_placeholder(client):
    user = UserFactory()
    root = CommentFactory(author=user, body="Je retire ce que j'ai dit")
    CommentFactory(article=root.article, parent=root, in_reply_to=root, body="Une réponse qui reste")
    lonely = CommentFactory(article=root.article, author=user, body="Sans réponse")
    client.force_login(user)
    client.post(f"/commentaires/{root.pk}/supprimer/")
    client.post(f"/commentaires/{lonely.pk}/supprimer/")
    page = client.get(root.article.get_absolute_url())
    assertContains(page, "Commentaire supprimé", count=1)
    assertNotContains(page, "Je retire ce que j")
    assertNotContains(page, "Sans réponse")
    assertContains(page, "Une réponse qui reste")


def test_one_recommendation_per_reader_and_its_count(client):
    comment = CommentFactory()
    client.force_login(UserFactory())
    client.post(f"/commentaires/{comment.pk}/recommander/")
    comment.refresh_from_db()
    assert comment.recommend_count == 1
    assertContains(client.get(comment.article.get_absolute_url()), "1 recommandation")
    client.post(f"/commentaires/{comment.pk}/recommander/")  # a second click takes it back
    comment.refresh_from_db()
    assert comment.recommend_count == 0


def test_sorting_and_featured_first(client):
    article = ArticleFactory()
    now = timezone.now()
    old = CommentFactory(article=article, body="Le plus ancien", created_at=now - timedelta(hours=3))
    new = CommentFactory(article=article, body="Le plus récent", created_at=now - timedelta(hours=1))
    popular = CommentFactory(article=article, body="Le plus recommandé", created_at=now - timedelta(hours=2))
    Comment.objects.filter(pk=popular.pk).update(recommend_count=9)
    featured = CommentFactory(
        article=article, body="Choisi par la rédaction", is_featured=True, created_at=now - timedelta(hours=4)
    )

    def order(sort):
        html = client.get(article.get_absolute_url(), {"tri": sort}).content.decode()
        bodies = [c.body for c in (old, new, popular, featured)]
        return sorted(bodies, key=html.index)

    assert order("recents") == [featured.body, new.body, popular.body, old.body]
    assert order("anciens") == [featured.body, old.body, popular.body, new.body]
    assert order("recommandes") == [featured.body, popular.body, new.body, old.body]
    assertContains(client.get(article.get_absolute_url()), "Choix de la rédaction")


def test_comments_are_paginated_and_a_bad_page_is_404(client):
    article = ArticleFactory()
    Comment.objects.bulk_create(
        Comment(article=article, body=f"Commentaire {n}", body_html=f"<p>Commentaire {n}</p>") for n in range(25)
    )
    first = client.get(article.get_absolute_url())
    assertContains(first, "cpage=2")
    second = client.get(article.get_absolute_url(), {"cpage": 2})
    assert second.status_code == 200
    for bad in ("3", "0", "abc", "-2"):
        assert client.get(article.get_absolute_url(), {"cpage": bad}).status_code == 404


def test_staff_comments_carry_the_newsroom_badge(client):
    comment = CommentFactory(author=UserFactory(is_staff=True))
    assertContains(client.get(comment.article.get_absolute_url()), "Rédaction")


def test_comment_counts_show_in_lists_and_related(client):
    article = ArticleFactory()
    CommentFactory.create_batch(3, article=article)
    CommentFactory(article=article, status=Comment.Status.PENDING)
    assertContains(client.get("/"), "3 commentaires")
    neighbour = ArticleFactory(section=article.section)
    related = client.get(neighbour.get_absolute_url()).content.decode().split('class="related"', 1)[1]
    assert "3 commentaires" in related


def test_my_comments_page_lists_status_and_replies(client):
    user = UserFactory()
    mine = CommentFactory(author=user, body="Mon commentaire publié")
    CommentFactory(author=user, body="Mon commentaire en attente", status=Comment.Status.PENDING)
    CommentFactory(author=user, body="Refusé", status=Comment.Status.REJECTED, rejection_reason="Hors sujet")
    CommentFactory(article=mine.article, parent=mine, in_reply_to=mine, body="Quelqu'un me répond")
    client.force_login(user)
    page = client.get("/compte/commentaires/")
    assertContains(page, "Mon commentaire publié")
    assertContains(page, "En attente")
    assertContains(page, "Motif : Hors sujet")
    assertContains(page, "un me répond")
    assert client.get("/compte/commentaires/", {"page": "9"}).status_code == 404


def test_in_place_posting_answers_json_with_the_rendered_comment(client):
    client.force_login(UserFactory(display_name="Camille"))
    article = ArticleFactory()
    response = client.post(
        f"/commentaires/articles/{article.slug}/", {"text": "En *direct*."}, HTTP_ACCEPT="application/json"
    )
    data = response.json()
    assert response.status_code == 200
    assert data["count"] == 1 and data["thread"] is None
    assert "<em>direct</em>" in data["html"] and "Camille" in data["html"]
    assert data["message"] == "Votre commentaire est publié."


def test_in_place_errors_answer_json_and_nothing_is_saved(client):
    client.force_login(UserFactory())
    article = ArticleFactory()
    response = client.post(f"/commentaires/articles/{article.slug}/", {"text": "x"}, HTTP_ACCEPT="application/json")
    assert response.status_code == 400
    assert "trop court" in response.json()["errors"][0]
    assert not Comment.objects.exists()


def test_in_place_reply_and_recommendation(client):
    root = CommentFactory()
    client.force_login(UserFactory())
    reply = client.post(
        f"/commentaires/{root.pk}/repondre/", {"text": "Une réponse."}, HTTP_ACCEPT="application/json"
    ).json()
    assert reply["thread"] == root.pk and "Une réponse." in reply["html"]
    recommended = client.post(f"/commentaires/{root.pk}/recommander/", HTTP_ACCEPT="application/json").json()
    assert recommended == {
        "message": "Vous recommandez ce commentaire.",
        "recommended": True,
        "label": "1 recommandation",
    }


def recommend_button(html, comment):
    """The "Recommander" button of this comment as the page renders it (None if absent)."""
    action = f'action="/commentaires/{comment.pk}/recommander/"'
    if action not in html:
        return None
    return html.split(action, 1)[1].split("</button>", 1)[0] + "</button>"


def test_recommend_is_offered_on_others_comments_and_shows_what_this_reader_gave(client):
    """Never on one's own comment; given or not, per reader, although the thread itself is
    one cached fragment shared by every reader."""
    article = ArticleFactory()
    reader, other, third = UserFactory(), UserFactory(), UserFactory()
    mine = CommentFactory(article=article, author=reader, body="Mon avis.")
    theirs = CommentFactory(article=article, author=other, body="Leur avis.")
    reply = CommentFactory(article=article, author=other, parent=theirs, in_reply_to=theirs, body="Une réponse.")
    client.force_login(reader)
    client.get(article.get_absolute_url())  # the thread is now cached
    client.post(f"/commentaires/{reply.pk}/recommander/")

    html = client.get(article.get_absolute_url()).content.decode()
    assert recommend_button(html, mine) is None
    assert 'aria-pressed="false"' in recommend_button(html, theirs)
    assert ">Recommander</button>" in recommend_button(html, theirs)
    assert 'aria-pressed="true"' in recommend_button(html, reply)
    assert ">Recommandé</button>" in recommend_button(html, reply)

    client.force_login(third)
    html = client.get(article.get_absolute_url()).content.decode()
    assert 'aria-pressed="false"' in recommend_button(html, reply)
    assert 'aria-pressed="false"' in recommend_button(html, mine)
    client.logout()
    assert recommend_button(client.get(article.get_absolute_url()).content.decode(), reply) is None
