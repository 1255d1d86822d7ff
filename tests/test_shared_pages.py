"""The article page is rendered once for every reader who gets the same text and completed
per request with the reader's own parts (`infrastructure.assembly`): what is one reader's
never reaches another, and what changes reaches every reader at once."""

import re

import pytest
from django.core.cache import caches
from django.template import Context, Template
from django.urls import reverse

from articles.models import Article
from comments.models import Comment
from saved.selectors import offline_cache_key
from saved.services import article_save

from .factories import ArticleFactory, CommentFactory, SectionFactory, SubscriptionFactory, UserFactory
from .test_gating import PARAGRAPHS, gated_article

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture
def kept(settings):
    """Shared pages kept as in production (the test settings keep nothing)."""
    settings.NEWSREADER_PAGE_CACHE_SECONDS = 60


def page_for(client, user, url):
    client.force_login(user)
    return client.get(url).content.decode()


def test_a_reader_gets_nothing_of_the_reader_the_page_was_built_for(client, kept):
    article = ArticleFactory()
    first = UserFactory(display_name="Première Lectrice")
    second = UserFactory(display_name="Second Lecteur")
    article_save(user=first, article=article)
    CommentFactory(article=article, author=first, status=Comment.Status.PENDING, body="En attente de la première.")

    first_page = page_for(client, first, article.get_absolute_url())
    second_page = page_for(client, second, article.get_absolute_url())

    assert "Première Lectrice" in first_page and "En attente de la première." in first_page
    assert 'value="remove" aria-pressed="true"' in first_page
    assert "Second Lecteur" in second_page
    for hers in ("Première Lectrice", "En attente de la première.", offline_cache_key(user=first)):
        assert hers not in second_page
    assert 'value="save" aria-pressed="false"' in second_page
    assert not set(TOKEN.findall(first_page)) & set(TOKEN.findall(second_page))
    assert offline_cache_key(user=second) in second_page
    assert "nr-part-" not in first_page + second_page


def test_an_anonymous_reader_after_a_signed_in_one_gets_a_page_the_cache_may_keep(client, kept):
    article = ArticleFactory()
    page_for(client, UserFactory(display_name="Zoé"), article.get_absolute_url())
    client.logout()
    first = client.get(article.get_absolute_url())
    html = first.content.decode()
    assert "Zoé" not in html and "Se connecter" in html
    assert "csrfmiddlewaretoken" not in html and "data-reader" not in html
    assert first["X-Page-Cache"] == "miss"
    assert client.get(article.get_absolute_url())["X-Page-Cache"] == "hit"


def test_a_change_to_the_article_reaches_a_signed_in_reader_at_once(client, kept):
    article = ArticleFactory(title="Ancien titre")
    reader = UserFactory()
    assert "Ancien titre" in page_for(client, reader, article.get_absolute_url())
    article.title = "Nouveau titre"
    article.save()
    html = page_for(client, reader, article.get_absolute_url())
    assert "Nouveau titre" in html and "Ancien titre" not in html


def test_a_subscriber_and_a_reader_each_get_their_own_text(client, kept, settings):
    settings.NEWSREADER_FREE_ARTICLES_PER_MONTH = 0
    article = gated_article(Article.Access.SUBSCRIBERS)
    subscriber = SubscriptionFactory().user
    reader = UserFactory()
    assert PARAGRAPHS[-1] in page_for(client, subscriber, article.get_absolute_url())
    teaser = page_for(client, reader, article.get_absolute_url())
    assert PARAGRAPHS[-1] not in teaser and "Réservé aux abonnés" in teaser
    assert PARAGRAPHS[-1] in page_for(client, subscriber, article.get_absolute_url())


def test_the_other_language_link_keeps_this_requests_address(client, kept):
    article = ArticleFactory()
    reader = UserFactory()
    page_for(client, reader, article.get_absolute_url())
    html = client.get(f"{article.get_absolute_url()}?tri=anciens").content.decode()
    assert f'href="/en{article.get_absolute_url()}?tri=anciens"' in html


