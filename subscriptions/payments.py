"""The only module that talks to Stripe.

Each function does one thing Stripe does for us and returns plain data (dicts and
strings), so the rest of the site never handles Stripe's types. Keys come from the
environment; `STRIPE_API_BASE` points the client elsewhere (the tests' loopback server).
"""

import json

import stripe
from django.conf import settings

# Stripe signs each webhook with a timestamp; older than this, it is refused as a replay.
WEBHOOK_TOLERANCE_SECONDS = 300
# A reader waits on Checkout and portal sessions: fail fast rather than hang the page.
TIMEOUT_SECONDS = 10


class PaymentError(Exception):
    """Stripe could not be reached, or refused what we asked."""


class InvalidEvent(Exception):
    """A webhook that is unsigned, wrongly signed, stale or not an event."""


def payments_enabled():
    """Card payment is offered only when the site holds a secret key."""
    return bool(settings.STRIPE_SECRET_KEY)


def test_mode():
    return settings.STRIPE_SECRET_KEY.startswith(("sk_test_", "rk_test_"))


def _client():
    base_addresses = {"api": settings.STRIPE_API_BASE} if settings.STRIPE_API_BASE else None
    return stripe.StripeClient(
        settings.STRIPE_SECRET_KEY,
        base_addresses=base_addresses,
        max_network_retries=1,
        http_client=stripe.RequestsClient(timeout=TIMEOUT_SECONDS),
    )


def _call(operation):
    if not payments_enabled():
        raise PaymentError("Card payment is not configured (STRIPE_SECRET_KEY).")
    try:
        return operation(_client().v1).to_dict()
    except stripe.StripeError as error:
        raise PaymentError(str(error.user_message or error)) from error


def subscription_checkout_start(*, price_id, user_id, email, customer_id, plan_slug, success_url, cancel_url, locale):
    """A Checkout Session for a recurring plan; returns Stripe's session (id, url).

    Our user travels as `client_reference_id` and, with the plan, in the subscription's
    metadata, so every later event about this subscription says whose it is.
    """
    reference = {"user_id": str(user_id), "plan": plan_slug}
    params = {
        "mode": "subscription",
        "line_items": [{"price": price_id, "quantity": 1}],
        "client_reference_id": str(user_id),
        "success_url": success_url,
        "cancel_url": cancel_url,
        "locale": locale,
        "metadata": reference,
        "subscription_data": {"metadata": reference},
    }
    if customer_id:
        params["customer"] = customer_id  # a returning subscriber keeps one Stripe customer
    else:
        params["customer_email"] = email
    return _call(lambda api: api.checkout.sessions.create(params))


def gift_checkout_start(*, price_id, user_id, email, gift_id, success_url, cancel_url, locale):
    """A Checkout Session paying once for a gift; returns Stripe's session (id, url)."""
    reference = {"user_id": str(user_id), "gift_id": str(gift_id)}
    params = {
        "mode": "payment",
        "line_items": [{"price": price_id, "quantity": 1}],
        "client_reference_id": str(user_id),
        "customer_email": email,
        "success_url": success_url,
        "cancel_url": cancel_url,
        "locale": locale,
        "metadata": reference,
        "payment_intent_data": {"metadata": reference},
    }
    return _call(lambda api: api.checkout.sessions.create(params))


def portal_session_start(*, customer_id, return_url, locale):
    """A session in Stripe's customer portal (card, invoices, cancellation); returns it (url)."""
    params = {"customer": customer_id, "return_url": return_url, "locale": locale}
    return _call(lambda api: api.billing_portal.sessions.create(params))


def subscription_fetch(*, subscription_id):
    return _call(lambda api: api.subscriptions.retrieve(subscription_id))


def subscription_set_cancel_at_period_end(*, subscription_id, cancel):
    """Stop (or resume) renewal; the paid period runs to its end. Returns the subscription."""
    return _call(lambda api: api.subscriptions.update(subscription_id, {"cancel_at_period_end": cancel}))


def subscription_cancel_now(*, subscription_id):
    """End a subscription at once (the account is being closed): no further charge."""
    return _call(lambda api: api.subscriptions.cancel(subscription_id))


def event_from_webhook(*, payload, signature):
    """The event Stripe sent, as plain data, once its signature and age are checked."""
    if not settings.STRIPE_WEBHOOK_SECRET:
        raise InvalidEvent("STRIPE_WEBHOOK_SECRET is not set: no webhook can be verified.")
    try:
        stripe.Webhook.construct_event(
            payload, signature, settings.STRIPE_WEBHOOK_SECRET, tolerance=WEBHOOK_TOLERANCE_SECONDS
        )
        event = json.loads(payload)
    except (stripe.SignatureVerificationError, ValueError) as error:
        raise InvalidEvent(str(error)) from error
    if not isinstance(event, dict) or event.get("object") != "event" or not event.get("id"):
        raise InvalidEvent("The payload is not a Stripe event.")
    return event
