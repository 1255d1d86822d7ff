from django.conf import settings
from django.utils.functional import SimpleLazyObject
from django.utils.translation import get_language

from articles.navigation import navigation_sections
from infrastructure import scopes

from .selectors import footer_links


def _site_generation(request):
    return scopes.token(scopes.request_generations(request, scopes.SITE))


def navigation(request):
    return {
        # Lazy and resolved once: the header and the footer share one cache lookup.
        "navigation_sections": SimpleLazyObject(lambda: navigation_sections(generation=_site_generation(request))),
        "footer_links": SimpleLazyObject(
            lambda: footer_links(language=get_language(), generation=_site_generation(request))
        ),
        # The key under which reader-independent fragments (the footer) are cached.
        "site_generation": SimpleLazyObject(lambda: _site_generation(request)),
        "app_store_url": settings.NEWSREADER_APP_STORE_URL,
        "play_store_url": settings.NEWSREADER_PLAY_STORE_URL,
    }
