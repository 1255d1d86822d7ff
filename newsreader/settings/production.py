"""Production: refuses to start without its secrets; HTTPS and secure cookies throughout."""

from .base import *  # noqa: F403
from .base import parse_email_url
from .env import env_bool, env_int, env_str

DEBUG = env_bool("DJANGO_DEBUG", False)
SECRET_KEY = env_str("DJANGO_SECRET_KEY", required=True)
if "insecure" in SECRET_KEY or len(SECRET_KEY) < 50:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("DJANGO_SECRET_KEY must be a long random value (50 characters or more).")

# Mail must really leave in production: no console fallback; and its links must lead to
# the site, not to the development address.
MAILERS = {"default": parse_email_url(env_str("EMAIL_URL", required=True))}
NEWSREADER_SITE_URL = env_str("NEWSREADER_SITE_URL", required=True).rstrip("/")

NEWSREADER_STAFF_REQUIRE_MFA = env_bool("NEWSREADER_STAFF_REQUIRE_MFA", True)

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", True)
CSRF_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", True)
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
