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
    EDIT_WINDOW = "edit_window"  # a comment can be changed for 15 minutes
    NOT_YOURS = "not_yours"


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
    if not MIN_LENGTH <= len(text) <= MAX_LENGTH:
        # The form says so first; this holds for every way in (the text is rendered on save).
        raise Rejected(_("Un commentaire compte entre 2 et 5 000 caractères."))
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


# Who may see and act on one comment ---------------------------------------------------
# A reader sees a comment's text on the site when it is published, or when it is their own
# and still pending or refused ("Mes commentaires"); a deleted comment's text is shown to
# no one. The pages for one comment answer 404 to anyone its rule does not allow.


def _is_author(user, comment):
    return user.is_authenticated and comment.author_id == user.pk


def can_see(*, user, comment):
    if not comment.article.is_published():
        return False
    if comment.status == Comment.Status.PUBLISHED:
        return True
    return comment.status in (Comment.Status.PENDING, Comment.Status.REJECTED) and _is_author(user, comment)


def can_reply(*, user, comment):
    """Whether this comment takes replies; whether this reader may post under the article
    is `can_comment()`'s answer."""
    return user.is_authenticated and comment.status == Comment.Status.PUBLISHED and can_see(user=user, comment=comment)


def can_report(*, user, comment):
    """Others' published comments only: one's own is deleted, not reported."""
    return (
        user.is_authenticated
        and comment.status == Comment.Status.PUBLISHED
        and not _is_author(user, comment)
        and can_see(user=user, comment=comment)
    )


def can_recommend(*, user, comment):
    return can_report(user=user, comment=comment)


def is_own_live_comment(*, user, comment):
    """The author's own comment, still on the site or awaiting moderation: the edit page
    shows it (and says why when it can no longer be changed)."""
    return (
        _is_author(user, comment)
        and comment.status in (Comment.Status.PUBLISHED, Comment.Status.PENDING)
        and can_see(user=user, comment=comment)
    )


def can_edit(*, user, comment, now=None):
    """Within the edit window, by its author, who must still be allowed to write: a banned
    or suspended reader changes nothing. The new text is then screened as a new comment is
    (`services.comment_edit`)."""
    if not is_own_live_comment(user=user, comment=comment):
        return Permission(allowed=False, refusal=Refusal.NOT_YOURS)
    standing = _standing(user)
    if standing and standing.banned:
        return Permission(allowed=False, refusal=Refusal.BANNED)
    if standing and standing.is_suspended(now):
        return Permission(allowed=False, refusal=Refusal.SUSPENDED, until=standing.suspended_until)
    if (now or timezone.now()) - comment.created_at > EDIT_WINDOW:
        return Permission(allowed=False, refusal=Refusal.EDIT_WINDOW)
    return ALLOWED


def can_delete(*, user, comment):
    return (
        _is_author(user, comment) and comment.status != Comment.Status.DELETED and can_see(user=user, comment=comment)
    )
