"""The one place that decides, for a person and an article, what they may read.

Every page that shows article text asks `reading_for()`; nothing else looks at access
levels, subscriptions or the monthly meter.
"""

from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from articles.models import Article

from .models import MeteredRead, Subscription


class Reason:
    LOGIN = "login"  # registration wall: a free account is enough
    SUBSCRIBE = "subscribe"  # subscribers only, and no free article applies
    QUOTA = "quota"  # the month's free articles are used up


@dataclass(frozen=True)
class Reading:
    full: bool
    reason: str | None = None
    free_left: int | None = None  # set when this read came from the monthly meter

    @property
    def fragment_key(self):
        """What the cached article text depends on: the full text or a teaser, and why."""
        return "full" if self.full else f"teaser-{self.reason}"


FULL = Reading(full=True)


def is_subscriber(user, at=None):
    """Whether this person holds an active subscription now. Remembered for the request."""
    if not user.is_authenticated:
        return False
    if at is not None:
        return Subscription.objects.filter(user=user).active(at).exists()
    if not hasattr(user, "_is_subscriber"):
        user._is_subscriber = Subscription.objects.filter(user=user).active().exists()
    return user._is_subscriber


def month_start(now=None):
    return timezone.localdate(now).replace(day=1)


def reading_for(*, user, article, now=None):
    """Full text, or a teaser with the reason. A signed-in reader without a subscription
    spends one of the month's free articles on a subscriber-only piece, once per article."""
    if article.access == Article.Access.PUBLIC:
        return FULL
    if not user.is_authenticated:
        return Reading(
            full=False, reason=Reason.LOGIN if article.access == Article.Access.REGISTERED else Reason.SUBSCRIBE
        )
    if article.access == Article.Access.REGISTERED or user.is_staff or is_subscriber(user):
        return FULL
    return _metered(user=user, article=article, month=month_start(now))


def _metered(*, user, article, month):
    quota = settings.NEWSREADER_FREE_ARTICLES_PER_MONTH
    if quota <= 0:
        return Reading(full=False, reason=Reason.SUBSCRIBE)
    read = set(MeteredRead.objects.filter(user=user, month=month).values_list("article_id", flat=True))
    if article.pk in read:
        return Reading(full=True, free_left=max(0, quota - len(read)))
    if len(read) >= quota:
        return Reading(full=False, reason=Reason.QUOTA, free_left=0)
    try:
        with transaction.atomic():
            MeteredRead.objects.create(user=user, article=article, month=month)
    except IntegrityError:
        pass  # the same reader opened it twice at once: counted once
    return Reading(full=True, free_left=quota - len(read) - 1)


def free_articles_left(*, user, now=None):
    quota = settings.NEWSREADER_FREE_ARTICLES_PER_MONTH
    used = MeteredRead.objects.filter(user=user, month=month_start(now)).count()
    return max(0, quota - used)
