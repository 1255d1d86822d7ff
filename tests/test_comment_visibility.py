"""The pages for one comment (reply, report, delete, edit, recommend) show and act only on
what the reader may see: a pending, refused or deleted comment is a 404 to anyone but,
for the first two, its author; nobody reports their own comment."""

import pytest
from pytest_django.asserts import assertContains

from articles.models import Article
from comments.models import Comment, Report

from .factories import ArticleFactory, CommentFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_comment_rate_limits")]

SECRET = "Texte que personne d'autre ne doit lire"
PAGES = ("signaler", "repondre", "supprimer", "modifier")


@pytest.mark.parametrize("status", [Comment.Status.PENDING, Comment.Status.REJECTED, Comment.Status.DELETED])
@pytest.mark.parametrize("page", PAGES)
def test_another_readers_unpublished_comment_is_a_404_and_its_text_never_shows(client, status, page):
    comment = CommentFactory(body=SECRET, status=status)
    client.force_login(UserFactory())
    response = client.get(f"/commentaires/{comment.pk}/{page}/")
    assert response.status_code == 404
    assert SECRET not in response.content.decode()
    assert client.post(f"/commentaires/{comment.pk}/{page}/", {"reason": "spam", "text": "Réponse"}).status_code == 404
    assert client.post(f"/commentaires/{comment.pk}/recommander/").status_code == 404
    assert not Report.objects.exists()
    assert Comment.objects.count() == 1


@pytest.mark.parametrize("page", PAGES)
def test_a_comment_under_an_unpublished_article_is_a_404(client, page):
    comment = CommentFactory(body=SECRET, article=ArticleFactory(status=Article.Status.DRAFT))
    client.force_login(comment.author)
    response = client.get(f"/commentaires/{comment.pk}/{page}/")
    assert response.status_code == 404
    assert SECRET not in response.content.decode()


def test_a_deleted_comment_cannot_be_reported(client):
    comment = CommentFactory(status=Comment.Status.DELETED)
    client.force_login(UserFactory())
    response = client.post(f"/commentaires/{comment.pk}/signaler/", {"reason": "spam"})
    assert response.status_code == 404
    assert not Report.objects.exists()


def test_readers_cannot_report_their_own_comment(client):
    comment = CommentFactory()
    client.force_login(comment.author)
    assert client.get(f"/commentaires/{comment.pk}/signaler/").status_code == 404
    assert client.post(f"/commentaires/{comment.pk}/signaler/", {"reason": "spam"}).status_code == 404
    assert not Report.objects.exists()


def test_others_published_comments_can_be_reported_and_answered(client):
    comment = CommentFactory(body="Un avis publié")
    client.force_login(UserFactory())
    assertContains(client.get(f"/commentaires/{comment.pk}/signaler/"), "Un avis publié")
    assertContains(client.get(f"/commentaires/{comment.pk}/repondre/"), "Un avis publié")
    client.post(f"/commentaires/{comment.pk}/signaler/", {"reason": "spam"})
    assert Report.objects.filter(comment=comment).count() == 1


def test_only_its_author_may_delete_a_comment(client):
    comment = CommentFactory()
    client.force_login(UserFactory())
    assert client.get(f"/commentaires/{comment.pk}/supprimer/").status_code == 404
    assert client.post(f"/commentaires/{comment.pk}/supprimer/").status_code == 404
    comment.refresh_from_db()
    assert comment.status == Comment.Status.PUBLISHED


@pytest.mark.parametrize("status", [Comment.Status.PENDING, Comment.Status.REJECTED])
def test_authors_may_withdraw_their_comment_awaiting_or_refused(client, status):
    comment = CommentFactory(body="Mon texte", status=status)
    client.force_login(comment.author)
    assertContains(client.get(f"/commentaires/{comment.pk}/supprimer/"), "Mon texte")
    assert client.get(f"/commentaires/{comment.pk}/repondre/").status_code == 404  # nobody answers it yet
    client.post(f"/commentaires/{comment.pk}/supprimer/")
    comment.refresh_from_db()
    assert comment.status == Comment.Status.DELETED
    assert client.get(f"/commentaires/{comment.pk}/supprimer/").status_code == 404
