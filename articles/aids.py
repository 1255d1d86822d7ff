"""The newsroom's steps on the reading aids, each a named function the admin calls:
rewrite "L'essentiel" (which marks it checked), compute it again, read the article aloud
again; and the catch-up for articles saved before the aids existed. The aids themselves
are made in `summary.py` and `audio.py`."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from infrastructure import scopes
from infrastructure.scopes import content_changed

from . import workflow
from .models import Article
from .summary import clean_points
from .tasks import article_audio_request


class AidRefused(Exception):
    pass


SUMMARY_FIELDS = ["summary_public", "summary_full", "summary_made_from", "summary_checked_by", "summary_checked_at"]


def _store_summary(article):
    """Write the summary fields alone: no new version of the article, no "updated" date."""
    Article.objects.filter(pk=article.pk).update(**{name: getattr(article, name) for name in SUMMARY_FIELDS})
    content_changed(scopes.article(article.pk))


@transaction.atomic
def article_summary_edit(*, user, article, public_text, full_text=""):
    """An editor rewrites or approves "L'essentiel" (one point per line): it is then shown
    as checked, under the editor's responsibility, until the text it sums up changes."""
    if not workflow.can_publish(user):
        raise AidRefused(_("Seuls les éditeurs vérifient L'essentiel."))
    public = clean_points(public_text)
    full = clean_points(full_text) if article.is_gated else []
    if not public or (article.is_gated and not full):
        raise AidRefused(_("L'essentiel compte au moins un point (un par ligne)."))
    article.summary_public, article.summary_full = public, full
    article.summary_checked_by, article.summary_checked_at = user, timezone.now()
    _store_summary(article)
    return article


@transaction.atomic
def article_summary_recompute(*, user, article):
    """Compute "L'essentiel" again from the text; it is automatic again (not checked)."""
    if not workflow.can_edit(user, article):
        raise AidRefused(_("Vous ne pouvez pas modifier cet article."))
    article.refresh_summary(force=True)
    _store_summary(article)
    return article


def article_audio_rerender(*, user, article):
    """Have the background worker read the article aloud again, even if its audio is current."""
    if not workflow.can_edit(user, article):
        raise AidRefused(_("Vous ne pouvez pas modifier cet article."))
    if article.status != Article.Status.PUBLISHED:
        raise AidRefused(_("L'audio est réalisé pour les articles publiés ou programmés."))
    article_audio_request(article=article, force=True)


def reading_aids_backfill():
    """Give every article what it lacks: the summary and fingerprint of articles saved
    before the reading aids existed, and audio for every published article whose audio
    does not say its current text (made by the background worker). Idempotent; returns
    (summaries computed, audio renditions requested)."""
    computed = 0
    for article in Article.objects.filter(summary_made_from="").iterator():
        article.refresh_derived_fields()
        Article.objects.filter(pk=article.pk).update(
            **{name: getattr(article, name) for name in [*SUMMARY_FIELDS, "speech_fingerprint"]}
        )
        content_changed(scopes.article(article.pk))
        computed += 1
    requested = 0
    for article in Article.objects.filter(status=Article.Status.PUBLISHED).select_related("audio").iterator():
        if article.audio_for(full=False) is None:
            article_audio_request(article=article)
            requested += 1
    return computed, requested
