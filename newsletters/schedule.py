"""The letters' clock, with no cron: the background worker runs `newsletters_tick`, which
prepares what comes up, starts what is due and takes up stalled sends
(`services.newsletters_send_due()`), then enqueues itself again for the next moment
something happens (an edition to put together or to send), at least 30 seconds and at
most 10 minutes later. One tick waits in the queue at any time; `manage.py
send_newsletters`, the demo seeder and opening the editions in the admin start the chain
if none waits (should a worker killed mid-task have dropped it).
"""

from datetime import timedelta

from django.tasks import TaskResultStatus, task
from django.utils import timezone

from . import services
from .models import Edition, Newsletter

TICK_AT_LEAST = timedelta(seconds=30)
TICK_AT_MOST = timedelta(minutes=10)


@task()
def newsletters_tick():
    now = timezone.now()
    done = services.newsletters_send_due(now=now)
    schedule_ensure(at=next_tick(now=now))
    return done


def next_tick(*, now):
    moments = [now + TICK_AT_MOST]
    for newsletter in Newsletter.objects.filter(is_active=True):
        upcoming = newsletter.next_send(now)
        if upcoming is not None:
            moments.append(upcoming - services.ASSEMBLE_AHEAD)
            moments.append(upcoming)
    scheduled = Edition.objects.filter(status=Edition.Status.SCHEDULED, send_at__gt=now).order_by("send_at").first()
    if scheduled:
        moments.append(scheduled.send_at)
    return max(min(moment for moment in moments if moment > now), now + TICK_AT_LEAST)


def schedule_ensure(*, at=None):
    """Enqueue `newsletters_tick` unless one already waits. Returns whether it enqueued one."""
    from django_tasks_db.models import DBTaskResult

    waiting = DBTaskResult.objects.filter(task_path=newsletters_tick.module_path, status=TaskResultStatus.READY)
    if waiting.exists():
        return False
    newsletters_tick.using(run_after=at).enqueue()
    return True
