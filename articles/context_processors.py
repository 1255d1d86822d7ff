from django.conf import settings
from django.utils.functional import SimpleLazyObject

from newsreader.page_cache import request_generation

from .navigation import navigation_sections


def navigation(request):
    return {
        # Lazy and resolved once: the header and the footer share one cache lookup.
        "navigation_sections": SimpleLazyObject(lambda: navigation_sections(generation=request_generation(request))),
        # The key under which reader-independent fragments (the footer) are cached.
        "site_generation": SimpleLazyObject(lambda: request_generation(request)),
        "app_store_url": settings.NEWSREADER_APP_STORE_URL,
        "play_store_url": settings.NEWSREADER_PLAY_STORE_URL,
    }
