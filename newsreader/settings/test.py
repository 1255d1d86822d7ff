"""Tests: fast hashing, emails kept in memory, no page cache unless a test turns it on."""

from .base import *  # noqa: F403

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
WHITENOISE_AUTOREFRESH = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "audio": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "default"},
    "fragments": {"BACKEND": "infrastructure.object_cache.ObjectCache", "LOCATION": "fragments"},
}
NEWSREADER_PAGE_CACHE_SECONDS = 0
ACCOUNT_RATE_LIMITS = False
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http"
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file, not shared memory: concurrent tests then meet SQLite's real locking (WAL and
    # the busy timeout), as the site does, instead of shared-cache table locks.
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / "test-db.sqlite3")}
# No real Stripe account in the tests, whatever the environment says: tests that pay set
# their own keys and point the client at a loopback stand-in.
STRIPE_SECRET_KEY = STRIPE_PUBLISHABLE_KEY = STRIPE_WEBHOOK_SECRET = STRIPE_API_BASE = ""
# The tests serve their feeds on loopback; the tests of the refusal turn this off.
NEWSREADER_IMPORT_ALLOW_PRIVATE_ADDRESSES = True
