"""Settings shared by every environment; everything that differs comes from the environment.

Environment variables (all documented in README.md):
DJANGO_SECRET_KEY, DJANGO_DEBUG, DJANGO_ALLOWED_HOSTS, DJANGO_CSRF_TRUSTED_ORIGINS,
DATABASE_URL, DATABASE_REPLICA_URL, REDIS_URL, EMAIL_URL, DEFAULT_FROM_EMAIL, DJANGO_ADMIN_PATH,
NEWSREADER_ADS_EVERY, NEWSREADER_PAGE_CACHE_SECONDS, STRIPE_SECRET_KEY, STRIPE_PUBLISHABLE_KEY,
STRIPE_WEBHOOK_SECRET, STRIPE_API_BASE, NEWSREADER_PAYMENT_GRACE_DAYS, DJANGO_AUDIO_ROOT,
NEWSREADER_ESPEAK, NEWSREADER_LAME, NEWSREADER_READS_WINDOW_SECONDS, NEWSREADER_TRUSTED_PROXIES,
NEWSREADER_IMPORT_ALLOW_PRIVATE_ADDRESSES, NEWSREADER_NEWSLETTER_UNSUBSCRIBE_EMAIL,
NEWSREADER_NEWSLETTER_BATCH_SIZE, and the NEWSREADER_* replica, edge and stale settings below.
"""

from email.utils import parseaddr
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlparse

import dj_database_url
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from .env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent.parent

SECRET_KEY = env_str("DJANGO_SECRET_KEY", "django-insecure-development-only-key-never-in-production")
DEBUG = env_bool("DJANGO_DEBUG", False)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "django.contrib.humanize",  # allauth's list of passkeys uses it
    "django.contrib.postgres",  # search vectors (their columns exist, empty, on SQLite too)
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "accounts",
    "articles",
    "pages",
    "demo",
    "comments",
    "saved",
    "subscriptions",
    "aggregator",
    "newsletters",
    "django_tasks_db",
    "simple_history",
]

# Background work (e-mail notifications) goes through Django's tasks framework to a
# database queue that `manage.py db_worker` runs; nothing is sent inside a request.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "infrastructure.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "infrastructure.middleware.BadInputMiddleware",
    "infrastructure.replica.ReadYourWritesMiddleware",
    # Outside the page cache, so that a page served from it still counts as a read.
    "infrastructure.readcounts.ReadCountingMiddleware",
    "infrastructure.middleware.AnonymousPageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "infrastructure.middleware.LanguageFromAddressMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "infrastructure.middleware.StaffMultiFactorMiddleware",
]

# Content-Security-Policy: scripts, styles, images and fonts from this site only, never
# inline (no page needs it; an inline script or style would need the request's nonce,
# `{{ csp_nonce }}`, and such a page could not be cached whole). Forms lead here or to
# Stripe's hosted checkout and billing portal only; no site may frame ours. Any third
# party (an ad server, a CDN) is added here, by name.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF, "https://checkout.stripe.com", "https://billing.stripe.com"],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}
# Powerful browser features the site never uses, refused to it and to anything it embeds
# (passkeys' publickey-credentials-* keep their default: this site only).
NEWSREADER_PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), "
    "payment=(), usb=(), browsing-topics=(), interest-cohort=()"
)
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"

ROOT_URLCONF = "newsreader.urls"
WSGI_APPLICATION = "newsreader.wsgi.application"
SITE_ID = 1

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "pages.context_processors.navigation",
            ],
            # `{% request_part %}`: pages rendered once for every reader (infrastructure.assembly).
            "libraries": {"assembly": "infrastructure.assembly"},
        },
    },
]

# Database: SQLite file by default so one command runs the site; PostgreSQL in production.
DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers work while a writer commits; the timeout waits instead of failing.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
# A streaming replica, when there is one, takes the readers' page views (see replica.py).
DATABASE_REPLICA_URL = env_str("DATABASE_REPLICA_URL")
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = dj_database_url.parse(DATABASE_REPLICA_URL, conn_max_age=60, conn_health_checks=True)
    DATABASES["replica"]["OPTIONS"] = {"connect_timeout": 2}
