"""Content scopes: what a change retires, and nothing more.

Every cached page and fragment names the scopes it was built from; each scope has a
generation number in the shared cache. A change bumps the generations of the scopes it
touches (`content_changed()`), which retires exactly what was built from them:

- `SITE`: everything (a section renamed, an article unpublished or deleted).
- `LISTS`: the front page and the lists, and any channel that lists articles.
- `MODERATION`: the discussion's rules, which every article page applies.
- `READS`: the reads counted for "Les plus lus", each time a batch reaches the database.
- `article(pk)`: one article's page and its discussion.

So a comment on one article costs the site that article's page, not all of them. A scope
may also be retired at a known time (`retire_at()`): a scheduled article appears in the
lists at its publication time, with no job running.

The generations live in the default cache (Redis in production), shared by every process.
"""

import time

from django.core.cache import cache
from django.db import connection, transaction

SITE = "site"
LISTS = "lists"
MODERATION = "moderation"
READS = "reads"

# Called with the scopes of each change once it is committed (e.g. to purge an edge cache).
_listeners = []
# scope → a function returning the next time (a datetime or None) the scope must be retired.
_retirement_schedules = {}


def article(pk):
    """The scope of one article's page and discussion."""
    return f"article:{pk}"


def _key(scope):
    return f"scope:{scope}"


def _retire_key(scope):
    return f"scope-retires:{scope}"


def on_change(listener):
    """Register `listener(scopes)`, called after each committed change."""
    _listeners.append(listener)


def schedule_retirement(scope, next_time):
    """`next_time()` says when `scope` must next be retired by the clock (or None)."""
    _retirement_schedules[scope] = next_time


def content_changed(*scopes):
    """Retire every cached page and fragment built from one of these scopes.

    Done at once, and again when the current transaction commits: a reader who rebuilt a
    page in between, from data not yet committed, must not keep it.
    """
    _bump(scopes)
    if connection.in_atomic_block:
        transaction.on_commit(lambda: _bump(scopes, notify=True))
    else:
        _notify(scopes)


def _bump(scopes, *, notify=False):
    now = time.time_ns()
    cache.set_many({_key(scope): now for scope in scopes}, None)
    scheduled = [scope for scope in scopes if scope in _retirement_schedules]
    if scheduled:
        cache.delete_many([_retire_key(scope) for scope in scheduled])
    if notify:
        _notify(scopes)


def _notify(scopes):
    for listener in _listeners:
        listener(scopes)


def generations(*scopes):
    """The current generation of each scope, in one round trip to the shared cache.

    A scope with a retirement time that has passed is retired here, by the first request
    that notices: that is how scheduled articles reach the lists on time.
    """
    keys = {_key(scope): scope for scope in scopes}
    keys |= {_retire_key(scope): scope for scope in scopes if scope in _retirement_schedules}
    found = cache.get_many(list(keys))
    now = time.time()
    result = {}
    for scope in scopes:
        generation = found.get(_key(scope))
        if scope in _retirement_schedules:
            retires_at = found.get(_retire_key(scope))
            if retires_at is None:
                _store_retirement(scope)
            elif retires_at and now >= retires_at:
                _bump([scope])
                _store_retirement(scope)
                generation = None
        if generation is None:
            generation = _start(scope)
        result[scope] = generation
    return result


def _start(scope):
    """A scope seen for the first time (or evicted) starts a new generation."""
    cache.add(_key(scope), time.time_ns(), None)
    generation = cache.get(_key(scope))
    if generation is None:
        # The shared cache does not answer (see redis_cache): no process would hear of a
        # change, so nothing is reused under this generation; the page is built afresh.
        return f"offline-{time.time_ns()}"
    return generation


def _store_retirement(scope):
    moment = _retirement_schedules[scope]()
    # 0 means "no retirement planned": stored so that it is not recomputed by every request.
    cache.set(_retire_key(scope), moment.timestamp() if moment else 0, None)


def request_generations(request, *scopes):
    """`generations()` remembered for the request: each scope is read once per request."""
    known = request.__dict__.setdefault("_scope_generations", {})
    missing = [scope for scope in scopes if scope not in known]
    if missing:
        known.update(generations(*missing))
    return {scope: known[scope] for scope in scopes}


def token(generations_by_scope):
    """One string naming these generations, for fragment cache keys."""
    return "-".join(f"{generation}" for _scope, generation in sorted(generations_by_scope.items()))


def depends_on(request, *scopes):
    """Declare that this response is built from these scopes: the page cache may then keep
    it (for anonymous readers) until one of them changes. Returns their generations."""
    request.cache_scopes = (*getattr(request, "cache_scopes", ()), *scopes)
    return request_generations(request, *scopes)
