"""Development: debug on unless DJANGO_DEBUG says otherwise, emails printed to the console."""

from .base import *  # noqa: F403
from .env import env_bool

DEBUG = env_bool("DJANGO_DEBUG", True)
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http"
WHITENOISE_AUTOREFRESH = DEBUG
