"""Changes of state that come from card payments: starting a Checkout, what each Stripe
event does to our records, cancellation and gifts.

Stripe is the authority on money; our `Subscription` row is the authority on access. An
event may arrive twice, late or before the one that "should" precede it: each function
here is idempotent and reads what the event says rather than assuming an order. Work that
e-mails or calls Stripe is handed to the background worker once the transaction commits.
"""

import logging
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.db import transaction

from . import payments, tasks
from .card_state import ENDED_STATES, find_or_open, stripe_id, stripe_moment
from .models import Gift, Payment, Plan, Subscription
from .services import access_codes_generate

logger = logging.getLogger(__name__)


class CheckoutError(Exception):
    """Card payment cannot start: `reason` is UNAVAILABLE, ALREADY or STRIPE_DOWN."""

    UNAVAILABLE = "unavailable"  # not configured, or this plan has no Stripe price
    ALREADY = "already"  # a card subscription already renews: a second would charge twice
    STRIPE_DOWN = "stripe"  # Stripe did not answer or refused

    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason


def _stripe(call, **kwargs):
    try:
        return call(**kwargs)
    except payments.PaymentError as error:
        raise CheckoutError(CheckoutError.STRIPE_DOWN) from error


def _amount(cents):
    return (Decimal(cents or 0) / 100).quantize(Decimal("0.01"))


def customer_id_for(*, user):
    """The Stripe customer this reader paid as before, if any (one customer per reader)."""
    return (
        Subscription.objects.filter(user=user)
        .exclude(stripe_customer_id="")
        .order_by("-created_at")
        .values_list("stripe_customer_id", flat=True)
        .first()
    )


def renewing_subscription(*, user):
    """A card subscription that will renew by itself: a second one would charge twice."""
    return Subscription.objects.filter(user=user).paid_by_card().active().filter(cancel_at_period_end=False).first()


# Starting a payment (in the reader's request: they are waiting for Stripe's page).


def subscription_checkout_begin(*, user, plan, success_url, cancel_url, locale):
    """Open Stripe Checkout for this plan; returns the address to send the reader to."""
    if not plan.is_active or not plan.stripe_price_id or not payments.payments_enabled():
        raise CheckoutError(CheckoutError.UNAVAILABLE)
    if renewing_subscription(user=user):
        raise CheckoutError(CheckoutError.ALREADY)
    session = _stripe(
        payments.subscription_checkout_start,
        price_id=plan.stripe_price_id,
        user_id=user.pk,
        email=user.email,
        customer_id=customer_id_for(user=user),
        plan_slug=plan.slug,
        success_url=success_url,
        cancel_url=cancel_url,
        locale=locale,
    )
    return session["url"]


def gift_checkout_begin(*, buyer, offer, recipient_email, recipient_name, message, language, success_url, cancel_url):
    """Record the gift as awaiting payment and open Stripe Checkout for it (one payment)."""
    if not offer.is_active or not offer.stripe_price_id or not payments.payments_enabled():
        raise CheckoutError(CheckoutError.UNAVAILABLE)
    gift = Gift.objects.create(
        buyer=buyer,
        offer=offer,
        recipient_email=recipient_email,
        recipient_name=recipient_name,
        message=message,
        language=language,
        currency=offer.currency,
    )
    try:
        session = _stripe(
            payments.gift_checkout_start,
            price_id=offer.stripe_price_id,
            user_id=buyer.pk,
            email=buyer.email,
            gift_id=gift.pk,
            success_url=success_url,
            cancel_url=cancel_url,
            locale=language,
        )
    except CheckoutError:
        gift.delete()  # nothing was paid: no trace of a gift that never was
        raise
    gift.stripe_checkout_session_id = session["id"]
    gift.save(update_fields=["stripe_checkout_session_id"])
    return session["url"]


def portal_begin(*, user, return_url, locale):
    customer_id = customer_id_for(user=user)
    if not customer_id or not payments.payments_enabled():
        raise CheckoutError(CheckoutError.UNAVAILABLE)
    return _stripe(payments.portal_session_start, customer_id=customer_id, return_url=return_url, locale=locale)["url"]


# What each Stripe event does. `at` is when Stripe emitted it.


