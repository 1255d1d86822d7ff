"""The one place that decides, for a person and an article, what they may read.

Every page and channel that shows article text asks `reading_for()`; nothing else looks
at access levels, subscriptions or the monthly meter. The decision is pure: it writes
nothing, so a HEAD request, a prefetch or a feed reader can ask it freely. Spending one of
the month's free articles is a separate, named step (`free_article_spend()`) that only the
article page takes, on a reader's real visit.
"""

from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from articles.models import Article

from .models import MeteredRead, Subscription


class Reason:
    LOGIN = "login"  # registration wall: a free account is enough
    SUBSCRIBE = "subscribe"  # subscribers only, and no free article applies
    QUOTA = "quota"  # the month's free articles are used up
    FREE_ARTICLE = "free_article"  # a free article of the month would open it, if spent


@dataclass(frozen=True)
class Reading:
    full: bool
    reason: str | None = None
    free_left: int | None = None  # set when the monthly meter is involved

    @property
    def fragment_key(self):
        """What the cached article text depends on: the full text or a teaser, and why."""
        return "full" if self.full else f"teaser-{self.reason}"

    @property
    def is_free_article(self):
        """Read in full thanks to one of the month's free articles ("Article offert")."""
        return self.full and self.free_left is not None

    @property
    def spends_free_article(self):
        """Not read yet, and a free article of the month would open it."""
        return self.reason == Reason.FREE_ARTICLE


FULL = Reading(full=True)
# An attempt loses only to another page of the same reader taking a slot: the quota bounds them.
SPEND_ATTEMPTS = 32


def is_subscriber(user, at=None):
    """Whether this person holds an active subscription now. Remembered for the request."""
    if not user.is_authenticated:
        return False
    if at is not None:
        return Subscription.objects.filter(user=user).active(at).exists()
    if not hasattr(user, "_is_subscriber"):
        user._is_subscriber = Subscription.objects.filter(user=user).active().exists()
    return user._is_subscriber


def forget_subscription_status(user):
    """After a change to this person's subscriptions, ask the database again."""
    user.__dict__.pop("_is_subscriber", None)


def month_start(now=None):
    return timezone.localdate(now).replace(day=1)


def reading_for(*, user, article, now=None):
    """Full text, or a teaser with the reason. Writes nothing.

    A signed-in reader without a subscription reads a subscriber-only piece in full if they
    already opened it this month; if they still have free articles, the answer is a teaser
    with `spends_free_article`, and the article page spends one (`free_article_spend()`).
    """
    if not article.is_gated:
        return FULL
    if not user.is_authenticated:
        return Reading(
            full=False, reason=Reason.LOGIN if article.access == Article.Access.REGISTERED else Reason.SUBSCRIBE
        )
    if article.access == Article.Access.REGISTERED or user.is_staff or is_subscriber(user):
        return FULL
    quota = settings.NEWSREADER_FREE_ARTICLES_PER_MONTH
    if quota <= 0:
        return Reading(full=False, reason=Reason.SUBSCRIBE)
    read = set(MeteredRead.objects.filter(user=user, month=month_start(now)).values_list("article_id", flat=True))
    left = max(0, quota - len(read))
    if article.pk in read:
        return Reading(full=True, free_left=left)
    if not left:
        return Reading(full=False, reason=Reason.QUOTA, free_left=0)
    return Reading(full=False, reason=Reason.FREE_ARTICLE, free_left=left)


def read_in_full_filter(*, user, now=None):
    """`reading_for()`'s rule for a whole list at once (search, feeds): which pieces this
    reader gets in full, as a filter on articles. None: the public pieces only; `Q()`:
    every piece. Pure like `reading_for()`, and a free article that would still have to be
    spent does not count: only the article page spends one."""
    if not user.is_authenticated:
        return None
    if user.is_staff or is_subscriber(user):
        return Q()
    in_full = Q(access__in=[Article.Access.PUBLIC, Article.Access.REGISTERED])
    if settings.NEWSREADER_FREE_ARTICLES_PER_MONTH <= 0:
        return in_full
    read = list(MeteredRead.objects.filter(user=user, month=month_start(now)).values_list("article_id", flat=True))
    return in_full | Q(pk__in=read) if read else in_full


def free_article_spend(*, user, article, now=None):
    """Spend one of the month's free articles on this piece, and say what the reader gets.

    Atomic across processes: each free read takes a numbered slot of the month, from 1 to
    the quota, and the database lets a slot be taken once. A reader opening several gated
    pieces at the same moment gets exactly as many in full as they have free articles left.
    """
    quota = settings.NEWSREADER_FREE_ARTICLES_PER_MONTH
    month = month_start(now)
    for _attempt in range(SPEND_ATTEMPTS):
        reading = reading_for(user=user, article=article, now=now)
        if not reading.spends_free_article:
            return reading
        taken = set(MeteredRead.objects.filter(user=user, month=month).values_list("slot", flat=True))
        free_slots = [slot for slot in range(1, quota + 1) if slot not in taken]
        if not free_slots:
            break
        try:
            with transaction.atomic():
                MeteredRead.objects.create(user=user, article=article, month=month, slot=free_slots[0])
        except IntegrityError:
            continue  # another page took this slot (or this article) meanwhile: decide again
        return Reading(full=True, free_left=len(free_slots) - 1)
    return Reading(full=False, reason=Reason.QUOTA, free_left=0)


def free_articles_left(*, user, now=None):
    quota = settings.NEWSREADER_FREE_ARTICLES_PER_MONTH
    used = MeteredRead.objects.filter(user=user, month=month_start(now)).count()
    return max(0, quota - used)
