"""Reads of "Ma liste"."""

from functools import partial
from math import ceil

from django.conf import settings
from django.utils.crypto import salted_hmac

from articles.selectors import paginate
from infrastructure import sql

from .models import SavedArticle

# How many of the newest saved pieces a reader's device keeps for reading offline.
OFFLINE_ARTICLES = 50


def _listed(user):
    """What "Ma liste" shows of a reader's saves: those whose article is still published."""
    return SavedArticle.objects.of(user).published()


def saved_page(*, user, page_number):
    """One page of the reader's list, newest first, with what an entry shows (its article,
    source and section) in the page's one query."""
    entries = _listed(user).select_related("article__source", "article__section").newest_first()
    return paginate(queryset=entries, page_number=page_number)


def saved_page_count(*, user):
    """How many pages the reader's list has now (at least one, the empty list's)."""
    count = _listed(user).count()
    return max(1, ceil(count / settings.NEWSREADER_PAGE_SIZE))


def is_saved(*, user, article):
    """Whether the piece is in the reader's list. Every signed-in reader's article page asks
    it, so it is written in SQL (see `infrastructure.sql`)."""
    if not user.is_authenticated:
        return False
    column = partial(sql.column, SavedArticle)
    query = f"SELECT 1 FROM {SavedArticle._meta.db_table} WHERE {column('user')} = %s AND {column('article')} = %s"  # noqa: S608 (names from the model)
    return bool(sql.rows(SavedArticle, query, [user.pk, article.pk]))


def saved_among(*, user, article_ids):
    """Which of these articles (a page's cards) the reader has saved."""
    return set(SavedArticle.objects.of(user).filter(article_id__in=article_ids).values_list("article_id", flat=True))


def offline_articles(*, user):
    """The newest saved pieces a device keeps for offline reading: address and title only."""
    return list(_listed(user).newest_first().values_list("article__slug", "article__title")[:OFFLINE_ARTICLES])


def offline_cache_key(*, user):
    """The opaque name of the reader's offline cache on their devices: stable for the
    account, meaningless to anyone else (never the e-mail), and not guessable without the
    site's secret key."""
    return salted_hmac("newsreader.saved.offline-cache", str(user.pk), algorithm="sha256").hexdigest()[:32]
