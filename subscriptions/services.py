"""Changes of state for subscriptions and access codes."""

import secrets
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import F, Max, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .access import forget_subscription_status
from .models import AccessCode, PrivateFeed, Redemption, Subscription

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: codes are typed by hand


class RedemptionError(Exception):
    pass


def normalize_code(code):
    return "".join(code.split()).replace("-", "").upper()


@transaction.atomic
def subscription_grant(*, user, duration, origin, plan=None, access_code=None, granted_by=None, note=""):
    """Open or extend access: a new period starts when the current one ends.

    Safe under concurrency: the reader's row is locked while the current end is read and
    the new period written, so two grants at the same moment (two codes, a code and an
    editor's gift) queue up instead of both starting now. On SQLite the transaction's
    IMMEDIATE mode takes the database's write lock at its start, to the same effect.
    """
    get_user_model().objects.select_for_update().only("pk").get(pk=user.pk)
    now = timezone.now()
    current_end = Subscription.objects.filter(user=user, ends_at__gt=now).aggregate(end=Max("ends_at"))["end"]
    starts_at = max(now, current_end) if current_end else now
    forget_subscription_status(user)
    return Subscription.objects.create(
        user=user,
        plan=plan,
        starts_at=starts_at,
        ends_at=starts_at + duration,
        origin=origin,
        access_code=access_code,
        granted_by=granted_by,
        note=note,
    )


def subscription_end(*, subscription, ended_by, at=None):
    """End a subscription now (or at `at`): access stops then; a period not yet started is
    shortened to nothing."""
    at = at or timezone.now()
    if subscription.access_ends_at <= at:
        return subscription
    subscription.ends_at = max(min(subscription.ends_at, at), subscription.starts_at + timedelta(microseconds=1))
    subscription.grace_until = None  # a grace period after a refused payment ends too
    note = f"{subscription.note} · " if subscription.note else ""
    subscription.note = (note + _("terminé par %(who)s") % {"who": ended_by})[:200]
    subscription.save(update_fields=["ends_at", "grace_until", "note"])
    return subscription


def access_code_redeem(*, user, code):
    """Redeem a code for this reader. Safe under concurrency: the use is counted by one
    conditional UPDATE, so a single-use code opens exactly one subscription."""
    normalized = normalize_code(code)
    access_code = AccessCode.objects.filter(code=normalized).select_related("plan", "gift").first()
    if access_code is None:
        raise RedemptionError(_("Ce code n'existe pas. Vérifiez qu'il est bien recopié."))
    now = timezone.now()
    if access_code.is_expired(now):
        raise RedemptionError(_("Ce code a expiré."))
    try:
        with transaction.atomic():
            Redemption.objects.create(access_code=access_code, user=user)
            claimed = (
                AccessCode.objects.filter(pk=access_code.pk, redemption_count__lt=F("max_redemptions"))
                .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
                .update(redemption_count=F("redemption_count") + 1)
            )
            if not claimed:
                raise RedemptionError(_("Ce code a déjà été utilisé."))
            subscription = subscription_grant(
                user=user,
                duration=access_code.duration,
                # A code someone bought for this reader keeps its origin: a gift.
                origin=Subscription.Origin.GIFT if hasattr(access_code, "gift") else Subscription.Origin.CODE,
                plan=access_code.plan,
                access_code=access_code,
            )
            Redemption.objects.filter(access_code=access_code, user=user).update(subscription=subscription)
    except IntegrityError as error:
        raise RedemptionError(_("Vous avez déjà utilisé ce code.")) from error
    return subscription


def access_codes_generate(*, count, plan=None, days=None, max_redemptions=1, expires_at=None, batch=""):
    """Create `count` new random codes (e.g. for a partner or a promotion)."""
    codes = []
    while len(codes) < count:
        value = "".join(secrets.choice(CODE_ALPHABET) for _ in range(12))
        codes.append(
            AccessCode(
                code=value,
                plan=plan,
                days=days,
                max_redemptions=max_redemptions,
                expires_at=expires_at,
                batch=batch,
            )
        )
    return AccessCode.objects.bulk_create(codes)


def format_code(code):
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def private_feed_renew(*, user):
    """Give this reader a private feed address, replacing the one they had."""
    salt = secrets.token_hex(16)
    feed, _created = PrivateFeed.objects.update_or_create(
        user=user, defaults={"salt": salt, "digest": PrivateFeed.digest_of(PrivateFeed.token_for(salt))}
    )
    return feed


def private_feed_revoke(*, user):
    """The reader's private feed address stops working at once."""
    PrivateFeed.objects.filter(user=user).delete()


def gift_mark_sent(*, gift):
    """The gift's code has been e-mailed to its recipient."""
    gift.sent_at = timezone.now()
    gift.save(update_fields=["sent_at"])
