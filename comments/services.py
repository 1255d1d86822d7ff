"""Every change to the discussion: readers' actions and moderators' decisions.

Each action checks its rule, performs the change, logs what moderators did, and hands
e-mail to the background worker; views only parse input and call one of these.
"""

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, F, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from articles.models import Article
from infrastructure import scopes
from infrastructure.ratelimit import allow
from infrastructure.scopes import content_changed

from . import rules, tasks
from .models import Comment, CommenterStanding, ModerationLog, ModerationSettings, Recommendation, Report
from .selectors import commenter


class CommentError(Exception):
    """Refused, with a message for the reader."""


class RateLimited(CommentError):
    pass


def _check_rate(user):
    """Per account: NEWSREADER_COMMENT_RATE_LIMITS, e.g. one per 10 seconds and 30 per hour."""
    for limit, seconds in settings.NEWSREADER_COMMENT_RATE_LIMITS:
        if allow(f"comment-{seconds}s:{user.pk}", limit=limit, seconds=seconds):
            continue
        if seconds < 60:
            raise RateLimited(_("Vous commentez très vite : attendez quelques secondes avant de publier à nouveau."))
        raise RateLimited(
            _("Vous avez atteint la limite de %(count)s commentaires en %(minutes)s minutes. Réessayez plus tard.")
            % {"count": limit, "minutes": seconds // 60}
        )


def comment_create(*, user, article, text, reply_to=None):
    """Post a comment or a reply. Returns it; its status says whether it awaits moderation.

    Every attempt counts against the rate limit, refused ones included (a duplicate, a
    banned word): trying costs the same as posting.
    """
    _check_rate(user)
    moderation = ModerationSettings.current()
    user = commenter(user=user)
    permission = rules.can_comment(user=user, article=article, rules=moderation)
    if not permission:
        raise CommentError(_("Vous ne pouvez pas commenter cet article."))
    if reply_to is not None and (reply_to.article_id != article.pk or not rules.can_reply(user=user, comment=reply_to)):
        raise CommentError(_("Ce commentaire n'accepte plus de réponse."))
    text = text.strip()
    if rules.is_duplicate(user=user, article=article, text=text):
        raise CommentError(_("Vous avez déjà publié ce commentaire."))
    try:
        status = rules.screen(user=user, text=text, rules=moderation)
    except rules.Rejected as error:
        raise CommentError(str(error)) from error
    comment = Comment.objects.create(
        article=article,
        author=user,
        body=text,
        status=status,
        parent=(reply_to.parent or reply_to) if reply_to else None,
        in_reply_to=reply_to,
    )
    if status == Comment.Status.PUBLISHED:
        _notify_reply(comment)
    return comment


def edit_refusal(permission):
    """What to tell the author when `rules.can_edit()` says no."""
    if permission.refusal == rules.Refusal.BANNED:
        return _("Votre compte ne peut plus publier de commentaires.")
    if permission.refusal == rules.Refusal.SUSPENDED:
        return _("Vous ne pouvez pas commenter jusqu'au %(date)s.") % {
            "date": date_format(timezone.localtime(permission.until), "DATETIME_FORMAT")
        }
    return _("Ce commentaire ne peut plus être modifié (15 minutes après sa publication).")


def comment_edit(*, user, comment, text):
    """Change one's comment. The new text goes through everything a new comment does: the
    rate limit, the right to comment under the article, and screening (a banned word
    refuses it; what would hold a new comment sends this one back to moderation)."""
    _check_rate(user)
    moderation = ModerationSettings.current()
    user = commenter(user=user)
    permission = rules.can_edit(user=user, comment=comment)
    if not permission:
        raise CommentError(edit_refusal(permission))
    if not rules.can_comment(user=user, article=comment.article, rules=moderation):
        raise CommentError(_("Vous ne pouvez pas commenter cet article."))
    text = text.strip()
    try:
        status = rules.screen(user=user, text=text, rules=moderation)
    except rules.Rejected as error:
        raise CommentError(str(error)) from error
    comment.body = text
    comment.edited_at = timezone.now()
    if status == Comment.Status.PENDING:
        comment.status = Comment.Status.PENDING
    comment.save(update_fields=["body", "edited_at", "status"])
    return comment


def comment_delete(*, user, comment):
    if not rules.can_delete(user=user, comment=comment):
        raise CommentError(_("Vous ne pouvez supprimer que vos propres commentaires."))
    comment.status = Comment.Status.DELETED
    comment.save(update_fields=["status"])


def comment_recommend(*, user, comment):
    """One recommendation per reader per comment; a second click takes it back."""
    if comment.author_id == user.pk:
        raise CommentError(_("Vous ne pouvez pas recommander votre propre commentaire."))
    if not rules.can_recommend(user=user, comment=comment):
        raise CommentError(_("Ce commentaire ne peut pas être recommandé."))
    with transaction.atomic():
        removed, _deleted = Recommendation.objects.filter(comment=comment, user=user).delete()
        if removed:
            Comment.objects.filter(pk=comment.pk).update(recommend_count=F("recommend_count") - 1)
            recommended = False
        else:
            try:
                with transaction.atomic():
                    Recommendation.objects.create(comment=comment, user=user)
            except IntegrityError:
                return True  # the same reader clicked twice at once: counted once
            Comment.objects.filter(pk=comment.pk).update(recommend_count=F("recommend_count") + 1)
            recommended = True
    _thread_changed(comment)
    return recommended


def comment_report(*, user, comment, reason, note=""):
    """A reader flags someone else's published comment; after enough reports it waits for a
    moderator."""
    if not rules.can_report(user=user, comment=comment):
        raise CommentError(_("Ce commentaire ne peut pas être signalé."))
    try:
        with transaction.atomic():
            Report.objects.create(comment=comment, user=user, reason=reason, note=note)
            Comment.objects.filter(pk=comment.pk).update(report_count=F("report_count") + 1)
    except IntegrityError as error:
        raise CommentError(_("Vous avez déjà signalé ce commentaire.")) from error
    comment.refresh_from_db(fields=["report_count", "status"])
    threshold = ModerationSettings.current().reports_before_hold
    if threshold and comment.report_count >= threshold and comment.status == Comment.Status.PUBLISHED:
        comment.status = Comment.Status.PENDING
        comment.save(update_fields=["status"])
        ModerationLog.objects.create(
            actor=None,
            action=ModerationLog.Action.HOLD,
            comment=comment,
            target_id=comment.author_id,
            reason=_("%(count)s signalements") % {"count": comment.report_count},
        )


# Moderators' decisions ---------------------------------------------------------------


def _log(actor, action, *, comment=None, target=None, reason=""):
    ModerationLog.objects.create(actor=actor, action=action, comment=comment, target=target, reason=reason)


@transaction.atomic
def comments_approve(*, moderator, comments, reason=""):
    for comment in comments:
        comment.status = Comment.Status.PUBLISHED
        comment.rejection_reason = ""
        comment.save(update_fields=["status", "rejection_reason"])
        _log(moderator, ModerationLog.Action.APPROVE, comment=comment, target=comment.author, reason=reason)
        transaction.on_commit(lambda comment=comment: _notify_reply(comment))


@transaction.atomic
def comments_reject(*, moderator, comments, reason):
    for comment in comments:
        comment.status = Comment.Status.REJECTED
        comment.rejection_reason = reason
        comment.is_featured = False
        comment.save(update_fields=["status", "rejection_reason", "is_featured"])
        _log(moderator, ModerationLog.Action.REJECT, comment=comment, target=comment.author, reason=reason)


@transaction.atomic
def comments_feature(*, moderator, comments, featured=True, reason=""):
    for comment in comments:
        if comment.status != Comment.Status.PUBLISHED or comment.is_featured == featured:
            continue
        comment.is_featured = featured
        comment.save(update_fields=["is_featured"])
        action = ModerationLog.Action.FEATURE if featured else ModerationLog.Action.UNFEATURE
        _log(moderator, action, comment=comment, target=comment.author, reason=reason)
        if featured and comment.author_id:
            transaction.on_commit(lambda pk=comment.pk: tasks.notify_featured.enqueue(pk))


@transaction.atomic
def _sanction(*, moderator, user, action, reason, **standing_changes):
    standing = CommenterStanding.objects.get_or_create(user=user)[0]
    for field, value in {**standing_changes, "reason": reason}.items():
        setattr(standing, field, value)
    standing.save()
    _log(moderator, action, target=user, reason=reason)


def commenter_ban(*, moderator, user, reason):
    _sanction(moderator=moderator, user=user, action=ModerationLog.Action.BAN, reason=reason, banned=True)


def commenter_suspend(*, moderator, user, until, reason):
    _sanction(moderator=moderator, user=user, action=ModerationLog.Action.SUSPEND, reason=reason, suspended_until=until)


def commenter_premoderate(*, moderator, user, reason):
    _sanction(
        moderator=moderator, user=user, action=ModerationLog.Action.PREMODERATE, reason=reason, always_premoderate=True
    )


@transaction.atomic
def commenter_standing_update(*, moderator, user, banned, suspended_until, always_premoderate, reason=""):
    """Set a reader's standing as a whole (the admin's form): each sanction imposed or lifted
    is logged as what it is."""
    standing = CommenterStanding.objects.select_for_update().get_or_create(user=user)[0]
    actions = []
    if banned and not standing.banned:
        actions.append(ModerationLog.Action.BAN)
    if suspended_until and suspended_until != standing.suspended_until and suspended_until > timezone.now():
        actions.append(ModerationLog.Action.SUSPEND)
    if always_premoderate and not standing.always_premoderate:
        actions.append(ModerationLog.Action.PREMODERATE)
    lifted = (standing.banned and not banned) or (standing.always_premoderate and not always_premoderate)
    if lifted or (standing.suspended_until and not suspended_until):
        actions.append(ModerationLog.Action.RESTORE)
    standing.banned, standing.suspended_until = banned, suspended_until
    standing.always_premoderate, standing.reason = always_premoderate, reason
    standing.save()
    for action in actions:
        _log(moderator, action, target=user, reason=reason)
    return standing


@transaction.atomic
def moderation_settings_update(*, moderator, rules, changed):
    """Save the discussion's rules (already set on `rules`) and log which ones changed."""
    rules.save()
    _log(moderator, ModerationLog.Action.SETTINGS, reason=", ".join(changed)[:300])
    return rules


def commenter_restore(*, moderator, user, reason=""):
    _sanction(
        moderator=moderator,
        user=user,
        action=ModerationLog.Action.RESTORE,
        reason=reason,
        banned=False,
        suspended_until=None,
        always_premoderate=False,
    )


def _notify_reply(comment):
    target = comment.in_reply_to
    if target and target.author_id and target.author_id != comment.author_id:
        transaction.on_commit(lambda: tasks.notify_reply.enqueue(comment.pk))


def article_comment_count_refresh(*, article_id):
    """Count the article's published comments again (the count cards and pages show)."""
    visible = Comment.objects.visible().filter(article_id=OuterRef("pk")).order_by()
    count = visible.values("article_id").annotate(n=Count("pk")).values("n")
    Article.objects.filter(pk=article_id).update(comment_count=Coalesce(Subquery(count), 0))


def _thread_changed(comment):
    """A change that saves no comment row (a recommendation, a report) still changes the thread."""
    content_changed(scopes.article(comment.article_id))
