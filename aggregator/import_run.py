"""One import run of a feed, as the background worker (or a command) makes it: claim, fetch,
parse, import, record.

The run claims the feed first with one conditional UPDATE (a lease that only one worker
can take), so two workers never fetch the same feed at once; the fetch's outcome and the
next fetch time are written back in one more. A 304 costs exactly those two small writes
to the feed's own row and nothing else. A failure is recorded in plain words and pushes
the next fetch back exponentially (capped at a day, longer only if the server asks with
Retry-After): the other feeds go on.

It lives apart from `services` (which asks the worker for runs) so that the worker's
tasks can call it without the two importing each other.
"""

import logging
from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from .fetching import FetchError, fetch
from .importing import ImportReport, import_items
from .models import Feed
from .parsing import ParseError, PaywallMarker, parse

logger = logging.getLogger(__name__)

LEASE = timedelta(minutes=15)
MAX_BACKOFF = timedelta(hours=24)


@dataclass
class FeedImportResult:
    feed: Feed
    status: int | None = None
    report: ImportReport | None = None
    error: str = ""

    @property
    def not_modified(self):
        return self.status == 304


def feed_import(*, feed, force=False, publish=None, section=None, progress=None, fetched=None):
    """Fetch `feed` once and import what changed. Returns None when it was not ours to fetch
    (another worker holds it or, unless `force`, it is paused or not due yet).

    `fetched` is a response already in hand (the command that creates a feed fetches it
    before anything is written); `publish` and `section` override the feed's settings for
    this import only.
    """
    now = timezone.now()
    if not _claim(feed, now=now, force=force):
        return None
    result = FeedImportResult(feed=feed)
    try:
        fetched = fetched or fetch(feed.url, etag=feed.etag, last_modified=feed.last_modified)
        result.status = fetched.status
        if fetched.not_modified:
            result.report = ImportReport()
            _record_success(feed, now=now, fetched=fetched, report=result.report)
            return result
        marker = PaywallMarker(category=feed.paywall_category, field=feed.paywall_field)
        parsed = parse(fetched.content, url=fetched.url, content_type=fetched.content_type, marker=marker)
        result.report = import_items(
            feed=feed, items=parsed.items, fetched_at=now, publish=publish, section=section, progress=progress
        )
        _record_success(feed, now=now, fetched=fetched, report=result.report, parsed=parsed)
    except (FetchError, ParseError) as error:
        result.error = str(error)
        result.status = getattr(error, "status", None) or result.status
        _record_failure(feed, now=now, message=result.error, status=result.status, error=error)
    except Exception as error:
        # A fault of ours, not the feed's: told in the log with its traceback, recorded on
        # the feed in plain words, and the other feeds go on.
        logger.exception("Importing feed %s failed", feed.pk)
        result.error = _("Erreur interne pendant l'import (%(error)s).") % {"error": type(error).__name__}
        _record_failure(feed, now=now, message=result.error, status=result.status, error=error)
    return result


def feeds_import_due(*, force=False, progress=None):
    """Import every due feed (every active one with `force`), one after the other."""
    feeds = Feed.objects.active() if force else Feed.objects.due()
    results = []
    for feed in feeds.select_related("source", "section").order_by("next_fetch_at", "pk"):
        result = feed_import(feed=feed, force=force, progress=progress)
        if result is not None:
            results.append(result)
    return results


# The lease and the record ----------------------------------------------------------------


def _claim(feed, *, now, force):
    free = Q(claimed_until__isnull=True) | Q(claimed_until__lte=now)
    due = Q() if force else Q(is_active=True, next_fetch_at__lte=now)
    return Feed.objects.filter(free, due, pk=feed.pk).update(claimed_until=now + LEASE) == 1


def _save_state(feed, **changes):
    """Write the fetch's outcome and release the lease, in one UPDATE."""
    changes["claimed_until"] = None
    Feed.objects.filter(pk=feed.pk).update(**changes)
    for name, value in changes.items():
        setattr(feed, name, value)


def _record_success(feed, *, now, fetched, report, parsed=None):
    changes = {
        "last_fetched_at": now,
        "last_status": fetched.status,
        "last_new": report.new,
        "last_updated": report.updated,
        "last_skipped": report.skipped,
        "last_errors": report.errors,
        "last_problems": "\n".join(report.problems),
        "error_count": 0,
        "next_fetch_at": now + timedelta(minutes=feed.interval),
    }
    # A 304 may repeat the validators or not: keep the ones we have unless it sends new ones.
    if fetched.etag or not fetched.not_modified:
        changes["etag"] = fetched.etag
    if fetched.last_modified or not fetched.not_modified:
        changes["last_modified"] = fetched.last_modified
    if parsed is not None:
        changes["format"] = parsed.format
        if parsed.title:
            changes["title"] = parsed.title
    _save_state(feed, **changes)


def _record_failure(feed, *, now, message, status, error):
    errors = feed.error_count + 1
    delay = min(timedelta(minutes=feed.interval) * 2**errors, MAX_BACKOFF)
    retry_after = getattr(error, "retry_after", None)
    if retry_after:
        delay = max(delay, min(timedelta(seconds=retry_after), MAX_BACKOFF * 7))
    _save_state(
        feed,
        last_fetched_at=now,
        last_status=status,
        last_new=0,
        last_updated=0,
        last_skipped=0,
        last_errors=0,
        last_problems="",
        last_error=message,
        last_error_at=now,
        error_count=errors,
        next_fetch_at=now + delay,
    )
