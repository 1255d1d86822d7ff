"""Stripe's events, each handled once: the event's ID is recorded in the same transaction
as what it changes, so a replay (Stripe retries, or anyone resending a captured event
within its five signed minutes) finds the ID and changes nothing."""

import logging
from datetime import UTC, datetime

from django.db import IntegrityError, transaction

from . import billing, card_state
from .models import StripeEvent

logger = logging.getLogger(__name__)

HANDLERS = {
    "checkout.session.completed": lambda obj, at: billing.checkout_session_complete(session=obj, at=at),
    "invoice.paid": lambda obj, at: billing.invoice_paid(invoice=obj, at=at),
    "invoice.payment_failed": lambda obj, at: billing.invoice_payment_failed(invoice=obj, at=at),
    "customer.subscription.updated": lambda obj, at: card_state.subscription_state_apply(data=obj, at=at),
    "customer.subscription.deleted": lambda obj, at: card_state.subscription_state_apply(data=obj, at=at),
}
# The events the site listens to: the README lists them for the Stripe dashboard.
EVENT_TYPES = list(HANDLERS)


class Outcome:
    HANDLED = "handled"
    NO_EFFECT = "no effect"
    REPLAY = "replay"
    IGNORED = "ignored"


def stripe_event_receive(*, event):
    """Apply one verified event; says what became of it. Types we do not handle are
    accepted and ignored (Stripe would otherwise retry them for days)."""
    handler = HANDLERS.get(event.get("type"))
    if handler is None:
        return Outcome.IGNORED
    at = datetime.fromtimestamp(int(event.get("created") or 0), tz=UTC)
    obj = (event.get("data") or {}).get("object") or {}
    try:
        with transaction.atomic():
            record = StripeEvent.objects.create(id=event["id"], type=event["type"], created=at)
            record.handled = bool(handler(obj, at))
            record.save(update_fields=["handled"])
    except IntegrityError:
        if StripeEvent.objects.filter(id=event["id"]).exists():
            return Outcome.REPLAY
        raise
    if not record.handled:
        logger.info("Stripe event %s (%s) changed nothing.", event["id"], event["type"])
    return Outcome.HANDLED if record.handled else Outcome.NO_EFFECT
