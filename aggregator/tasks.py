"""Polling with no cron: the background worker (`manage.py db_worker`) runs these.

`poll_feeds` enqueues a `fetch_feed` for every due feed, then enqueues itself again for
the moment the next feed falls due (between 30 seconds and 10 minutes from now). One such
task waits in the queue at any time: adding, resuming or importing a feed starts the chain
if none waits (so does opening the feeds' list in the admin, should a crashed worker have
dropped it). Several workers share the fetches; the claim on each feed's row keeps two of
them from fetching the same feed at once, so a fetch enqueued twice runs once.
"""

from datetime import timedelta

from django.db.models import Min
from django.tasks import TaskResultStatus, task
from django.utils import timezone

from .import_run import feed_import
from .models import Feed

POLL_AT_LEAST = timedelta(seconds=30)
POLL_AT_MOST = timedelta(minutes=10)


@task()
def fetch_feed(feed_id, force=False):
    feed = Feed.objects.select_related("source", "section").filter(pk=feed_id).first()
    if feed is None:
        return None
    result = feed_import(feed=feed, force=force)
    if result is None:
        return None
    return {"status": result.status, "error": result.error, "report": str(result.report) if result.report else ""}


@task()
def poll_feeds():
    now = timezone.now()
    due = list(Feed.objects.due(now=now).values_list("pk", flat=True))
    for feed_id in due:
        fetch_feed.enqueue(feed_id)
    upcoming = Feed.objects.active().filter(next_fetch_at__gt=now).aggregate(at=Min("next_fetch_at"))["at"]
    polling_ensure(at=next_poll(now=now, upcoming=upcoming))
    return len(due)


def next_poll(*, now, upcoming):
    if upcoming is None:
        return now + POLL_AT_MOST
    return min(max(upcoming, now + POLL_AT_LEAST), now + POLL_AT_MOST)


def polling_ensure(*, at=None):
    """Enqueue `poll_feeds` unless one already waits. Returns whether it enqueued one."""
    from django_tasks_db.models import DBTaskResult

    waiting = DBTaskResult.objects.filter(task_path=poll_feeds.module_path, status=TaskResultStatus.READY)
    if waiting.exists():
        return False
    poll_feeds.using(run_after=at).enqueue()
    return True
