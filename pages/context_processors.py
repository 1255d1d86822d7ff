from django.conf import settings
from django.utils.functional import SimpleLazyObject
from django.utils.translation import get_language

from articles.navigation import navigation_sections
from infrastructure import scopes
from saved.selectors import offline_cache_key

from .selectors import footer_links


def _site_generation(request):
    return scopes.token(scopes.request_generations(request, scopes.SITE))


def _offline_reader(request):
    user = getattr(request, "user", None)  # none on a request refused before authentication
    return offline_cache_key(user=user) if user is not None and user.is_authenticated else ""


def navigation(request):
    return {
        # Lazy and resolved once: the header and the footer share one cache lookup.
        "navigation_sections": SimpleLazyObject(lambda: navigation_sections(generation=_site_generation(request))),
        "footer_links": SimpleLazyObject(
            lambda: footer_links(language=get_language(), generation=_site_generation(request))
        ),
        # The key under which reader-independent fragments (the footer) are cached.
        "site_generation": SimpleLazyObject(lambda: _site_generation(request)),
        "app_theme_color": settings.NEWSREADER_APP_THEME_COLOR,
        # Signed-in pages name the reader's offline cache (an opaque key, see
        # `saved.selectors.offline_cache_key`); anonymous pages, cached whole, name none.
        "offline_reader": SimpleLazyObject(lambda: _offline_reader(request)),
    }