def test_a_message_shows_once_to_its_reader(client, kept):
    article = ArticleFactory(title="Un article à garder")
    reader = UserFactory()
    token = TOKEN.findall(page_for(client, reader, article.get_absolute_url()))[0]
    response = client.post(
        reverse("saved:item", args=[article.slug]),
        {"action": "save", "next": article.get_absolute_url(), "csrfmiddlewaretoken": token},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == article.get_absolute_url()
    assert "« Un article à garder » est dans Ma liste." in response.content.decode()
    assert "est dans Ma liste." not in client.get(article.get_absolute_url()).content.decode()


def test_a_request_part_outside_a_shared_page_is_an_include():
    template = Template('{% load assembly %}<p>{% request_part "includes/messages.html" %}</p>')
    assert template.render(Context({"messages": ["Bonjour"]})).startswith('<p>\n  <div class="messages"')


def test_each_language_has_its_own_page(client, kept):
    article = ArticleFactory()
    french = page_for(client, UserFactory(), article.get_absolute_url())
    english = client.get(f"/en{article.get_absolute_url()}").content.decode()
    assert '<html lang="fr">' in french and "Se déconnecter" in french
    assert '<html lang="en">' in english and "Sign out" in english and "Se déconnecter" not in english


@pytest.mark.parametrize("address", ["/", "/rubriques/politique/", "/actualites/", "/rubriques/politique/?page=2"])
def test_the_front_page_and_lists_too(client, kept, address, settings):
    settings.NEWSREADER_PAGE_SIZE = 2
    section = SectionFactory(slug="politique", name="Politique")
    for number in range(5):
        ArticleFactory(section=section, title=f"Article de la liste {number}")
    first = UserFactory(display_name="Première Lectrice")
    second = UserFactory(display_name="Second Lecteur")
    first_page = page_for(client, first, address)
    second_page = page_for(client, second, address)
    assert "Première Lectrice" in first_page and "Première Lectrice" not in second_page
    assert "Second Lecteur" in second_page
    assert not set(TOKEN.findall(first_page)) & set(TOKEN.findall(second_page))
    assert "Article de la liste" in second_page and "nr-part-" not in second_page


def test_each_page_of_a_list_is_its_own(client, kept, settings):
    settings.NEWSREADER_PAGE_SIZE = 2
    section = SectionFactory(slug="politique")
    for number in range(4):
        ArticleFactory(section=section, title=f"Numéro {number}")
    reader = UserFactory()
    first = page_for(client, reader, "/rubriques/politique/")
    second = client.get("/rubriques/politique/?page=2").content.decode()
    assert "Numéro 3" in first and "Numéro 3" not in second
    assert "Numéro 0" in second and "Numéro 0" not in first


# Request parts kept by what they show (`complete(kept=…)`): readers in the same case share
# one, each with their own token; whatever a reader changes shows on their next page.


def test_readers_in_the_same_case_share_a_part_each_with_their_own_token(client, kept):
    article = ArticleFactory()
    pages = [page_for(client, UserFactory(), article.get_absolute_url()) for _ in range(2)]
    tokens = [set(TOKEN.findall(page)) for page in pages]
    assert all(len(found) == 1 for found in tokens), "one token throughout each page"
    assert not tokens[0] & tokens[1]
    for page in pages:
        assert 'value="save" aria-pressed="false"' in page and 'class="comment-form stacked-form"' in page
        assert "nr-part-token" not in page
    stored = repr(list(caches["fragments"]._cache.values()))
    assert not any(token in stored for found in tokens for token in found), "no token is kept"


def test_what_a_reader_changes_shows_on_their_next_page(client, kept):
    article = ArticleFactory()
    reader = UserFactory(display_name="Avant")
    page_for(client, reader, article.get_absolute_url())
    article_save(user=reader, article=article)
    reader.display_name = "Après"
    reader.save()
    html = page_for(client, reader, article.get_absolute_url())
    assert 'value="remove" aria-pressed="true"' in html
    assert "Connecté : Après" in html and "Avant" not in html


def test_the_comments_section_follows_what_each_reader_may_do(client, kept):
    article = ArticleFactory()
    CommentFactory(article=article, body="Un premier avis.")
    allowed, unverified = UserFactory(), UserFactory(verified=False)
    for reader in (allowed, unverified, allowed):
        html = page_for(client, reader, article.get_absolute_url())
        assert "Un premier avis." in html
        if reader == allowed:
            assert 'class="comment-form stacked-form"' in html and "Confirmez votre adresse" not in html
        else:
            assert "Confirmez votre adresse" in html and 'class="comment-form stacked-form"' not in html


def test_each_reader_is_told_their_own_free_articles_left(client, kept):
    article = gated_article(Article.Access.SUBSCRIBERS)
    fresh, reading_a_lot = UserFactory(), UserFactory()
    for _ in range(2):
        page_for(client, reading_a_lot, gated_article(Article.Access.SUBSCRIBERS).get_absolute_url())
    assert "Il vous reste 2 articles offerts" in page_for(client, fresh, article.get_absolute_url())
    assert "Vous n'avez plus d'article offert" in page_for(client, reading_a_lot, article.get_absolute_url())
