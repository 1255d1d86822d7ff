"""Development: debug on unless DJANGO_DEBUG says otherwise, emails printed to the console."""

from .base import *  # noqa: F403
from .env import env_bool

DEBUG = env_bool("DJANGO_DEBUG", True)
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http"
WHITENOISE_AUTOREFRESH = DEBUG
# Local feeds (the demo's, a test server) are allowed in development.
NEWSREADER_IMPORT_ALLOW_PRIVATE_ADDRESSES = env_bool("NEWSREADER_IMPORT_ALLOW_PRIVATE_ADDRESSES", True)