for _database in DATABASES.values():
    if _database["ENGINE"] == "django.db.backends.postgresql":
        # PostgreSQL's JIT compiles plans for queries that take milliseconds, doubling their cost.
        _database.setdefault("OPTIONS", {})["options"] = "-c jit=off"
        # The few statements every signed-in page runs are prepared on each connection after
        # five runs (`infrastructure.sql`); Django's own queries bind in the client and are
        # never prepared. Behind a pooler that cannot keep prepared statements (PgBouncer in
        # transaction mode before 1.21), set DATABASE_PREPARED_STATEMENTS=off.
        _database["OPTIONS"]["prepare_threshold"] = 5 if env_bool("DATABASE_PREPARED_STATEMENTS", True) else None
DATABASE_ROUTERS = ["infrastructure.replica.PrimaryReplicaRouter"]
NEWSREADER_READ_FROM_REPLICA = bool(DATABASE_REPLICA_URL)
# Past this lag (seconds) the replica is left aside and reads go to the primary.
NEWSREADER_REPLICA_MAX_LAG_SECONDS = env_int("NEWSREADER_REPLICA_MAX_LAG_SECONDS", 5)
# After a write, the reader reads from the primary for this long (sees their own comment).
NEWSREADER_READ_YOUR_WRITES_SECONDS = env_int("NEWSREADER_READ_YOUR_WRITES_SECONDS", 10)

# Cache: Redis when REDIS_URL is set (production), process memory otherwise. Redis only
# accelerates: if it goes away, pages render uncached and the log says so (redis_cache.py).
REDIS_URL = env_str("REDIS_URL")


def shared_cache(url):
    """The shared cache's settings for a Redis at `url`."""
    return {"BACKEND": "infrastructure.redis_cache.ResilientRedisCache", "LOCATION": url, "KEY_PREFIX": "newsreader"}


if REDIS_URL:
    CACHES = {"default": shared_cache(REDIS_URL)}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Reader-independent fragments live in each process; the shared content generation
# (in the default cache) retires them everywhere at once.
CACHES["fragments"] = {
    "BACKEND": "infrastructure.object_cache.ObjectCache",  # read-only objects, never copied
    "LOCATION": "fragments",
    "OPTIONS": {"MAX_ENTRIES": 5000},
}
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["accounts.backends.ReaderBackend"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "accounts:dashboard"

# django-allauth: the email address is the login; usernames are never shown.
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
ACCOUNT_FORMS = {"signup": "accounts.forms.SignupForm"}
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
# Confirming the address signs the reader in (in the browser that signed up: allauth's
# guard against a leaked link) and takes them back where they were (accounts.adapter).
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Newsreader] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
MFA_PASSKEY_LOGIN_ENABLED = True
MFA_FORMS = {"add_webauthn": "accounts.forms.AddPasskeyForm", "edit_webauthn": "accounts.forms.EditPasskeyForm"}

# Internationalization: French first, Paris time.
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("Français")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

