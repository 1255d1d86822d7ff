"""Every change of a feed's state that an editor or a command asks for: adding it, editing
it, pausing and resuming it, asking for an import now; and the source a new feed is
credited to. The import itself is `import_run.feed_import`,
which the background worker runs (re-exported here for the commands and the admin).
"""

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from articles.models import Source

from .import_run import FeedImportResult, feed_import, feeds_import_due
from .models import Feed
from .tasks import fetch_feed, polling_ensure

__all__ = [
    "FeedImportResult",
    "feed_add",
    "feed_create",
    "feed_import",
    "feed_pause",
    "feed_request_import",
    "feed_resume",
    "feed_update",
    "feeds_import_due",
    "source_for_name",
]


def feed_add(*, feed):
    """Save a new feed and ask the background worker for its first import."""
    feed.full_clean()
    feed.next_fetch_at = timezone.now()
    feed.save()
    transaction.on_commit(lambda: _enqueue_fetch(feed.pk))
    return feed


def feed_create(*, source, url, **options):
    return feed_add(feed=Feed(source=source, url=url, **options))


def feed_update(*, feed, changed):
    """Save an editor's changes to a feed (`changed`: the names of the fields they changed).
    A new address drops the old one's HTTP validators, which mean nothing for it."""
    if "url" in changed:
        feed.etag = feed.last_modified = ""
    feed.full_clean()
    feed.save()
    return feed


def source_for_name(*, name, website=""):
    """The source a feed is credited to: the one of this name (whatever its case), or a new
    one with a slug of its own."""
    name = name[:120]
    source = Source.objects.filter(name__iexact=name).first()
    if source:
        return source
    slug = base = slugify(name)[:130] or "source"
    number = 2
    while Source.objects.filter(slug=slug).exists():
        slug, number = f"{base}-{number}", number + 1
    return Source.objects.create(name=name, slug=slug, website=website)


def feed_pause(*, feed):
    Feed.objects.filter(pk=feed.pk).update(is_active=False)
    feed.is_active = False
    return feed


def feed_resume(*, feed):
    """Back to polling, starting now."""
    now = timezone.now()
    Feed.objects.filter(pk=feed.pk).update(is_active=True, next_fetch_at=now)
    feed.is_active, feed.next_fetch_at = True, now
    transaction.on_commit(lambda: _enqueue_fetch(feed.pk))
    return feed


def feed_request_import(*, feed):
    """ "Importer maintenant": the background worker fetches the feed at once."""
    now = timezone.now()
    Feed.objects.filter(pk=feed.pk).update(next_fetch_at=now)
    feed.next_fetch_at = now
    transaction.on_commit(lambda: _enqueue_fetch(feed.pk, force=True))
    return feed


def _enqueue_fetch(feed_id, *, force=False):
    fetch_feed.using(priority=10 if force else 0).enqueue(feed_id, force=force)
    polling_ensure()
