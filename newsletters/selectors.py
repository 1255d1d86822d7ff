"""Reads: the letters a reader may choose, what an edition carries, what is due."""

from datetime import timedelta

from django.core.cache import caches
from django.db.models import Count, Exists, OuterRef, Q

from articles.models import Article
from articles.selectors import front_page

from .models import Edition, EditionArticle, Newsletter, Subscriber

# A section letter with no previous edition looks this far back.
FIRST_EDITION_LOOKBACK = timedelta(days=7)


def newsletters_offered():
    return list(Newsletter.objects.filter(is_active=True).select_related("section"))


def newsletters_for_account(*, user):
    """Each letter on offer, with whether this reader receives it, in one query."""
    receiving = Subscriber.objects.filter(user=user, newsletter=OuterRef("pk")).active()
    letters = Newsletter.objects.filter(is_active=True).annotate(subscribed=Exists(receiving))
    return [{"newsletter": letter, "subscribed": letter.subscribed} for letter in letters]


def automatic_selection(*, newsletter, since, limit=None):
    """The pieces an edition starts with: for La matinale the front page in the editors'
    order (the lead, the top stories, then the latest news); for a section letter its
    newest pieces published since the previous edition."""
    limit = limit or newsletter.article_count
    if newsletter.section_id is None:
        page = front_page()
        ordered = ([page["lead"]] if page["lead"] else []) + list(page["top"]) + list(page["latest"])
        return ordered[:limit]
    return list(
        Article.objects.published()
        .filter(section_id=newsletter.section_id, published_at__gt=since)
        .newest_first()
        .for_cards()[:limit]
    )


def previous_send_moment(*, newsletter, before):
    last = (
        Edition.objects.filter(newsletter=newsletter, send_at__lt=before)
        .exclude(status=Edition.Status.CANCELLED)
        .order_by("-send_at")
        .values_list("send_at", flat=True)
        .first()
    )
    return last or before - FIRST_EDITION_LOOKBACK


def edition_articles(*, edition):
    """The edition's pieces in order, with what the letter shows of each, in one query.
    Only published ones: a piece unpublished since it was chosen is left out."""
    items = (
        EditionArticle.objects.filter(edition=edition, article__in=Article.objects.published())
        .select_related("article__source", "article__section")
        .order_by("position", "pk")
    )
    return [item.article for item in items]


def editions_due(*, now):
    return Edition.objects.filter(status=Edition.Status.SCHEDULED, send_at__lte=now).select_related("newsletter")


def sends_stalled(*, now, quiet):
    """Editions whose sending made no progress for `quiet`: a worker died in the middle."""
    return Edition.objects.filter(status=Edition.Status.SENDING, send__progress_at__lt=now - quiet)


def newsletters_with_counts():
    return Newsletter.objects.annotate(
        active_subscribers=Count(
            "subscribers",
            filter=Q(subscribers__confirmed_at__isnull=False, subscribers__unsubscribed_at__isnull=True),
        )
    )


BOX_SECONDS = 600


def newsletter_box(*, section_id):
    """The letters the box under an article offers: La matinale and the article's section
    letter. The whole list of letters on offer is kept for ten minutes in each process's
    fragment cache, so the box costs a query per process at most that often."""
    offered = caches["fragments"].get("newsletter-box")
    if offered is None:
        offered = [
            {"slug": letter.slug, "name": letter.name, "section_id": letter.section_id}
            for letter in Newsletter.objects.filter(is_active=True)
        ]
        caches["fragments"].set("newsletter-box", offered, BOX_SECONDS)
    # La matinale first (checked), then the section's own letter.
    chosen = [letter for letter in offered if letter["section_id"] in (None, section_id)]
    return sorted(chosen, key=lambda letter: letter["section_id"] is not None)


def morning_newsletter():
    """ "La matinale": the letter without a section, if it is on offer."""
    return Newsletter.objects.filter(is_active=True, section__isnull=True).order_by("position", "pk").first()
