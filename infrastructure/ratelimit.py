"""A fixed-window counter in the shared cache, for what a stranger or a reader can repeat."""

import time

from django.core.cache import cache


def allow(key, *, limit, seconds):
    """Count one attempt; False once `limit` attempts were made in the current window."""
    window = int(time.time() // seconds)
    bucket = f"ratelimit:{key}:{window}"
    cache.add(bucket, 0, seconds + 1)
    try:
        count = cache.incr(bucket)
    except ValueError:  # expired between add and incr
        cache.set(bucket, 1, seconds + 1)
        count = 1
    return count <= limit
