"""A whole-page cache for anonymous readers that can never serve one reader's page to another.

Only requests that carry no session and no flash messages are served from it or stored in
it, and only responses that set no cookie, used no CSRF token, did not ask to stay
private and declared the content scopes they were built from (`scopes.depends_on()`) are
stored. Everything a signed-in reader sees is rendered for them alone. A stored page is
served while the generations of its scopes are unchanged, and for at most
NEWSREADER_PAGE_CACHE_SECONDS.

Addresses are normalised before they name a page: tracking parameters (utm_*, fbclid…)
are dropped, and an address with any other unknown parameter, or a known one with an odd
value, is not stored at all, so a crawler inventing query strings cannot fill the cache.
"""

import hashlib
import re
import time

from django.conf import settings
from django.core.cache import cache, caches
from django.http import HttpResponse
from django.utils.cache import get_conditional_response
from django.utils.http import parse_http_date_safe

from . import scopes

# Only pages that exist: a 404 for a scheduled article must not outlive its publication time.
CACHEABLE_STATUS = {200}
TRACKING_PARAMETER = re.compile(r"^(utm_[a-z_]+|fbclid|gclid|dclid|msclkid|mc_cid|mc_eid|igshid|_ga)$")


def remember(key, build, *, generation, seconds=120):
    """`build()`'s result, kept in this process's fragment cache under `generation` (a token of
    the scopes it was built from, see `scopes.token()`).

    Fragments are reader-independent and cheap to rebuild, so each process keeps its own
    (no network round trip); the shared scope generations keep them all honest.
    """
    fragments = caches["fragments"]
    versioned = f"{key}:{generation}"
    value = fragments.get(versioned)
    if value is None:
        value = build()
        fragments.set(versioned, value, seconds)
    return value


def page_key(request):
    """The cache key of this address, or None when the address is not one we keep."""
    kept = []
    for name, values in request.GET.lists():
        if TRACKING_PARAMETER.match(name):
            continue
        pattern = settings.NEWSREADER_PAGE_CACHE_PARAMETERS.get(name)
        if pattern is None or len(values) != 1 or not re.fullmatch(pattern, values[0]):
            return None
        kept.append((name, values[0]))
    query = "&".join(f"{name}={value}" for name, value in sorted(kept))
    url = f"{request.get_host()}{request.path}?{query}"
    return "pages:" + hashlib.blake2b(url.encode(), digest_size=16).hexdigest()


def request_is_anonymous(request):
    cookies = request.COOKIES
    return (
        request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in cookies
        and "messages" not in cookies
        and not request.path.startswith(f"/{settings.ADMIN_PATH}")
    )


def response_is_shareable(request, response):
    user = getattr(request, "user", None)
    cache_control = response.get("Cache-Control", "")
    return (
        response.status_code in CACHEABLE_STATUS
        and getattr(request, "cache_scopes", None)
        and not response.streaming
        and not response.cookies
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and not (user is not None and user.is_authenticated)
        and not any(word in cache_control for word in ("private", "no-store", "no-cache"))
    )


# A page past its time (or built from a scope that changed since) is still kept this long,
# to be served to other readers while one request rebuilds it.
STALE_SECONDS = 60
# How long one request may take to rebuild a page before another is allowed to try.
REBUILD_SECONDS = 10


def load(request):
    """The stored page, if fresh; a stale one while another request is rebuilding it; else
    None, and this request rebuilds it (the first reader after expiry, and only that one:
    when a popular page expired, every reader used to rebuild it at once)."""
    key = page_key(request)
    if key is None:
        return None
    stored = cache.get(key)
    if stored is None:
        return None
    fresh = time.time() < stored["fresh_until"] and scopes.generations(*stored["generations"]) == stored["generations"]
    if not fresh and cache.add(f"{key}:rebuilding", True, REBUILD_SECONDS):
        request.page_cache_rebuilding = key
        return None
    response = HttpResponse(stored["content"], status=stored["status"])
    for header, value in stored["headers"]:
        response[header] = value
    response["X-Page-Cache"] = "hit" if fresh else "stale"
    # The read this page counts as (`readcounts.counts_as`), counted on a hit as on a miss.
    if stored.get("counts_as"):
        request.counts_as = stored["counts_as"]
    # A page stored with its validators (a feed's ETag) answers a conditional request with a 304.
    return get_conditional_response(
        request,
        etag=response.get("ETag"),
        last_modified=parse_http_date_safe(response.get("Last-Modified", "")),
        response=response,
    )


def store(request, response, seconds):
    key = page_key(request)
    if key is None:
        return False
    # The generations read when the page was built: a change made meanwhile leaves it stale.
    generations = scopes.request_generations(request, *set(request.cache_scopes))
    headers = [(h, v) for h, v in response.items() if h.lower() not in ("set-cookie", "x-page-cache")]
    entry = {
        "generations": generations,
        "fresh_until": time.time() + seconds,
        "status": response.status_code,
        "content": response.content,
        "headers": headers,
        "counts_as": getattr(request, "counts_as", None),
    }
    cache.set(key, entry, seconds + STALE_SECONDS)
    cache.delete(f"{key}:rebuilding")
    return True


def forget(request):
    """The rebuild gave no page to keep (a 404 once unpublished, an error): no reader may
    be served the old one any longer."""
    key = getattr(request, "page_cache_rebuilding", None)
    if key:
        cache.delete_many([key, f"{key}:rebuilding"])