def _invoice_subscription(invoice):
    """The invoice's subscription ID and that subscription's metadata (ours: user, plan)."""
    details = ((invoice.get("parent") or {}).get("subscription_details")) or invoice.get("subscription_details") or {}
    return stripe_id(details.get("subscription") or invoice.get("subscription")), details.get("metadata") or {}


def _invoice_period(invoice):
    periods = [line["period"] for line in (invoice.get("lines") or {}).get("data", []) if line.get("period")]
    if not periods:
        return None, None
    return stripe_moment(min(p["start"] for p in periods)), stripe_moment(max(p["end"] for p in periods))


@transaction.atomic
def checkout_session_complete(*, session, at):
    """checkout.session.completed: a subscription starts now, or a gift is paid."""
    if session.get("mode") == "payment" and (session.get("metadata") or {}).get("gift_id"):
        return gift_paid(session=session, at=at)
    if session.get("mode") != "subscription" or session.get("payment_status") not in ("paid", "no_payment_required"):
        return False
    metadata = {"user_id": session.get("client_reference_id"), **(session.get("metadata") or {})}
    plan = Plan.objects.filter(slug=metadata.get("plan", "")).first()
    stripe_subscription_id = stripe_id(session.get("subscription"))
    if not stripe_subscription_id:
        return False
    # Until Stripe tells the exact period (invoice.paid, or the worker asking), the plan's
    # length stands in: the reader is a subscriber the moment Stripe confirms the payment.
    subscription = find_or_open(
        stripe_subscription_id=stripe_subscription_id,
        metadata=metadata,
        customer_id=stripe_id(session.get("customer")),
        starts_at=at,
        ends_at=at + timedelta(days=plan.days if plan else 30),
        at=None,
    )
    if subscription is None:
        return False
    subscription.stripe_checkout_session_id = session.get("id", "")
    subscription.stripe_customer_id = subscription.stripe_customer_id or stripe_id(session.get("customer"))
    subscription.plan = subscription.plan or plan
    subscription.save(update_fields=["stripe_checkout_session_id", "stripe_customer_id", "plan"])
    if subscription.stripe_synced_at is None:
        transaction.on_commit(lambda: tasks.subscription_sync.enqueue(stripe_subscription_id))
    return True


@transaction.atomic
def invoice_paid(*, invoice, at):
    """invoice.paid: a period is paid for, so access runs to its end (a renewal moves the
    end date) and any grace period is over. The payment is listed for the reader."""
    stripe_subscription_id, metadata = _invoice_subscription(invoice)
    if not stripe_subscription_id:
        return False  # an invoice for something else
    starts_at, ends_at = _invoice_period(invoice)
    subscription = find_or_open(
        stripe_subscription_id=stripe_subscription_id,
        metadata=metadata,
        customer_id=stripe_id(invoice.get("customer")),
        starts_at=starts_at or at,
        ends_at=ends_at,
        at=at,
    )
    if subscription is None:
        return False
    if ends_at and subscription.stripe_status not in ENDED_STATES:
        # Paid periods only ever extend access, except the stand-in length from Checkout,
        # which the exact period replaces.
        provisional = subscription.stripe_synced_at is None
        subscription.ends_at = ends_at if provisional else max(subscription.ends_at, ends_at)
        subscription.grace_until = None
        subscription.stripe_status = "active"
        subscription.stripe_synced_at = max(filter(None, [subscription.stripe_synced_at, at]))
        subscription.save(update_fields=["ends_at", "grace_until", "stripe_status", "stripe_synced_at"])
    paid_at = stripe_moment((invoice.get("status_transitions") or {}).get("paid_at")) or at
    Payment.objects.update_or_create(
        stripe_id=invoice["id"],
        defaults={
            "user": subscription.user,
            "subscription": subscription,
            "amount": _amount(invoice.get("amount_paid")),
            "currency": (invoice.get("currency") or "eur").upper(),
            "status": Payment.Status.PAID,
            "occurred_at": paid_at,
            "receipt_url": invoice.get("hosted_invoice_url") or "",
        },
    )
    return True


