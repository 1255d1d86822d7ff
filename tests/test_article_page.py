from datetime import timedelta

import pytest
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from articles.models import Article

from .factories import ArticleFactory, AuthorFactory, CommentFactory, TagFactory

pytestmark = pytest.mark.django_db


def test_article_page_shows_the_seed_anatomy_in_order(client):
    article = ArticleFactory(
        title="Les PME relocalisent",
        kicker="DÉCRYPTAGE",
        standfirst="Un chapô distinct du texte.",
        source__name="Le Figaro",
        published_at=timezone.now() - timedelta(days=7, minutes=5),
        authors=[AuthorFactory(name="Claire Dubosc")],
    )
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode().split("<body>", 1)[1]
    anatomy = [
        'class="logo"',
        "DÉCRYPTAGE",
        "<h1",
        "Le Figaro",
        "il y a 7 jours",
        "Un chapô distinct du texte.",
        "Premier paragraphe.",
        "Essayez nos fonctionnalités IA",
        "Commentaires",
        "Aucun commentaire pour le moment...",
        "Articles connexes",
        "INSTALLER L'APPLICATION",
    ]
    positions = [html.index(marker) for marker in anatomy]
    assert positions == sorted(positions)
    assert html.count("<h1") == 1
    assertContains(response, "Claire Dubosc")
    assertContains(response, '<time datetime="')


def test_body_is_rendered_with_subheadings(client):
    article = ArticleFactory(body="Texte.\n\n## « Une question de confiance »\n\n> « Citation »")
    response = client.get(article.get_absolute_url())
    assertContains(response, "<h2>« Une question de confiance »</h2>", html=True)
    assertContains(response, "<blockquote>")


def test_script_in_body_is_never_served(client):
    article = ArticleFactory(body="Bonjour <script>alert('x')</script>")
    response = client.get(article.get_absolute_url())
    assertNotContains(response, "<script>alert")


def test_ad_slots_after_every_n_paragraphs(client, settings):
    settings.NEWSREADER_ADS_EVERY = 2
    article = ArticleFactory(body="\n\n".join(f"Paragraphe {n}." for n in range(1, 8)))
    response = client.get(article.get_absolute_url())
    assert response.content.decode().count('class="ad-slot"') == 3
    assertContains(response, "Publicité")


def test_ad_slots_can_be_turned_off(client, settings):
    settings.NEWSREADER_ADS_EVERY = 0
    article = ArticleFactory(body="\n\n".join(f"Paragraphe {n}." for n in range(1, 8)))
    assertNotContains(client.get(article.get_absolute_url()), 'class="ad-slot"')


def test_comment_count_and_comments(client):
    article = ArticleFactory()
    CommentFactory(article=article, body="Très bon article.")
    CommentFactory(article=article, body="Texte refusé.", status="rejected")
    response = client.get(article.get_absolute_url())
    assertContains(response, "Très bon article.")
    assertNotContains(response, "Texte refusé.")
    assertContains(response, '<span class="comments__count">(1)</span>', html=True)
    assertNotContains(response, "Aucun commentaire pour le moment")


def test_tags_link_to_their_pages(client):
    tag = TagFactory(name="Énergie")
    article = ArticleFactory(tags=[tag])
    assertContains(client.get(article.get_absolute_url()), f'href="{tag.get_absolute_url()}"')


@pytest.mark.parametrize(
    "overrides",
    [
        {"status": Article.Status.DRAFT},
        {"status": Article.Status.REVIEW},
        {"status": Article.Status.UNPUBLISHED},
        {"published_at": timezone.now() + timedelta(days=1)},
    ],
)
def test_unpublished_or_scheduled_article_is_404(client, overrides):
    article = ArticleFactory(**overrides)
    response = client.get(article.get_absolute_url())
    assert response.status_code == 404
    assertContains(response, "Page introuvable", status_code=404)


def test_unknown_article_is_a_friendly_404(client):
    response = client.get("/articles/nexiste-pas/")
    assertContains(response, "Revenir à la une", status_code=404)


def test_english_page_has_english_labels_and_lang(client):
    article = ArticleFactory(published_at=timezone.now() - timedelta(hours=8, minutes=1))
    response = client.get(f"/en{article.get_absolute_url()}")
    assertContains(response, '<html lang="en">')
    assertContains(response, "Related articles")
    assertContains(response, "8 hours ago")
    assertContains(response, "No comments yet...")


def test_french_page_links_to_english(client):
    article = ArticleFactory()
    response = client.get(article.get_absolute_url())
    assertContains(response, '<html lang="fr">')
    assertContains(response, f'href="/en{article.get_absolute_url()}"')


def test_server_error_page_is_friendly_and_needs_no_database(rf, django_assert_num_queries):
    from django.views.defaults import server_error

    with django_assert_num_queries(0):
        response = server_error(rf.get("/"))
    assert response.status_code == 500
    html = response.content.decode()
    assert "Une erreur s&#x27;est produite" in html or "Une erreur s'est produite" in html
    assert "Revenir à la une" in html
