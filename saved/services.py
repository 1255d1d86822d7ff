"""Changes to a reader's "Ma liste": the only ways in and out of it."""

import time

from django.conf import settings
from django.db import IntegrityError, transaction

from articles.models import Article
from infrastructure.ratelimit import allow

from .models import SavedArticle

# A save asked for before signing in is kept in the session this long: the time to sign
# in or create an account, not a lasting promise.
PENDING_KEY = "saved_pending"
PENDING_SECONDS = 30 * 60


class SavedListFull(Exception):
    """The reader already keeps NEWSREADER_SAVED_MAX articles: a list, not an archive."""


def article_save(*, user, article):
    """Put a published article in the reader's list (saving it twice changes nothing).
    Returns the entry."""
    if not article.is_published():
        raise Article.DoesNotExist("Only published articles can be saved")
    existing = SavedArticle.objects.of(user).filter(article=article).first()
    if existing:
        return existing
    if SavedArticle.objects.of(user).count() >= settings.NEWSREADER_SAVED_MAX:
        raise SavedListFull
    try:
        with transaction.atomic():
            return SavedArticle.objects.create(user=user, article=article)
    except IntegrityError:  # the same save, sent twice at once (a double click)
        return SavedArticle.objects.of(user).get(article=article)


def article_unsave(*, user, article):
    """Take an article out of the reader's list (already out: nothing happens)."""
    SavedArticle.objects.of(user).filter(article=article).delete()


def pending_save_remember(*, session, article, requester):
    """Keep, in the anonymous reader's session, the save they asked for before signing in.

    Each one writes a session (a database row): at most NEWSREADER_SAVED_PENDING_PER_HOUR
    per requester (their address), so a stranger's script posting without cookies cannot
    write one per request. Returns whether the save was kept."""
    if not allow(f"saved-pending:{requester}", limit=settings.NEWSREADER_SAVED_PENDING_PER_HOUR, seconds=3600):
        return False
    session[PENDING_KEY] = {"article": article.pk, "at": time.time()}
    return True


def pending_save_complete(*, session, user):
    """Once the reader has signed in (or signed up), do the save they asked for before:
    the article, if it is still published and the request still fresh. Returns the
    article saved, or None."""
    pending = session.pop(PENDING_KEY, None)
    if not isinstance(pending, dict) or time.time() - pending.get("at", 0) > PENDING_SECONDS:
        return None
    article = Article.objects.published().filter(pk=pending.get("article")).first()
    if article is None:
        return None
    try:
        article_save(user=user, article=article)
    except SavedListFull:
        return None
    return article
