import warnings

import pytest
from django.test import RequestFactory
from pytest_django.asserts import assertContains

from .factories import ArticleFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def page_cache(settings):
    settings.NEWSREADER_PAGE_CACHE_SECONDS = 60


def test_anonymous_page_is_served_from_cache(client, page_cache, django_assert_num_queries):
    article = ArticleFactory()
    first = client.get(article.get_absolute_url())
    assert first["X-Page-Cache"] == "miss"
    assert "public" in first["Cache-Control"]
    with django_assert_num_queries(0):
        second = client.get(article.get_absolute_url())
    assert second["X-Page-Cache"] == "hit"
    assert second.content == first.content


def test_signed_in_reader_never_gets_the_cached_page(client, page_cache):
    article = ArticleFactory()
    client.get(article.get_absolute_url())  # stored for anonymous readers
    user = UserFactory(display_name="Zoé")
    client.force_login(user)
    response = client.get(article.get_absolute_url())
    assert "X-Page-Cache" not in response
    assert "private" in response["Cache-Control"]
    assertContains(response, "Zoé")


def test_signed_in_page_is_never_stored_for_others(client, page_cache):
    article = ArticleFactory()
    client.force_login(UserFactory(display_name="Zoé"))
    client.get(article.get_absolute_url())
    client.logout()
    anonymous = client.get(article.get_absolute_url())
    assert anonymous["X-Page-Cache"] == "miss"
    assert "Zoé" not in anonymous.content.decode()


def test_saving_an_article_retires_cached_pages(client, page_cache):
    article = ArticleFactory(title="Ancien titre")
    client.get(article.get_absolute_url())
    article.title = "Nouveau titre"
    article.save()
    response = client.get(article.get_absolute_url())
    assert response["X-Page-Cache"] == "miss"
    assertContains(response, "Nouveau titre")


def test_pages_with_a_csrf_form_are_not_stored(client, page_cache):
    response = client.get("/comptes/login/")
    assert "X-Page-Cache" not in response
    assert client.get("/comptes/login/").get("X-Page-Cache") is None


def test_a_scheduled_article_appears_at_its_time_even_through_the_page_cache(client, page_cache):
    from datetime import timedelta

    from django.utils import timezone

    from articles.models import Article

    article = ArticleFactory(published_at=timezone.now() + timedelta(hours=1))
    assert client.get(article.get_absolute_url()).status_code == 404
    # Time passes (no save, no signal, no job): the article's time has come.
    Article.objects.filter(pk=article.pk).update(published_at=timezone.now() - timedelta(seconds=1))
    assert client.get(article.get_absolute_url()).status_code == 200


def test_a_comment_retires_its_article_page_only(client, page_cache):
    """Scopes: a comment on one article costs the site that page, not the front page nor
    the other articles."""
    from .factories import CommentFactory

    commented, other = ArticleFactory(), ArticleFactory()
    for url in ("/", commented.get_absolute_url(), other.get_absolute_url()):
        assert client.get(url)["X-Page-Cache"] == "miss"
    CommentFactory(article=commented, body="Un avis tout neuf.")
    assert client.get("/")["X-Page-Cache"] == "hit"
    assert client.get(other.get_absolute_url())["X-Page-Cache"] == "hit"
    response = client.get(commented.get_absolute_url())
    assert response["X-Page-Cache"] == "miss"
    assertContains(response, "Un avis tout neuf.")


def test_publishing_retires_the_lists_but_not_other_articles(client, page_cache):
    other = ArticleFactory()
    client.get("/")
    client.get(other.get_absolute_url())
    ArticleFactory(title="Une nouvelle dépêche", source=other.source, section=other.section)
    assert client.get(other.get_absolute_url())["X-Page-Cache"] == "hit"
    front = client.get("/")
    assert front["X-Page-Cache"] == "miss"
    assertContains(front, "Une nouvelle dépêche")


