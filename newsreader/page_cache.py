"""A whole-page cache for anonymous readers that can never serve one reader's page to another.

Only requests that carry no session and no flash messages are served from it or stored in
it, and only responses that set no cookie, used no CSRF token and did not ask to stay
private are stored. Everything a signed-in reader sees is rendered for them alone.
A generation number, bumped whenever the newsroom changes content, retires every stored
page at once; the time limit makes scheduled articles appear without any job running.
"""

import hashlib
import time

from django.conf import settings
from django.core.cache import cache, caches
from django.http import HttpResponse

GENERATION_KEY = "pages:generation"
# Only pages that exist: a 404 for a scheduled article must not outlive its publication time.
CACHEABLE_STATUS = {200}
OFFLINE_GENERATION_SECONDS = 10


def invalidate_pages():
    cache.set(GENERATION_KEY, time.time_ns(), None)


def current_generation():
    """The number that names the current state of the content, shared by every process;
    fragments cached under it are retired together with whole pages."""
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        cache.add(GENERATION_KEY, time.time_ns(), None)
        generation = cache.get(GENERATION_KEY)
    if generation is None:
        # The shared cache does not answer (see redis_cache): no process can hear of a
        # change, so fragments live for at most OFFLINE_GENERATION_SECONDS.
        return f"offline-{int(time.time() // OFFLINE_GENERATION_SECONDS)}"
    return generation


def request_generation(request):
    """The content generation, read once per request."""
    if not hasattr(request, "_content_generation"):
        request._content_generation = current_generation()
    return request._content_generation


def remember(key, build, *, generation, seconds=120):
    """`build()`'s result, kept in this process's fragment cache under the content generation.

    Fragments are reader-independent and cheap to rebuild, so each process keeps its own
    (no network round trip); the shared generation number keeps them all honest.
    """
    fragments = caches["fragments"]
    versioned = f"{key}:{generation}"
    value = fragments.get(versioned)
    if value is None:
        value = build()
        fragments.set(versioned, value, seconds)
    return value


def page_key(request):
    url = f"{request.get_host()}{request.get_full_path()}"
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
        and not response.streaming
        and not response.cookies
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and not (user is not None and user.is_authenticated)
        and not any(word in cache_control for word in ("private", "no-store", "no-cache"))
    )


def load(request):
    key = page_key(request)
    found = cache.get_many([GENERATION_KEY, key])
    stored = found.get(key)
    if stored is None or stored["generation"] != found.get(GENERATION_KEY):
        return None
    response = HttpResponse(stored["content"], status=stored["status"])
    for header, value in stored["headers"]:
        response[header] = value
    response["X-Page-Cache"] = "hit"
    return response


def store(request, response, seconds):
    generation = request_generation(request)
    headers = [(h, v) for h, v in response.items() if h.lower() not in ("set-cookie", "x-page-cache")]
    stored = {"generation": generation, "status": response.status_code, "content": response.content, "headers": headers}
    cache.set(page_key(request), stored, seconds)
