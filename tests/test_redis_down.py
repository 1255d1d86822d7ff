"""Redis accelerates the site; when it goes away the site keeps serving, slower, and says so."""

import logging
import socket

import pytest
from django.core.cache import cache
from django.urls import reverse
from pytest_django.asserts import assertContains

from comments.models import Comment
from infrastructure import ratelimit
from newsreader.settings.base import shared_cache

from .factories import ArticleFactory, UserFactory

pytestmark = pytest.mark.django_db


def closed_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def redis_down(settings):
    """The production cache settings, pointed at a port where nothing listens."""
    settings.CACHES = {
        "default": shared_cache(f"redis://127.0.0.1:{closed_port()}/0"),
        "fragments": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "fragments"},
    }
    settings.NEWSREADER_PAGE_CACHE_SECONDS = 60
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    ratelimit.local_counters.clear()


def test_pages_render_uncached_without_redis(client, redis_down):
    article = ArticleFactory(title="Un titre lisible sans Redis")
    for url in ("/robots.txt", "/", article.get_absolute_url(), article.section.get_absolute_url()):
        assert client.get(url).status_code == 200, url
    assertContains(client.get(article.get_absolute_url()), "Un titre lisible sans Redis")


def test_signed_in_reader_keeps_their_session_and_can_comment(client, redis_down):
    article = ArticleFactory()
    user = UserFactory(display_name="Zoé")
    client.force_login(user)
    assertContains(client.get(article.get_absolute_url()), "Zoé")
    url = reverse("articles:comment", kwargs={"slug": article.slug})
    response = client.post(url, {"text": "Toujours là sans Redis."})
    assert response.status_code == 302
    assert client.get(response.url).status_code == 200
    assert Comment.objects.filter(author=user, body="Toujours là sans Redis.").exists()
    # The rate limit still holds, counted in the process.
    assert client.post(url, {"text": "Et une deuxième fois, aussitôt."}).status_code == 429


def test_the_log_says_so_once(client, redis_down, caplog):
    article = ArticleFactory()
    with caplog.at_level(logging.WARNING, logger="infrastructure.redis_cache"):
        for _ in range(3):
            client.get(article.get_absolute_url())
    warnings = [record for record in caplog.records if "does not answer" in record.getMessage()]
    assert len(warnings) == 1


def test_rate_limits_still_count_in_the_process(redis_down):
    assert ratelimit.allow("test-key", limit=2, seconds=60)
    assert ratelimit.allow("test-key", limit=2, seconds=60)
    assert not ratelimit.allow("test-key", limit=2, seconds=60)


def test_a_dead_redis_is_not_asked_again_at_every_call(redis_down):
    cache.get("anything")
    assert not cache.is_available()


def test_without_redis_a_new_comment_shows_at_once(client, redis_down):
    """No process can hear of a change while Redis is away: nothing cached then is reused."""
    from comments.models import ModerationSettings

    ModerationSettings.objects.update_or_create(pk=1, defaults={"new_commenter_threshold": 0})
    article = ArticleFactory()
    client.force_login(UserFactory())
    assert "Tout juste publié" not in client.get(article.get_absolute_url()).content.decode()
    client.post(reverse("articles:comment", kwargs={"slug": article.slug}), {"text": "Tout juste publié."})
    assertContains(client.get(article.get_absolute_url()), "Tout juste publié.")
