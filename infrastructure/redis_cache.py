"""Redis as an accelerator, never as a single point of failure.

Django's Redis backend raises when Redis does not answer, and every page, `robots.txt`
included, becomes a 500. This backend answers as an empty cache instead: reads miss,
writes are dropped, `incr` raises `CacheUnavailable` (the rate limits then count in the
process). The site renders pages uncached, reads sessions from the database
(`cached_db`), and says so in the log once per outage, not once per request. After a
failure it does not try Redis again for `RETRY_SECONDS`, so a dead Redis costs a request
nothing, not a connection attempt per cache call.
"""

import logging
import threading
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)


class CacheUnavailable(Exception):
    """The shared cache did not answer; the caller falls back to something local."""


class ReusedRedisClient(RedisCacheClient):
    """Django's client builds a `redis.Redis` for every command, registering some two hundred
    response callbacks each time (0.1 ms, a page's worth of Redis commands cost more in
    that than in the round trips). One per connection pool serves: it holds no connection
    of its own, and each thread has its own cache backend."""

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        clients = self.__dict__.setdefault("_clients", {})
        client = clients.get(id(pool))
        if client is None:
            client = clients[id(pool)] = self._client(connection_pool=pool)
        return client


class ResilientRedisCache(RedisCache):
    def __init__(self, server, params):
        options = dict(params.get("OPTIONS", {}))
        self.retry_seconds = options.pop("RETRY_SECONDS", 5)
        # A Redis that is gone must not hold a request for long: fail in half a second.
        options.setdefault("socket_connect_timeout", 0.5)
        options.setdefault("socket_timeout", 0.5)
        super().__init__(server, {**params, "OPTIONS": options})
        self._class = ReusedRedisClient
        self._down_until = 0.0
        self._lock = threading.Lock()

    def is_available(self):
        return time.monotonic() >= self._down_until

    def _call(self, operation, fallback, *args, **kwargs):
        if not self.is_available():
            return fallback()
        try:
            result = getattr(super(), operation)(*args, **kwargs)
        except RedisError as error:
            self._went_down(error)
            return fallback()
        if self._down_until:
            self._came_back()
        return result

    def _went_down(self, error):
        with self._lock:
            first = not self._down_until
            self._down_until = time.monotonic() + self.retry_seconds
        if first:
            logger.warning(
                "Redis at %s does not answer (%s): serving without the shared cache "
                "(pages rendered uncached, sessions from the database, rate limits per process).",
                ", ".join(self._servers),
                error,
            )

    def _came_back(self):
        with self._lock:
            was_down, self._down_until = bool(self._down_until), 0.0
        if was_down:
            logger.warning("Redis at %s answers again: the shared cache is back.", ", ".join(self._servers))

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("add", lambda: False, key, value, timeout, version)

    def get(self, key, default=None, version=None):
        return self._call("get", lambda: default, key, default, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set", lambda: None, key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("touch", lambda: False, key, timeout, version)

    def delete(self, key, version=None):
        return self._call("delete", lambda: False, key, version)

    def get_many(self, keys, version=None):
        return self._call("get_many", dict, keys, version)

    def has_key(self, key, version=None):
        return self._call("has_key", lambda: False, key, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set_many", lambda: list(data), data, timeout, version)

    def delete_many(self, keys, version=None):
        return self._call("delete_many", lambda: None, keys, version)

    def clear(self):
        return self._call("clear", lambda: False)

    def incr(self, key, delta=1, version=None):
        def unavailable():
            raise CacheUnavailable(key)

        return self._call("incr", unavailable, key, delta, version)
