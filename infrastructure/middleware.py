import logging

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib import messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import BadRequest, ValidationError
from django.db import DataError
from django.middleware.locale import LocaleMiddleware
from django.shortcuts import redirect
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.translation import gettext as _
from django.views.defaults import bad_request

from . import page_cache

logger = logging.getLogger(__name__)


class BadInputMiddleware:
    """Input no page can use is a 400, never a 500.

    A NUL byte anywhere in the query string is refused before any view runs: no page has a
    use for it, and PostgreSQL refuses it in any text (a DataError). In the admin, whose
    list filters and date drill-down pass values straight to the database, a value the
    database cannot compare (a number past 64 bits on SQLite) is a 400 too.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if any("\x00" in key or any("\x00" in value for value in values) for key, values in request.GET.lists()):
            raise BadRequest("NUL byte in the query string")
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not request.path.startswith(f"/{settings.ADMIN_PATH}"):
            return None
        reading = request.method in ("GET", "HEAD") and isinstance(exception, (OverflowError, DataError))
        # An action's selection is passed to `pk__in` as it came: "abc" is a ValueError.
        acting = (
            request.method == "POST"
            and ACTION_CHECKBOX_NAME in request.POST
            and isinstance(exception, (OverflowError, DataError, ValueError, ValidationError))
        )
        if reading or acting:
            logger.warning("Bad input refused in the admin (%s): %r", request.path, exception)
            return bad_request(request, exception)
        return None


class AnonymousPageCacheMiddleware:
    """Serves anonymous readers from the page cache, and marks per-reader pages private.

    It sits before the session middleware so that a hit costs no session, user or
    database work at all.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        seconds = settings.NEWSREADER_PAGE_CACHE_SECONDS
        anonymous = page_cache.request_is_anonymous(request)
        if seconds and anonymous:
            cached = page_cache.load(request)
            if cached is not None:
                return cached
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            patch_cache_control(response, private=True)
            patch_vary_headers(response, ["Cookie"])
        elif (
            seconds
            and anonymous
            and page_cache.response_is_shareable(request, response)
            and page_cache.store(request, response, seconds)
        ):
            # Shared caches (the edge) may serve it a little past its time while one request
            # rebuilds it, and for a day if the site cannot answer at all.
            patch_cache_control(
                response,
                public=True,
                max_age=seconds,
                stale_while_revalidate=seconds,
                stale_if_error=settings.NEWSREADER_STALE_IF_ERROR_SECONDS,
            )
            patch_vary_headers(response, ["Cookie"])
            response["X-Page-Cache"] = "miss"
        elif getattr(request, "page_cache_rebuilding", None):
            page_cache.forget(request)
        return response


def newsroom_only(view):
    """Marks a view outside the admin that shows the newsroom's work (the draft preview):
    it is guarded like the admin by `StaffMultiFactorMiddleware`."""
    view.newsroom_only = True
    return view


class StaffMultiFactorMiddleware:
    """With NEWSREADER_STAFF_REQUIRE_MFA, staff enter the admin and the newsroom's pages on
    the site only once two-factor authentication is set up; until then they are sent to set
    it up."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        newsroom_area = request.path.startswith(f"/{settings.ADMIN_PATH}") or getattr(view_func, "newsroom_only", False)
        if (
            settings.NEWSREADER_STAFF_REQUIRE_MFA
            and newsroom_area
            and request.user.is_authenticated
            and request.user.is_staff
            and not Authenticator.objects.filter(user=request.user).exists()
        ):
            messages.warning(request, _("Activez la double authentification pour accéder à l'administration."))
            return redirect("mfa_index")
        return None


class LanguageFromAddressMiddleware(LocaleMiddleware):
    """Django's locale middleware, without its `Vary: Accept-Language`.

    Here the address alone says the language (French unprefixed, English under /en/):
    the browser's Accept-Language never changes a page, so announcing it would only split
    every shared cache into one copy per browser setting.
    """

    def process_response(self, request, response):
        response = super().process_response(request, response)
        if response.has_header("Vary"):
            kept = [v.strip() for v in response["Vary"].split(",") if v.strip().lower() != "accept-language"]
            if kept:
                response["Vary"] = ", ".join(kept)
            else:
                del response["Vary"]
        return response


class PermissionsPolicyMiddleware:
    """Sends NEWSREADER_PERMISSIONS_POLICY with every response (Django has no setting for it)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if settings.NEWSREADER_PERMISSIONS_POLICY:
            response.headers.setdefault("Permissions-Policy", settings.NEWSREADER_PERMISSIONS_POLICY)
        return response
