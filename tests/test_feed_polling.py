"""Polling with no cron: the background worker fetches each due feed and schedules the next
fetch; two workers never fetch the same feed at once."""

import threading
from datetime import timedelta

import pytest
from django.db import close_old_connections
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from aggregator import services, tasks
from aggregator.models import Feed
from articles.models import Article

from .factories import SourceFactory
from .feed_server import run_worker


def due_feed(server, path="/rss.xml", name="rss.xml", **options):
    url = server.serve_fixture(path, name, **options)
    feed = services.feed_create(source=SourceFactory(), url=url)
    Feed.objects.filter(pk=feed.pk).update(next_fetch_at=timezone.now() - timedelta(minutes=1))
    return Feed.objects.select_related("source", "section").get(pk=feed.pk)


def waiting_polls():
    return DBTaskResult.objects.filter(task_path=tasks.poll_feeds.module_path, status="READY")


@pytest.mark.django_db
def test_adding_a_feed_asks_the_worker_for_a_first_fetch_and_starts_polling(
    feed_server, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        feed = services.feed_create(source=SourceFactory(), url=feed_server.serve_fixture("/rss.xml", "rss.xml"))
    fetches = DBTaskResult.objects.filter(task_path=tasks.fetch_feed.module_path)
    assert [task.args_kwargs["args"] for task in fetches] == [[feed.pk]]
    assert waiting_polls().count() == 1


@pytest.mark.django_db
def test_only_one_poll_waits_at_a_time():
    assert tasks.polling_ensure() is True
    assert tasks.polling_ensure() is False
    assert waiting_polls().count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_worker_fetches_due_feeds_and_comes_back_when_the_next_is_due(feed_server):
    due = due_feed(feed_server)
    later = services.feed_create(source=SourceFactory(), url=feed_server.serve_fixture("/atom.xml", "atom.xml"))
    Feed.objects.filter(pk=later.pk).update(next_fetch_at=timezone.now() + timedelta(minutes=4))
    DBTaskResult.objects.all().delete()
    tasks.poll_feeds.enqueue()

    run_worker()

    due.refresh_from_db()
    assert due.last_status == 200 and due.last_new == 3
    assert Article.objects.count() == 3
    assert timezone.now() + timedelta(minutes=29) < due.next_fetch_at <= timezone.now() + timedelta(minutes=30)
    # Nothing else is due: the poll comes back when the other feed is, not before.
    following = waiting_polls().get()
    assert abs(following.run_after - Feed.objects.get(pk=later.pk).next_fetch_at) < timedelta(seconds=1)


def test_the_next_poll_is_between_thirty_seconds_and_ten_minutes_away():
    now = timezone.now()
    assert tasks.next_poll(now=now, upcoming=None) == now + timedelta(minutes=10)
    assert tasks.next_poll(now=now, upcoming=now + timedelta(seconds=1)) == now + timedelta(seconds=30)
    assert tasks.next_poll(now=now, upcoming=now + timedelta(minutes=3)) == now + timedelta(minutes=3)
    assert tasks.next_poll(now=now, upcoming=now + timedelta(hours=3)) == now + timedelta(minutes=10)


@pytest.mark.django_db
def test_a_paused_or_not_yet_due_feed_is_left_alone(feed_server):
    feed = due_feed(feed_server)
    services.feed_pause(feed=feed)
    assert services.feed_import(feed=feed) is None
    services.feed_resume(feed=feed)
    Feed.objects.filter(pk=feed.pk).update(next_fetch_at=timezone.now() + timedelta(minutes=5))
    assert services.feed_import(feed=feed) is None
    assert feed_server.requests == []
    assert services.feed_import(feed=feed, force=True).status == 200  # "Importer maintenant"


@pytest.mark.django_db
def test_a_feed_held_by_a_worker_is_not_fetched_by_another_until_its_lease_runs_out(feed_server):
    feed = due_feed(feed_server)
    Feed.objects.filter(pk=feed.pk).update(claimed_until=timezone.now() + timedelta(minutes=5))
    assert services.feed_import(feed=feed, force=True) is None
    Feed.objects.filter(pk=feed.pk).update(claimed_until=timezone.now() - timedelta(seconds=1))
    assert services.feed_import(feed=feed, force=True).status == 200
    assert Feed.objects.get(pk=feed.pk).claimed_until is None


@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_fetch_a_feed_once(feed_server):
    """Two threads, each with its own database connection, start on the same due feed while
    the server takes its time to answer: one fetches, the other finds it taken."""
    feed = due_feed(feed_server, delay=0.5)
    results = []

    def worker():
        try:
            results.append(services.feed_import(feed=Feed.objects.select_related("source").get(pk=feed.pk)))
        finally:
            close_old_connections()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(feed_server.hits("/rss.xml")) == 1
    assert sorted(result is None for result in results) == [False, True]
    assert Article.objects.count() == 3


@pytest.mark.django_db
def test_importer_maintenant_makes_the_feed_due_and_asks_the_worker_first(
    feed_server, django_capture_on_commit_callbacks
):
    feed = due_feed(feed_server)
    Feed.objects.filter(pk=feed.pk).update(next_fetch_at=timezone.now() + timedelta(hours=1))
    DBTaskResult.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        services.feed_request_import(feed=feed)
    task = DBTaskResult.objects.get(task_path=tasks.fetch_feed.module_path)
    assert task.args_kwargs == {"args": [feed.pk], "kwargs": {"force": True}} and task.priority > 0
    assert Feed.objects.get(pk=feed.pk).next_fetch_at <= timezone.now()


@pytest.mark.django_db
def test_the_fetch_task_reports_its_outcome(feed_server):
    feed = due_feed(feed_server)
    assert tasks.fetch_feed.call(feed.pk) == {
        "status": 200,
        "error": "",
        "report": "3 new, 0 updated, 0 skipped, 0 errors",
    }
    assert tasks.fetch_feed.call(feed.pk) is None  # not due any more
    assert tasks.fetch_feed.call(123456) is None  # deleted meanwhile
