"""What the edge cache in front of the site may keep, it learns from the site's own headers."""

import pytest

from .factories import ArticleFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def page_cache(settings):
    settings.NEWSREADER_PAGE_CACHE_SECONDS = 60
    settings.NEWSREADER_STALE_IF_ERROR_SECONDS = 86400


def directives(response):
    return {part.strip() for part in response["Cache-Control"].split(",")}


def test_anonymous_pages_may_be_served_stale_by_the_edge(client, page_cache):
    response = client.get(ArticleFactory().get_absolute_url())
    assert {"public", "max-age=60", "stale-while-revalidate=60", "stale-if-error=86400"} <= directives(response)
    assert not response.cookies


def test_the_language_is_in_the_address_so_caches_do_not_split_by_browser_language(client, page_cache):
    article = ArticleFactory()
    for url in (article.get_absolute_url(), f"/en{article.get_absolute_url()}"):
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="de-DE,de;q=0.9")
        vary = {v.strip().lower() for v in response["Vary"].split(",")}
        assert vary == {"cookie"}, url
    assert 'lang="fr"' in client.get(article.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()


def test_signed_in_pages_are_private(client, page_cache):
    client.force_login(UserFactory())
    response = client.get(ArticleFactory().get_absolute_url())
    assert "private" in directives(response)
    assert "public" not in directives(response)


def test_health_answers_without_database_or_cookie(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/sante/")
    assert response.status_code == 200
    assert response.content == b"ok\n"
    assert "no-store" in response["Cache-Control"]
    assert not response.cookies
