"""Who may comment where, and what a new comment's fate is: the discussion's rules, in one place."""

import re
from dataclasses import dataclass
from datetime import timedelta

from allauth.account.models import EmailAddress
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from articles.models import Article
from subscriptions.access import Reason, is_subscriber, reading_for

from .models import Comment, CommenterStanding, ModerationSettings

EDIT_WINDOW = timedelta(minutes=15)
MIN_LENGTH, MAX_LENGTH = 2, 5000
LINK = re.compile(r"(https?://|www\.)", re.IGNORECASE)


class Refusal:
    CLOSED = "closed"
    EXPIRED = "expired"
    LOGIN = "login"
    VERIFY_EMAIL = "verify_email"
    SUBSCRIBE = "subscribe"
    BANNED = "banned"
    SUSPENDED = "suspended"


@dataclass(frozen=True)
class Permission:
    allowed: bool
    refusal: str | None = None
    until: object = None  # the end of a suspension

    def __bool__(self):
        return self.allowed


ALLOWED = Permission(allowed=True)


def comments_closed(article, rules, now=None):
    if article.comments_mode == Article.CommentsMode.CLOSED:
        return Refusal.CLOSED
    closes_at = article.published_at and article.published_at + timedelta(days=rules.close_after_days)
    if rules.close_after_days and closes_at and (now or timezone.now()) > closes_at:
        return Refusal.EXPIRED
    return None


def can_comment(*, user, article, rules=None, reading=None, now=None):
    """Whether this person may post under this article now, and if not, why.

    Only a reader who may read the piece in full may discuss it (`reading`, the access
    rule's answer, is asked for when not given): anyone else is offered what would open it.
    """
    rules = rules or ModerationSettings.current()
    closed = comments_closed(article, rules, now)
    if closed:
        return Permission(allowed=False, refusal=closed)
    if not user.is_authenticated:
        return Permission(allowed=False, refusal=Refusal.LOGIN)
    verified = getattr(user, "has_verified_email", None)
    if verified is None:
        verified = EmailAddress.objects.filter(user=user, verified=True).exists()
    if not verified:
        return Permission(allowed=False, refusal=Refusal.VERIFY_EMAIL)
    standing = _standing(user)
    if standing and standing.banned:
        return Permission(allowed=False, refusal=Refusal.BANNED)
    if standing and standing.is_suspended(now):
        return Permission(allowed=False, refusal=Refusal.SUSPENDED, until=standing.suspended_until)
    reading = reading or reading_for(user=user, article=article)
    if not reading.full:
        return Permission(allowed=False, refusal=Refusal.LOGIN if reading.reason == Reason.LOGIN else Refusal.SUBSCRIBE)
    if article.comments_mode == Article.CommentsMode.SUBSCRIBERS and not (user.is_staff or is_subscriber(user)):
        return Permission(allowed=False, refusal=Refusal.SUBSCRIBE)
    return ALLOWED


def _standing(user):
    """The reader's standing; read from `selectors.commenter()`'s join when it was used."""
    try:
        return user.commenter_standing
    except CommenterStanding.DoesNotExist:
        return None


class Rejected(Exception):
    """The comment breaks a rule; the message says which."""


def screen(*, user, text, rules):
    """The status a new or edited comment gets, or `Rejected` with the reason."""
    lowered = text.lower()
    for word in rules.words(rules.banned_words):
        if re.search(rf"\b{re.escape(word)}\b", lowered):
            raise Rejected(
                _("Votre commentaire contient un mot que nos règles n'acceptent pas : « %(word)s ».") % {"word": word}
            )
    if user.is_staff:
        return Comment.Status.PUBLISHED
    suspect = any(re.search(rf"\b{re.escape(word)}\b", lowered) for word in rules.words(rules.suspect_words))
    if suspect or (rules.hold_links and LINK.search(text)):
        return Comment.Status.PENDING
    if rules.mode == ModerationSettings.Mode.PRE:
        return Comment.Status.PENDING
    standing = _standing(user)
    if standing and standing.always_premoderate:
        return Comment.Status.PENDING
    if rules.new_commenter_threshold:
        approved = Comment.objects.filter(author=user, status=Comment.Status.PUBLISHED).count()
        if approved < rules.new_commenter_threshold:
            return Comment.Status.PENDING
    return Comment.Status.PUBLISHED


def is_duplicate(*, user, article, text):
    return (
        Comment.objects.filter(author=user, article=article, body=text.strip())
        .exclude(status=Comment.Status.DELETED)
        .exists()
    )


def can_edit(*, user, comment, now=None):
    return (
        user.is_authenticated
        and comment.author_id == user.pk
        and comment.status in (Comment.Status.PUBLISHED, Comment.Status.PENDING)
        and (now or timezone.now()) - comment.created_at <= EDIT_WINDOW
    )


def can_delete(*, user, comment):
    return user.is_authenticated and comment.author_id == user.pk and comment.status != Comment.Status.DELETED
