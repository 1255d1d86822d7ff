""" "Les plus lus": the reads counted in the cache (`infrastructure.readcounts`), written to
the database by the background worker, one batch per counting window."""

from datetime import UTC, datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from infrastructure import scopes
from infrastructure.scopes import content_changed

from .models import Article, ReadCount

# Hourly counts older than this are no use to a list of the last day.
KEEP = timedelta(days=7)


def _article_pk(key):
    """The article a counted key names (`scopes.article(pk)`), or None."""
    prefix = scopes.article("")
    if not key.startswith(prefix) or not key[len(prefix) :].isdigit():
        return None
    return int(key[len(prefix) :])


def reads_record(*, counts, now=None):
    """Add [hour timestamp, key, count] rows to the hourly read counts; forget old hours.

    Reads of articles that no longer exist are dropped. Returns how many reads were added.
    """
    totals = {}
    for hour, key, count in counts:
        pk = _article_pk(key)
        if pk is not None and count > 0:
            moment = datetime.fromtimestamp(int(hour), tz=UTC)
            totals[(pk, moment)] = totals.get((pk, moment), 0) + int(count)
    existing = set(Article.objects.filter(pk__in={pk for pk, _hour in totals}).values_list("pk", flat=True))
    added = 0
    for (pk, hour), count in totals.items():
        if pk not in existing:
            continue
        _add(article_id=pk, hour=hour, count=count)
        added += count
    now = now or timezone.now()
    ReadCount.objects.filter(hour__lt=now - KEEP).delete()
    if added:
        content_changed(scopes.READS)  # "Les plus lus" is built again from these
    return added


def _add(*, article_id, hour, count):
    if ReadCount.objects.filter(article_id=article_id, hour=hour).update(count=F("count") + count):
        return
    try:
        with transaction.atomic():
            ReadCount.objects.create(article_id=article_id, hour=hour, count=count)
    except IntegrityError:  # another worker created the row meanwhile
        ReadCount.objects.filter(article_id=article_id, hour=hour).update(count=F("count") + count)