def test_a_scheduled_article_reaches_the_front_page_at_its_time(client, page_cache):
    """No save and no job at publication time: the lists scope retires by itself when the
    next scheduled article is due."""
    import time
    from datetime import timedelta

    from django.utils import timezone

    ArticleFactory(title="Programmé pour bientôt", published_at=timezone.now() + timedelta(seconds=1))
    first = client.get("/")
    assert "Programmé pour bientôt" not in first.content.decode()
    assert client.get("/")["X-Page-Cache"] == "hit"
    time.sleep(1.2)
    response = client.get("/")
    assert response["X-Page-Cache"] == "miss"
    assertContains(response, "Programmé pour bientôt")


def test_tracking_parameters_share_the_cached_page(client, page_cache):
    article = ArticleFactory()
    client.get(article.get_absolute_url())
    shared = client.get(f"{article.get_absolute_url()}?utm_source=twitter&utm_medium=social&fbclid=abc")
    assert shared["X-Page-Cache"] == "hit"


@pytest.mark.parametrize("query", ["?x=1", "?page=0002", "?page=1&page=2", "?tri=recents&nonsense=1"])
def test_addresses_with_unknown_parameters_are_rendered_but_never_stored(client, page_cache, query):
    """A crawler inventing query strings cannot fill the cache."""
    from django.core.cache import cache

    article = ArticleFactory()
    before = set(cache._cache)
    response = client.get(f"{article.get_absolute_url()}{query}")
    assert response.status_code in (200, 404)
    assert "X-Page-Cache" not in response
    assert not [key for key in set(cache._cache) - before if ":pages:" in key]


def test_while_one_request_rebuilds_an_expired_page_the_others_get_the_stale_copy(client, page_cache):
    from django.core.cache import cache

    from infrastructure import page_cache as pages
    from infrastructure import scopes

    article = ArticleFactory(title="Premier titre")
    client.get(article.get_absolute_url())
    scopes.content_changed(scopes.article(article.pk))  # the stored page is now stale
    key = pages.page_key(RequestFactory().get(article.get_absolute_url()))
    assert cache.add(f"{key}:rebuilding", True, 10)  # another reader is rebuilding it
    response = client.get(article.get_absolute_url())
    assert response["X-Page-Cache"] == "stale"
    assertContains(response, "Premier titre")
    cache.delete(f"{key}:rebuilding")
    assert client.get(article.get_absolute_url())["X-Page-Cache"] == "miss"  # this one rebuilds
    assert client.get(article.get_absolute_url())["X-Page-Cache"] == "hit"


def test_an_unpublished_article_is_never_served_stale(client, page_cache):
    from articles.models import Article

    article = ArticleFactory()
    client.get(article.get_absolute_url())
    Article.objects.filter(pk=article.pk).update(status=Article.Status.UNPUBLISHED)
    from infrastructure import scopes

    scopes.content_changed(scopes.SITE)
    assert client.get(article.get_absolute_url()).status_code == 404  # the rebuild finds nothing
    assert client.get(article.get_absolute_url()).status_code == 404  # and keeps nothing


def test_fragments_are_kept_as_objects_not_copies():
    """Read on every page, fragments are handed out as stored (infrastructure.object_cache):
    unpickling the article, its shared page and the thread was a tenth of a signed-in view."""
    from django.core.cache import caches

    fragments = caches["fragments"]
    thread = ("<p>", 12, "</p>")
    fragments.set("fragment-test", thread, 60)
    assert fragments.get("fragment-test") is thread
    assert not fragments.add("fragment-test", "other", 60)
    fragments.set("fragment-count", 1, 60)
    assert fragments.incr("fragment-count", 2) == 3
    fragments.set("fragment-gone", thread, 0)
    assert fragments.get("fragment-gone") is None
    # Keys stay in the process: any string names a fragment, without memcached's warnings.
    long_key = "request-part:127.0.0.1:https:fr:" + "un chemin très long/" * 20
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fragments.set(long_key, thread, 60)
        assert fragments.get(long_key) is thread
