"""Our record of a card subscription, brought in line with what Stripe says of it.

Shared by the webhook (`billing`, `webhooks`) and the background worker (`tasks`), which
fetches a subscription from Stripe and applies it the same way; it calls neither Stripe
nor the worker, so both may import it.
"""

import logging
from datetime import UTC, datetime, timedelta

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction

from .models import Plan, Subscription

logger = logging.getLogger(__name__)

# Stripe subscription states in which the reader has paid for the current period.
PAID_STATES = {"active", "trialing"}
# Stripe gave up on the subscription: access ends, whatever remained of the period.
ENDED_STATES = {"canceled", "unpaid", "incomplete_expired"}


def stripe_moment(timestamp):
    return datetime.fromtimestamp(int(timestamp), tz=UTC) if timestamp else None


def stripe_id(value):
    """Stripe sends a related object either as its ID or, expanded, as the object."""
    return value.get("id", "") if isinstance(value, dict) else value or ""


def _user(user_id):
    try:
        return get_user_model().objects.filter(pk=int(user_id), is_active=True).first()
    except (TypeError, ValueError):
        return None


def _subscription_period_end(data):
    """The end of the subscription's current period: on its items since Stripe's 2025
    API versions, on the subscription itself before."""
    items = (data.get("items") or {}).get("data") or []
    ends = [item.get("current_period_end") for item in items if item.get("current_period_end")]
    return stripe_moment(max(ends)) if ends else stripe_moment(data.get("current_period_end"))


def find_or_open(*, stripe_subscription_id, metadata, customer_id, starts_at, ends_at, at):
    """Our row for this Stripe subscription, locked; opened from the event's own facts when
    an event arrives before checkout.session.completed. None if we cannot tell whose it is."""
    rows = Subscription.objects.select_for_update()
    subscription = rows.filter(stripe_subscription_id=stripe_subscription_id).first()
    if subscription is not None or ends_at is None or ends_at <= starts_at:
        return subscription
    user = _user(metadata.get("user_id"))
    if user is None and customer_id:
        user = _user(
            Subscription.objects.filter(stripe_customer_id=customer_id).values_list("user_id", flat=True).first()
        )
    if user is None:
        logger.warning("Stripe subscription %s belongs to no reader we know.", stripe_subscription_id)
        return None
    try:
        with transaction.atomic():
            return Subscription.objects.create(
                user=user,
                plan=Plan.objects.filter(slug=metadata.get("plan", "")).first(),
                origin=Subscription.Origin.PAYMENT,
                starts_at=starts_at,
                ends_at=ends_at,
                stripe_subscription_id=stripe_subscription_id,
                stripe_customer_id=customer_id,
                stripe_status="active",
                stripe_synced_at=at,
            )
    except IntegrityError:  # the same subscription opened by a simultaneous event
        return rows.get(stripe_subscription_id=stripe_subscription_id)


@transaction.atomic
def subscription_state_apply(*, data, at):
    """customer.subscription.updated / .deleted, or the subscription as the worker fetched
    it: renewal switched off or on, or the end. News older than what we hold is ignored.

    A snapshot never extends the paid period (Stripe moves `current_period_end` before the
    renewal is paid; invoice.paid extends it), except to replace Checkout's stand-in length.
    """
    status = data.get("status", "")
    ended_at = stripe_moment(data.get("ended_at"))
    subscription = find_or_open(
        stripe_subscription_id=data["id"],
        metadata=data.get("metadata") or {},
        customer_id=stripe_id(data.get("customer")),
        starts_at=stripe_moment(data.get("start_date")) or at,
        ends_at=_subscription_period_end(data) if status in PAID_STATES else None,
        at=at,
    )
    if subscription is None:
        return False
    if subscription.stripe_synced_at and at < subscription.stripe_synced_at:
        return False
    period_end = _subscription_period_end(data)
    if status in PAID_STATES and period_end and subscription.stripe_synced_at is None:
        subscription.ends_at = period_end
    if status in PAID_STATES:
        subscription.grace_until = None
    cancel_at = stripe_moment(data.get("cancel_at"))
    subscription.cancel_at_period_end = bool(data.get("cancel_at_period_end") or cancel_at)
    if cancel_at:
        subscription.ends_at = _clamp(subscription, min(subscription.ends_at, cancel_at))
    if status in ENDED_STATES:
        subscription.ends_at = _clamp(subscription, min(subscription.ends_at, ended_at or at))
        subscription.grace_until = None
    subscription.stripe_status = status
    subscription.stripe_customer_id = subscription.stripe_customer_id or stripe_id(data.get("customer"))
    subscription.stripe_synced_at = at
    subscription.save(
        update_fields=[
            "ends_at",
            "grace_until",
            "cancel_at_period_end",
            "stripe_status",
            "stripe_customer_id",
            "stripe_synced_at",
        ]
    )
    return True


def _clamp(subscription, ends_at):
    """An end can be no earlier than a moment after the start (the table's own rule)."""
    return max(ends_at, subscription.starts_at + timedelta(seconds=1))
