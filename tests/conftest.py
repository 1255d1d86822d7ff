import os
import shutil

import pytest
from django.core.cache import caches

from .browser import page  # noqa: F401  (the browser tests' fixture)
from .stripe_standin import stripe_standin, stripe_webhooks  # noqa: F401  (Stripe at the HTTP boundary)


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache (navigation, page cache)."""
    for alias in ("default", "fragments"):
        caches[alias].clear()
    yield
    for alias in ("default", "fragments"):
        caches[alias].clear()


@pytest.fixture(autouse=True)
def _french(settings):
    settings.LANGUAGE_CODE = "fr"


@pytest.fixture
def no_comment_rate_limits(settings):
    settings.NEWSREADER_COMMENT_RATE_LIMITS = []


@pytest.fixture
def feed_server():
    """A real HTTP server on loopback serving the feeds a test gives it (tests/feed_server.py)."""
    from .feed_server import FeedServer

    server = FeedServer().start()
    yield server
    server.stop()


@pytest.fixture
def speech_tools():
    """espeak-ng and lame, which read articles aloud: the tests that need them skip where
    they are missing, except in CI, where a skip would hide a broken install."""
    if not (shutil.which("espeak-ng") and shutil.which("lame")):
        message = "espeak-ng and lame are needed: `make test` installs them where apt can."
        if os.environ.get("CI") or os.environ.get("REQUIRE_BROWSER"):
            pytest.fail(message)
        pytest.skip(message)
    return shutil.which("espeak-ng")
