"""The catalogue's background work, run by `manage.py db_worker`, never inside a request:
reading articles aloud, and adding up the reads counted in the cache."""

import time

from django.core.files.base import ContentFile
from django.db import transaction
from django.tasks import task

from . import audio, reads
from .models import Article, ArticleAudio


def article_audio_request(*, article, force=False):
    """Have the background worker (re)make the article's audio once this transaction commits."""
    transaction.on_commit(lambda: render_article_audio.enqueue(article.pk, force=force))


@task()
def render_article_audio(article_id, force=False):
    """Make the spoken renditions of a published article (nothing if they are current)."""
    article = Article.objects.filter(pk=article_id).first()
    if article is None or article.status != Article.Status.PUBLISHED:
        return {"article": article_id, "rendered": False}
    return article_audio_render(article=article, force=force)


def article_audio_render(*, article, force=False):
    """Make the article's renditions (`audio.synthesize`), unless those on file already say
    its current text, and replace the old files. Returns what it did, for the task's record."""
    current = audio.fingerprint(article)
    recording = ArticleAudio.objects.filter(article=article).first()
    if recording and recording.made_from == current and not force:
        return {"article": article.pk, "rendered": False}
    started = time.perf_counter()
    renditions = {"public": audio.synthesize(audio.speech_text(article, full=False))}
    if article.is_gated:
        renditions["full"] = audio.synthesize(audio.speech_text(article, full=True))
    stale = [recording.public_file.name, recording.full_file.name] if recording else []
    recording = recording or ArticleAudio(article=article)
    recording.made_from = current
    recording.full_file, recording.full_seconds = None, 0
    for part, (data, seconds) in renditions.items():
        field = getattr(recording, f"{part}_file")
        field.save(f"{article.pk}/{part}-{current[:12]}.mp3", ContentFile(data), save=False)
        setattr(recording, f"{part}_seconds", round(seconds, 2))
    recording.save()
    storage = audio.audio_storage()
    kept = {recording.public_file.name, recording.full_file.name}
    for name in stale:
        if name and name not in kept:
            storage.delete(name)
    return {
        "article": article.pk,
        "rendered": True,
        "seconds": {part: round(seconds, 1) for part, (_data, seconds) in renditions.items()},
        "bytes": {part: len(data) for part, (data, _seconds) in renditions.items()},
        "took": round(time.perf_counter() - started, 2),
    }


def enqueue_drained(totals):
    """`readcounts.on_drain` listener: hand the drained totals to the background worker."""
    rows = [[hour, key, count] for hour, counts in totals.items() for key, count in counts.items() if count]
    if rows:
        record_reads.enqueue(rows)


@task()
def record_reads(counts):
    """Add reads drained from the cache to the hourly counts: [[hour timestamp, key, count], …]."""
    return reads.reads_record(counts=counts)
