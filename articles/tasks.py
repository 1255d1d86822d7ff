"""The catalogue's background work, run by `manage.py db_worker`, never inside a request:
reading articles aloud, and adding up the reads counted in the cache."""

from django.tasks import task

from . import audio, reads
from .models import Article


@task()
def render_article_audio(article_id, force=False):
    """Make the spoken renditions of a published article (nothing if they are current)."""
    article = Article.objects.filter(pk=article_id).first()
    if article is None or article.status != Article.Status.PUBLISHED:
        return {"article": article_id, "rendered": False}
    return audio.article_audio_render(article=article, force=force)


@task()
def record_reads(counts):
    """Add reads drained from the cache to the hourly counts: [[hour timestamp, key, count], …]."""
    return reads.reads_record(counts=counts)
