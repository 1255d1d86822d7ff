"""Counting reads without a database write per page view.

A view says what its page is a read of (`counts_as(request, key)`, e.g. one article's
scope); `ReadCountingMiddleware` counts it once the response is known. It sits outside
the anonymous page cache, which stores that key with the page and gives it back on a hit
(`page_cache.load()`), so a page served from the cache is counted like one just built:
no extra request, no JavaScript, nothing for the browser to do. (A beacon would be needed
only behind an edge cache that answers before Django; there is none.)

Each count costs a few operations on the shared cache and none on the database:

- one per reader per key per hour: a reader is the account, or for anonymous readers a
  salted hash of the address and the browser's User-Agent, kept for an hour and never
  stored anywhere else; obvious bots (by User-Agent) and prefetches are not counted;
- counts accumulate in windows of NEWSREADER_READS_WINDOW_SECONDS: an atomic counter
  (`cache.incr`, Redis INCR in production) per key and window, with a numbered list of the
  keys the window saw;
- when a window has closed (one window of grace for stragglers), the first request that
  notices takes it out of the cache and hands the totals, by hour, to the listeners
  registered with `on_drain()`. The articles app enqueues them for the background worker,
  which adds them to the database: one write per window, not one per view.

With the default per-process memory cache (development, tests) each process counts and
drains its own views; with Redis every process shares the counters and one of them drains.
"""

import hashlib
import logging
import re
import time

from django.conf import settings
from django.core.cache import cache

# Browsers and proxies announce speculative loads: not a reader opening the page.
PREFETCH_HEADERS = {"Sec-Purpose": "prefetch", "Purpose": "prefetch", "X-Moz": "prefetch", "X-Purpose": "preview"}
# What crawlers, link previews, monitors and scripts put in their User-Agent.
BOT_AGENT = re.compile(
    r"bot|crawl|spider|slurp|archiver|fetch|scrape|preview|monitor|uptime|headless|lighthouse|pingdom"
    r"|facebookexternalhit|embedly|curl|wget|python|httpx|aiohttp|go-http|java/|okhttp|node-fetch|axios"
    r"|libwww|scrapy|phantomjs|feed|rss",
    re.IGNORECASE,
)
SEEN_SECONDS = 3600  # one count per reader per key per hour
KEEP_SECONDS = 2 * 24 * 3600  # counters not drained by then are dropped
MAX_WINDOWS_PER_DRAIN = 24 * 60

_listeners = []
logger = logging.getLogger(__name__)


def is_real_visit(request):
    """A reader opening the page: a GET that is not a prefetch (a HEAD is not a visit)."""
    if request.method != "GET":
        return False
    return not any(value in request.headers.get(name, "").lower() for name, value in PREFETCH_HEADERS.items())


def is_bot(request):
    agent = request.headers.get("User-Agent", "")
    return not agent.strip() or bool(BOT_AGENT.search(agent))


def counts_as(request, key):
    """Declare that a visit to this page is a read of `key` (counted by the middleware)."""
    request.counts_as = key


def on_drain(listener):
    """Register `listener({hour_timestamp: {key: count}})`, called with each drained total."""
    _listeners.append(listener)


def client_address(request):
    """The reader's address: behind NEWSREADER_TRUSTED_PROXIES proxies, the one the nearest
    proxy saw (a client can prepend anything to X-Forwarded-For, not append)."""
    hops = settings.NEWSREADER_TRUSTED_PROXIES
    if hops:
        forwarded = [part.strip() for part in request.headers.get("X-Forwarded-For", "").split(",") if part.strip()]
        if len(forwarded) >= hops:
            return forwarded[-hops]
    return request.META.get("REMOTE_ADDR", "")


def reader_of(request):
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"u{user.pk}"
    material = f"{settings.SECRET_KEY}|{client_address(request)}|{request.headers.get('User-Agent', '')}"
    return "a" + hashlib.blake2b(material.encode(), digest_size=12).hexdigest()


def _window(now):
    return int(now // settings.NEWSREADER_READS_WINDOW_SECONDS)


def count(request, key, *, now=None):
    """Count one read of `key` by this request's reader. True if it counted."""
    if not is_real_visit(request) or is_bot(request):
        return False
    if not cache.add(f"reads:seen:{reader_of(request)}:{key}", 1, SEEN_SECONDS):
        return False  # this reader already counted for this in the past hour
    now = time.time() if now is None else now
    window = _window(now)
    counter = f"reads:w{window}:{key}"
    if cache.add(counter, 1, KEEP_SECONDS):
        # The first read of this key in this window: list the key, and see whether an
        # earlier window is due to be drained.
        cache.add(f"reads:w{window}:n", 0, KEEP_SECONDS)
        slot = cache.incr(f"reads:w{window}:n")
        cache.set(f"reads:w{window}:k{slot}", key, KEEP_SECONDS)
        drain_due(now=now)
    else:
        cache.incr(counter)
    return True


def drain_due(*, now=None, everything=False):
    """Take the closed windows' counts out of the cache and hand them to the listeners.

    A window is drained once the one after it has closed too, so that a count begun just
    before a window closed has landed. `everything` drains the current window as well
    (for a shutdown, or a test). Returns the totals handed over.
    """
    now = time.time() if now is None else now
    last = _window(now) - (0 if everything else 2)
    first = cache.get("reads:drained")
    first = last - MAX_WINDOWS_PER_DRAIN + 1 if first is None else max(first + 1, last - MAX_WINDOWS_PER_DRAIN + 1)
    if first > last or not cache.add(f"reads:draining:{last}", 1, settings.NEWSREADER_READS_WINDOW_SECONDS * 3):
        return {}
    cache.set("reads:drained", last, KEEP_SECONDS)
    windows = range(first, last + 1)
    sizes = cache.get_many([f"reads:w{window}:n" for window in windows])
    totals = {}
    for window in windows:
        size = sizes.get(f"reads:w{window}:n") or 0
        if not size:
            continue
        slots = [f"reads:w{window}:k{slot}" for slot in range(1, size + 1)]
        keys = list(cache.get_many(slots).values())
        counters = [f"reads:w{window}:{key}" for key in keys]
        counts = cache.get_many(counters)
        cache.delete_many([*slots, *counters, f"reads:w{window}:n"])
        hour = int(window * settings.NEWSREADER_READS_WINDOW_SECONDS // 3600 * 3600)
        by_key = totals.setdefault(hour, {})
        for key in keys:
            by_key[key] = by_key.get(key, 0) + int(counts.get(f"reads:w{window}:{key}") or 0)
    totals = {hour: counts for hour, counts in totals.items() if any(counts.values())}
    if totals:
        for listener in _listeners:
            try:
                listener(totals)
            except Exception:  # a reader's page must not fail for it; these counts are lost
                logger.exception("Could not hand over drained read counts")
    return totals


class ReadCountingMiddleware:
    """Counts the read a page declared (`counts_as`), whether it was just built or came
    from the page cache. Placed before the page cache middleware, which it wraps."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        key = getattr(request, "counts_as", None)
        if key and response.status_code == 200:
            count(request, key)
        return response