# Static files: hashed names and far-future cache headers through WhiteNoise.
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("DJANGO_MEDIA_ROOT", str(BASE_DIR / "media")))
# The articles' audio (gated renditions included) is served only through the site's
# view that applies the access rule: never put this folder behind the web server.
AUDIO_ROOT = Path(env_str("DJANGO_AUDIO_ROOT", str(BASE_DIR / "private-media" / "audio")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "audio": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": AUDIO_ROOT}},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}


def parse_email_url(url):
    """EMAIL_URL such as smtp+tls://user:password@host:587, console:// or locmem://, as a mailer."""
    parsed = urlparse(url)
    backends = {
        "console": "django.core.mail.backends.console.EmailBackend",
        "locmem": "django.core.mail.backends.locmem.EmailBackend",
        "dummy": "django.core.mail.backends.dummy.EmailBackend",
        "smtp": "django.core.mail.backends.smtp.EmailBackend",
        "smtp+tls": "django.core.mail.backends.smtp.EmailBackend",
        "smtp+ssl": "django.core.mail.backends.smtp.EmailBackend",
    }
    mailer = {"BACKEND": backends[parsed.scheme]}
    if parsed.scheme.startswith("smtp"):
        mailer["OPTIONS"] = {
            "host": parsed.hostname or "localhost",
            "port": parsed.port or 25,
            "username": unquote(parsed.username or ""),
            "password": unquote(parsed.password or ""),
            "use_tls": parsed.scheme == "smtp+tls" or "tls" in parse_qs(parsed.query),
            "use_ssl": parsed.scheme == "smtp+ssl",
            "timeout": 10,
        }
    return mailer


MAILERS = {"default": parse_email_url(env_str("EMAIL_URL", "console://"))}
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Newsreader <noreply@newsreader.example>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# The site's public address, for links in e-mails sent by the background worker.
NEWSREADER_SITE_URL = env_str("NEWSREADER_SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# Newsletters: where the "mailto:" of List-Unsubscribe points (a mailbox someone reads or a
# robot handles), and how the worker sends (mails per task, a pause between tasks to stay
# under a provider's rate). Strangers may ask for a confirmation mail this often.
NEWSREADER_NEWSLETTER_UNSUBSCRIBE_EMAIL = env_str(
    "NEWSREADER_NEWSLETTER_UNSUBSCRIBE_EMAIL", parseaddr(DEFAULT_FROM_EMAIL)[1]
)
NEWSREADER_NEWSLETTER_BATCH_SIZE = env_int("NEWSREADER_NEWSLETTER_BATCH_SIZE", 200)
NEWSREADER_NEWSLETTER_EXCERPT_WORDS = 160  # what a reader entitled to a piece gets of it
NEWSREADER_NEWSLETTER_REQUESTS_PER_HOUR = 10  # per address of the requester
NEWSREADER_NEWSLETTER_CONFIRMATIONS_PER_DAY = 3  # per e-mail address asked for

ADMIN_PATH = env_str("DJANGO_ADMIN_PATH", "admin/").strip("/") + "/"
# Staff must have set up two-factor authentication to enter the admin (on in production).
NEWSREADER_STAFF_REQUIRE_MFA = env_bool("NEWSREADER_STAFF_REQUIRE_MFA", False)

# Reading pages.
NEWSREADER_ADS_EVERY = env_int("NEWSREADER_ADS_EVERY", 4)  # an ad slot after every N paragraphs; 0: none
NEWSREADER_RELATED_COUNT = 5
NEWSREADER_EXCERPT_WORDS = 100
NEWSREADER_PAGE_SIZE = 12
# Comments per account: (how many, in how many seconds), each window checked.
NEWSREADER_COMMENT_RATE_LIMITS = [(1, 10), (30, 3600)]
# Subscriber-only articles a signed-in reader may open free each calendar month (0: hard paywall).
NEWSREADER_FREE_ARTICLES_PER_MONTH = env_int("NEWSREADER_FREE_ARTICLES_PER_MONTH", 3)
# Anonymous pages are cached whole for this long (0 turns the page cache off).
NEWSREADER_PAGE_CACHE_SECONDS = env_int("NEWSREADER_PAGE_CACHE_SECONDS", 60)
# The edge cache's purge address (deploy/nginx), e.g. http://127.0.0.1:8400/_edge/purge; none: no purges.
NEWSREADER_EDGE_PURGE_URL = env_str("NEWSREADER_EDGE_PURGE_URL", "")
# The host names readers use, whose cached pages a purge forgets.
NEWSREADER_EDGE_HOSTS = env_list("NEWSREADER_EDGE_HOSTS", [urlparse(NEWSREADER_SITE_URL).hostname])
# How long a shared cache (the edge) may keep serving a page when the site cannot answer.
NEWSREADER_STALE_IF_ERROR_SECONDS = env_int("NEWSREADER_STALE_IF_ERROR_SECONDS", 24 * 60 * 60)

# The query parameters a cached page may vary by, each with the values it may take; an
# address with any other parameter (tracking ones aside) is rendered but never stored.
# The search's `q` is deliberately absent: result pages are never stored (see pages/search.py).
NEWSREADER_PAGE_CACHE_PARAMETERS = {
    "page": r"[1-9][0-9]{0,4}",
    "cpage": r"[1-9][0-9]{0,4}",
    "fil": r"[1-9][0-9]{0,9}",  # one thread of comments with all its replies
    "tri": r"[a-z]{1,20}",
    "p": r"[1-9][0-9]{0,4}",  # a sitemap's page
}

# The aggregator's HTTP client (see aggregator/fetching.py). Feeds and images that resolve
# to loopback, private or link-local addresses are refused unless this is on (development).
NEWSREADER_IMPORT_ALLOW_PRIVATE_ADDRESSES = env_bool("NEWSREADER_IMPORT_ALLOW_PRIVATE_ADDRESSES", False)
NEWSREADER_IMPORT_CONNECT_TIMEOUT = 10  # seconds, also for the DNS answer
NEWSREADER_IMPORT_READ_TIMEOUT = 20  # seconds of silence while reading
NEWSREADER_IMPORT_TOTAL_TIMEOUT = 60  # seconds for one whole download
NEWSREADER_IMPORT_MAX_BYTES = 5 * 1024 * 1024  # a feed or an image, once decompressed
NEWSREADER_IMPORT_IMAGE_SECONDS = 120  # images fetched per import, then the rest wait for the next one

# Card payment through Stripe's hosted Checkout and customer portal; without a secret key
# the site offers no card payment (access codes and newsroom grants still work).
STRIPE_SECRET_KEY = env_str("STRIPE_SECRET_KEY", "")
# Hosted Checkout needs no publishable key; it is checked to be of the secret key's mode.
STRIPE_PUBLISHABLE_KEY = env_str("STRIPE_PUBLISHABLE_KEY", "")
STRIPE_WEBHOOK_SECRET = env_str("STRIPE_WEBHOOK_SECRET", "")
# Where Stripe's API is; only changed to point the client at a stand-in (the tests).
STRIPE_API_BASE = env_str("STRIPE_API_BASE", "")
# After a failed renewal payment, access stays open this many days while Stripe retries.
NEWSREADER_PAYMENT_GRACE_DAYS = env_int("NEWSREADER_PAYMENT_GRACE_DAYS", 7)

# Reading aids: the voice that reads articles aloud (Debian's espeak-ng), the MP3 encoder.
NEWSREADER_ESPEAK = env_str("NEWSREADER_ESPEAK", "espeak-ng")
NEWSREADER_LAME = env_str("NEWSREADER_LAME", "lame")
NEWSREADER_AUDIO_VOICE = "fr"
NEWSREADER_AUDIO_WORDS_PER_MINUTE = 165
# "Les plus lus": reads are counted in the cache and written to the database once per
# window; the list covers the last day and is rebuilt every few minutes.
NEWSREADER_READS_WINDOW_SECONDS = env_int("NEWSREADER_READS_WINDOW_SECONDS", 60)
NEWSREADER_MOST_READ_HOURS = 24
NEWSREADER_MOST_READ_COUNT = 5
NEWSREADER_MOST_READ_SECONDS = 300
# How many proxies in front of the site append to X-Forwarded-For (0: use the connection's address).
NEWSREADER_TRUSTED_PROXIES = env_int("NEWSREADER_TRUSTED_PROXIES", 0)

# "Ma liste": how many articles one reader may keep (a list to read later, not an archive).
NEWSREADER_SAVED_MAX = 1000
# Saves asked for before signing in, kept in a new session each: per address of the requester.
NEWSREADER_SAVED_PENDING_PER_HOUR = 60
# The installable app's colours (the manifest and the browser's toolbar).
NEWSREADER_APP_THEME_COLOR = "#9b1c1c"
NEWSREADER_APP_BACKGROUND_COLOR = "#ffffff"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(process)d] %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("DJANGO_LOG_LEVEL", "WARNING")},
}
URLIZE_ASSUME_HTTPS = True
