"""Reads from the streaming replica, writes to the primary, and every reader sees their own writes.

Only a reader's plain page views (GET and HEAD, no recent write of theirs) read from the
replica: everything else (forms, the background worker, management commands, the shell,
the tests) reads from the primary, so no code that writes and then reads can see the
past. After a reader writes (any POST), a signed cookie pins them to the primary for
NEWSREADER_READ_YOUR_WRITES_SECONDS: they see their own comment at once, whatever the
replica's lag. The replica is used only while it answers and lags less than
NEWSREADER_REPLICA_MAX_LAG_SECONDS (checked at most every few seconds per process); a
page view whose query fails on a replica that just died is served again from the primary.
"""

import logging
import sys
import threading
import time
from contextvars import ContextVar

from django.conf import settings
from django.core import signing
from django.core.signals import got_request_exception
from django.db import DatabaseError, InterfaceError, OperationalError, connections
from django.dispatch import receiver

logger = logging.getLogger(__name__)

REPLICA = "replica"
PIN_COOKIE = "primary_pin"
PIN_SALT = "newsreader.replica.pin"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}

# Whether the current request may read from the replica; False everywhere else.
replica_reads = ContextVar("replica_reads", default=False)


def replica_configured():
    return settings.NEWSREADER_READ_FROM_REPLICA


class ReplicaHealth:
    """Whether the replica answers and keeps up, asked at most every `interval` seconds."""

    def __init__(self, *, interval=2.0):
        self.interval = interval
        self.healthy = False
        self.checked_at = float("-inf")
        self._lock = threading.Lock()

    def is_healthy(self):
        if time.monotonic() - self.checked_at < self.interval:
            return self.healthy
        with self._lock:
            if time.monotonic() - self.checked_at >= self.interval:
                self._record(self._check())
        return self.healthy

    def mark_down(self, reason):
        with self._lock:
            self._record((False, reason))

    def _record(self, result):
        healthy, reason = result
        first = self.checked_at == float("-inf")
        if healthy != self.healthy and not (first and healthy):
            if healthy:
                logger.warning("Replica in use again for reads.")
            else:
                logger.warning("Replica not used for reads (%s): reading from the primary.", reason)
        self.healthy = healthy
        self.checked_at = time.monotonic()

    def _check(self):
        try:
            lag = replication_lag()
        except DatabaseError as error:
            connections[REPLICA].close()
            return False, f"it does not answer: {error}".strip()
        if lag is None:
            return False, "it is not streaming from the primary"
        if lag > settings.NEWSREADER_REPLICA_MAX_LAG_SECONDS:
            return False, f"it lags {lag:.1f} s behind"
        return True, ""


def replication_lag(*, replica=None, primary=None):
    """Seconds the replica's data is behind the primary's, None if it does not stream from it.

    Asks the primary how far its replica has replayed (`pg_stat_replication.replay_lag`
    is empty once it has caught up), and the replica whether it answers at all.
    """
    replica = replica or connections[REPLICA]
    primary = primary or connections["default"]
    if replica.vendor != "postgresql":
        replica.ensure_connection()
        return 0.0
    with replica.cursor() as cursor:
        cursor.execute("SELECT pg_is_in_recovery()")
        if not cursor.fetchone()[0]:
            return None
    with primary.cursor() as cursor:
        cursor.execute(
            "SELECT coalesce(max(extract(epoch FROM replay_lag)), 0), count(*) FROM pg_stat_replication"
            " WHERE state = 'streaming'"
        )
        lag, streaming = cursor.fetchone()
    return float(lag) if streaming else None


health = ReplicaHealth()


class PrimaryReplicaRouter:
    """Reads to the replica only inside a request that `ReadYourWritesMiddleware` allowed."""

    def db_for_read(self, model, **hints):
        if replica_reads.get() and health.is_healthy():
            return REPLICA
        return "default"

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # one database, two copies of it

    def allow_migrate(self, db, app_label, **hints):
        return db == "default"


def is_pinned(request):
    """Whether this reader wrote something in the last few seconds (a valid, signed cookie)."""
    value = request.COOKIES.get(PIN_COOKIE)
    if not value:
        return False
    try:
        signing.TimestampSigner(salt=PIN_SALT).unsign(value, max_age=settings.NEWSREADER_READ_YOUR_WRITES_SECONDS)
    except signing.BadSignature:
        return False
    return True


class ReadYourWritesMiddleware:
    """Lets page views read from the replica, and pins a reader who just wrote to the primary.

    A page view whose replica fails under it (killed, shutting down) is served again, whole,
    from the primary: the failure is noted by `note_replica_failure` wherever it happened
    (the page cache's middleware included), since Django turns it into a 500 on the way up.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not replica_configured():
            return self.get_response(request)
        reads_from_replica = request.method in SAFE_METHODS and not is_pinned(request)
        token = replica_reads.set(reads_from_replica)
        try:
            response = self.get_response(request)
            if getattr(request, "replica_failed", False):
                request.replica_failed = False
                replica_reads.set(False)
                response = self.get_response(request)
        finally:
            replica_reads.reset(token)
        if request.method not in SAFE_METHODS and response.status_code < 500:
            seconds = settings.NEWSREADER_READ_YOUR_WRITES_SECONDS
            response.set_cookie(
                PIN_COOKIE,
                signing.TimestampSigner(salt=PIN_SALT).sign("1"),
                max_age=seconds,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response


@receiver(got_request_exception, dispatch_uid="replica-failure")
def note_replica_failure(sender, request=None, **kwargs):
    """A database error while this request read from the replica: leave the replica aside
    and let the middleware serve the request again from the primary."""
    error = sys.exc_info()[1]
    if request is not None and isinstance(error, (OperationalError, InterfaceError)) and replica_reads.get():
        # The broken connection is closed when the request ends (Django's own clean-up).
        health.mark_down(f"a query failed: {error}".strip())
        request.replica_failed = True
