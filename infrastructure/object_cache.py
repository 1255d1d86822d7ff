"""The fragment cache's backend: Django's local-memory cache, without the copies.

`LocMemCache` pickles every value it stores and unpickles it on every read, so that a
caller changing what it got cannot change what the next caller gets. The fragments are read
on every page (a signed-in article view reads six: the article, its shared page, the
comment thread, the rules, the empty comment form, the sidebar) and copying them cost about
0.3 ms per view, a tenth of the page. Their readers never modify them: they are strings,
tuples, frozen dataclasses, lists and model instances that templates only read. This
backend keeps the objects themselves; whatever is stored in it is read-only by convention,
and a reader that needs to change something builds its own.
"""

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache


class ObjectCache(LocMemCache):
    def validate_key(self, key):
        """Keys never leave the process, so memcached's limits (250 characters, no spaces or
        control characters) do not apply; checking them scanned every key on every read,
        a dozen per signed-in article page."""

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        key = self.make_and_validate_key(key, version=version)
        with self._lock:
            if self._has_expired(key):
                self._set(key, value, timeout)
                return True
            return False

    def get(self, key, default=None, version=None):
        key = self.make_and_validate_key(key, version=version)
        with self._lock:
            if self._has_expired(key):
                self._delete(key)
                return default
            value = self._cache[key]
            self._cache.move_to_end(key, last=False)
        return value

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        key = self.make_and_validate_key(key, version=version)
        with self._lock:
            self._set(key, value, timeout)

    def incr(self, key, delta=1, version=None):
        key = self.make_and_validate_key(key, version=version)
        with self._lock:
            if self._has_expired(key):
                self._delete(key)
                raise ValueError(f"Key '{key}' not found")
            value = self._cache[key] + delta
            self._cache[key] = value
            self._cache.move_to_end(key, last=False)
        return value