@transaction.atomic
def invoice_payment_failed(*, invoice, at):
    """invoice.payment_failed: a renewal was refused. Access stays open for the grace
    period while Stripe retries; the reader is told once, by e-mail and on the site."""
    stripe_subscription_id, _metadata = _invoice_subscription(invoice)
    if not stripe_subscription_id:
        return False
    rows = Subscription.objects.select_for_update()
    subscription = rows.filter(stripe_subscription_id=stripe_subscription_id).first()
    if subscription is None or subscription.stripe_status in ENDED_STATES:
        return False
    if Payment.objects.filter(stripe_id=invoice["id"], status=Payment.Status.PAID).exists():
        return False  # the retry that succeeded was already heard of
    Payment.objects.get_or_create(
        stripe_id=invoice["id"],
        defaults={
            "user": subscription.user,
            "subscription": subscription,
            "amount": _amount(invoice.get("amount_due")),
            "currency": (invoice.get("currency") or "eur").upper(),
            "status": Payment.Status.FAILED,
            "occurred_at": at,
        },
    )
    first_failure = subscription.grace_until is None
    if first_failure:
        grace = timedelta(days=settings.NEWSREADER_PAYMENT_GRACE_DAYS)
        subscription.grace_until = max(subscription.ends_at, at) + grace
    subscription.stripe_status = "past_due"
    subscription.save(update_fields=["grace_until", "stripe_status"])
    if first_failure:
        transaction.on_commit(lambda: tasks.payment_failed_notify.enqueue(subscription.pk))
    return True


# The reader's own decisions.


@transaction.atomic
def subscription_renewal_set(*, subscription, renew):
    """Cancel at the end of the paid period (or change one's mind). Shown at once; the
    worker tells Stripe, whose answer then stands."""
    subscription.cancel_at_period_end = not renew
    subscription.save(update_fields=["cancel_at_period_end"])
    transaction.on_commit(lambda: tasks.renewal_send.enqueue(subscription.pk, renew))
    return subscription


def card_subscription_stop(*, subscription):
    """The newsroom ended a card subscription: Stripe must stop charging for it too."""
    if subscription.stripe_subscription_id and subscription.stripe_status not in ENDED_STATES:
        subscription_id = subscription.stripe_subscription_id
        transaction.on_commit(lambda: tasks.stripe_subscription_end.enqueue(subscription_id))


def card_subscriptions_stop(*, user):
    """The account is closing: stop every card subscription at Stripe, so nobody is
    charged for an account that no longer exists."""
    for subscription_id in (
        Subscription.objects.filter(user=user).paid_by_card().active().values_list("stripe_subscription_id", flat=True)
    ):
        transaction.on_commit(lambda pk=subscription_id: tasks.stripe_subscription_end.enqueue(pk))


# Gifts.


def gift_paid(*, session, at):
    """The buyer paid: an access code for the gift's length, e-mailed to the recipient with
    a receipt to the buyer (by the worker)."""
    gift = Gift.objects.select_for_update().select_related("offer").filter(pk=session["metadata"]["gift_id"]).first()
    if gift is None or gift.stripe_checkout_session_id not in ("", session.get("id")):
        logger.warning("Checkout session %s names a gift we do not have.", session.get("id"))
        return False
    if gift.status == Gift.Status.PAID or session.get("payment_status") != "paid":
        return False
    (code,) = access_codes_generate(count=1, days=gift.offer.days, batch=f"cadeau-{gift.pk}")
    gift.status = Gift.Status.PAID
    gift.paid_at = at
    gift.amount = _amount(session.get("amount_total"))
    gift.currency = (session.get("currency") or gift.currency).upper()
    gift.access_code = code
    gift.stripe_checkout_session_id = session.get("id", "")
    gift.save(update_fields=["status", "paid_at", "amount", "currency", "access_code", "stripe_checkout_session_id"])
    if gift.buyer_id:
        Payment.objects.get_or_create(
            stripe_id=session["id"],
            defaults={
                "user_id": gift.buyer_id,
                "gift": gift,
                "amount": gift.amount,
                "currency": gift.currency,
                "occurred_at": at,
            },
        )
    transaction.on_commit(lambda: tasks.gift_deliver.enqueue(gift.pk))
    return True


def gifts_send_again(*, gifts):
    """The newsroom sends paid gifts' codes again (the recipient lost the e-mail)."""
    paid = list(gifts.filter(status=Gift.Status.PAID).values_list("pk", flat=True))
    Gift.objects.filter(pk__in=paid).update(sent_at=None)
    for pk in paid:
        transaction.on_commit(lambda pk=pk: tasks.gift_deliver.enqueue(pk))
    return len(paid)
