"""A fixed-window counter in the shared cache, for what a stranger or a reader can repeat.

When the shared cache does not answer, each process counts on its own: the limits still
hold per process (looser across several, never off), and nothing fails.
"""

import time

from django.core.cache import cache
from django.core.cache.backends.locmem import LocMemCache

from .redis_cache import CacheUnavailable

# Used only while the shared cache is unavailable.
local_counters = LocMemCache("ratelimit-fallback", {"OPTIONS": {"MAX_ENTRIES": 10000}})


def allow(key, *, limit, seconds):
    """Count one attempt; False once `limit` attempts were made in the current window."""
    window = int(time.time() // seconds)
    bucket = f"ratelimit:{key}:{window}"
    try:
        count = _count(cache, bucket, seconds)
    except CacheUnavailable:
        count = _count(local_counters, bucket, seconds)
    return count <= limit


def _count(store, bucket, seconds):
    store.add(bucket, 0, seconds + 1)
    try:
        return store.incr(bucket)
    except ValueError:  # expired between add and incr
        store.set(bucket, 1, seconds + 1)
        return 1
