"""Stripe's webhook: only signed, fresh events change anything; each changes it once,
whatever order they come in."""

import json
import time
from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from subscriptions.access import is_subscriber
from subscriptions.models import Payment, StripeEvent, Subscription

from .factories import PlanFactory, UserFactory
from .stripe_standin import (
    checkout_session_object,
    event,
    invoice_object,
    send_webhook,
    signature_header,
    subscription_object,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("stripe_webhooks")]

DAY = 24 * 3600


def now():
    return int(time.time())


def moment(timestamp):
    return datetime.fromtimestamp(timestamp, tz=UTC)


@pytest.fixture
def reader():
    return UserFactory()


@pytest.fixture
def plan():
    return PlanFactory(slug="mensuel", name="Mensuel", stripe_price_id="price_test_monthly")


def completed(reader, *, subscription="sub_test_A", created=None):
    session = checkout_session_object(
        user=reader, subscription=subscription, metadata={"user_id": str(reader.pk), "plan": "mensuel"}
    )
    return event("checkout.session.completed", session, created=created)


def paid(reader, *, start, end, subscription="sub_test_A", created=None, invoice_id=None):
    invoice = invoice_object(
        id=invoice_id,
        subscription=subscription,
        period_start=start,
        period_end=end,
        metadata={"user_id": str(reader.pk), "plan": "mensuel"},
    )
    return event("invoice.paid", invoice, created=created)


def failed(reader, *, start, end, subscription="sub_test_A", created=None):
    invoice = invoice_object(subscription=subscription, period_start=start, period_end=end)
    return event("invoice.payment_failed", invoice, created=created)


def updated(reader, *, start, end, created=None, kind="customer.subscription.updated", **changes):
    data = subscription_object(
        id="sub_test_A",
        period_start=start,
        period_end=end,
        metadata={"user_id": str(reader.pk), "plan": "mensuel"},
        **changes,
    )
    return event(kind, data, created=created)


def test_checkout_completed_makes_the_reader_a_subscriber_at_once(
    client, reader, plan, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = send_webhook(client, completed(reader))
    assert response.status_code == 200
    assert response.json() == {"received": True, "outcome": "handled"}
    assert is_subscriber(reader, at=timezone.now())
    subscription = Subscription.objects.get(user=reader)
    assert subscription.origin == Subscription.Origin.PAYMENT
    assert subscription.plan == plan
    assert subscription.stripe_subscription_id == "sub_test_A"
    assert subscription.stripe_customer_id == "cus_test_1"
    # The exact period is asked of Stripe by the worker, not in the webhook.
    assert DBTaskResult.objects.filter(task_path="subscriptions.tasks.subscription_sync").count() == 1


def test_invoice_paid_moves_the_end_date(client, reader, plan):
    start = now()
    send_webhook(client, completed(reader))
    send_webhook(client, paid(reader, start=start, end=start + 30 * DAY))
    send_webhook(client, paid(reader, start=start + 30 * DAY, end=start + 61 * DAY, created=start + 30 * DAY))
    subscription = Subscription.objects.get(user=reader)
    assert subscription.ends_at == moment(start + 61 * DAY)
    assert Subscription.objects.count() == 1
    payments = Payment.objects.filter(user=reader, status=Payment.Status.PAID)
    assert payments.count() == 2
    assert str(payments.first().amount) == "9.99"


def test_a_renewal_before_the_checkout_event_still_opens_the_right_subscription(
    client, reader, plan, django_capture_on_commit_callbacks
):
    """Out of order: invoice.paid (renewal) arrives before checkout.session.completed."""
    start = now()
    send_webhook(client, paid(reader, start=start, end=start + 30 * DAY))
    assert is_subscriber(reader, at=timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        send_webhook(client, completed(reader, created=start - 5))
    subscription = Subscription.objects.get(user=reader)
    assert subscription.ends_at == moment(start + 30 * DAY)  # the exact period stands
    assert subscription.plan == plan
    assert subscription.stripe_checkout_session_id.startswith("cs_test_")
    assert not DBTaskResult.objects.exists()  # nothing left to ask Stripe


@pytest.mark.django_db(transaction=True)
def test_payment_failed_keeps_access_through_the_grace_period_and_emails_once(client, reader, plan, settings):
    settings.NEWSREADER_PAYMENT_GRACE_DAYS = 7
    start = now() - 30 * DAY
    send_webhook(client, completed(reader, created=start))
    send_webhook(client, paid(reader, start=start, end=now() - 60, created=start))
    assert not is_subscriber(reader, at=timezone.now())  # the paid month is over
    send_webhook(client, failed(reader, start=now(), end=now() + 30 * DAY))
    send_webhook(client, failed(reader, start=now(), end=now() + 30 * DAY))  # Stripe's retry fails too
    DBTaskResult.objects.exclude(task_path="subscriptions.tasks.payment_failed_notify").delete()
    subscription = Subscription.objects.get(user=reader)
    assert subscription.in_grace
    assert is_subscriber(reader, at=timezone.now() + timedelta(days=6))
    assert not is_subscriber(reader, at=timezone.now() + timedelta(days=8))
    call_command("db_worker", batch=True, verbosity=0)
    assert len(mail.outbox) == 1
    assert "paiement a été refusé" in mail.outbox[0].subject
    client.force_login(reader)
    page = client.get("/compte/").content.decode()
    assert "Votre dernier paiement a été refusé." in page
    assert "Mettre à jour ma carte" in page


def test_a_successful_retry_ends_the_grace_period(client, reader, plan):
    today = now()
    start, renewal_end = today - 30 * DAY, today + 30 * DAY
    send_webhook(client, paid(reader, start=start, end=today - 60, created=start))
    send_webhook(client, failed(reader, start=today - 30, end=renewal_end, created=today - 30))
    send_webhook(client, paid(reader, start=today - 60, end=renewal_end, created=today))
    subscription = Subscription.objects.get(user=reader)
    assert subscription.grace_until is None
    assert subscription.ends_at == moment(renewal_end)
    assert Payment.objects.get(status=Payment.Status.FAILED).amount  # the refused attempt is listed too


def test_cancellation_at_period_end_keeps_access_to_the_end(client, reader, plan):
    start = now()
    send_webhook(client, paid(reader, start=start, end=start + 30 * DAY))
    send_webhook(
        client,
        updated(reader, start=start, end=start + 30 * DAY, cancel_at_period_end=True, created=start + 10),
    )
    subscription = Subscription.objects.get(user=reader)
    assert subscription.cancel_at_period_end
    assert not subscription.renews
    assert is_subscriber(reader, at=moment(start + 29 * DAY))
    assert not is_subscriber(reader, at=moment(start + 30 * DAY + 1))
    client.force_login(reader)
    assert "sans nouveau prélèvement" in client.get("/compte/").content.decode()


def test_subscription_deleted_ends_access_at_once(client, reader, plan):
    start = now() - DAY
    send_webhook(client, paid(reader, start=start, end=start + 30 * DAY, created=start))
    ended = now()
    send_webhook(
        client,
        updated(
            reader,
            kind="customer.subscription.deleted",
            start=start,
            end=start + 30 * DAY,
            status="canceled",
            ended_at=ended,
            canceled_at=ended,
        ),
    )
    assert not is_subscriber(reader, at=timezone.now() + timedelta(seconds=1))
    assert Subscription.objects.get(user=reader).stripe_status == "canceled"


def test_an_older_update_arriving_late_changes_nothing(client, reader, plan):
    start = now()
    send_webhook(client, paid(reader, start=start, end=start + 30 * DAY, created=start))
    send_webhook(
        client, updated(reader, start=start, end=start + 30 * DAY, cancel_at_period_end=True, created=start + 20)
    )
    stale = updated(reader, start=start, end=start + 30 * DAY, cancel_at_period_end=False, created=start + 10)
    assert send_webhook(client, stale).json()["outcome"] == "no effect"
    assert Subscription.objects.get(user=reader).cancel_at_period_end


def test_a_renewal_snapshot_before_payment_does_not_extend_access(client, reader, plan):
    """Stripe moves current_period_end when it bills, before the money arrives: only
    invoice.paid extends access."""
    today = now()
    send_webhook(client, paid(reader, start=today - 30 * DAY, end=today + 60, created=today - 30 * DAY))
    send_webhook(client, updated(reader, start=today + 60, end=today + 31 * DAY, created=today))
    assert Subscription.objects.get(user=reader).ends_at == moment(today + 60)


def test_replayed_event_changes_nothing(client, reader, plan):
    start = now()
    renewal = paid(reader, start=start, end=start + 30 * DAY)
    assert send_webhook(client, renewal).json()["outcome"] == "handled"
    Subscription.objects.update(ends_at=moment(start + 5 * DAY))  # what the site holds since
    assert send_webhook(client, renewal).json()["outcome"] == "replay"
    assert Subscription.objects.get().ends_at == moment(start + 5 * DAY)
    assert Payment.objects.count() == 1
    assert StripeEvent.objects.filter(id=renewal["id"]).count() == 1


def test_unknown_event_type_is_accepted_and_ignored(client, reader):
    response = send_webhook(client, event("customer.created", {"id": "cus_test_9", "object": "customer"}))
    assert response.status_code == 200
    assert response.json()["outcome"] == "ignored"
    assert not StripeEvent.objects.exists()


@pytest.mark.parametrize(
    "how",
    ["wrong secret", "stale", "no header", "garbage header", "tampered body"],
)
def test_unsigned_or_stale_webhooks_are_refused_and_change_nothing(client, reader, plan, how):
    payload_event = completed(reader)
    if how == "wrong secret":
        response = send_webhook(client, payload_event, secret="whsec_someone_else")
    elif how == "stale":
        response = send_webhook(client, payload_event, timestamp=time.time() - 301)
    elif how == "no header":
        response = client.post(
            "/abonnement/stripe/webhook/", json.dumps(payload_event), content_type="application/json"
        )
    elif how == "garbage header":
        response = send_webhook(client, payload_event, header="nonsense")
    else:
        header = signature_header(json.dumps(payload_event))
        payload_event["data"]["object"]["client_reference_id"] = str(UserFactory().pk)
        response = send_webhook(client, payload_event, header=header)
    assert response.status_code == 400
    assert not Subscription.objects.exists()
    assert not StripeEvent.objects.exists()


def test_a_signature_within_five_minutes_is_accepted(client, reader, plan):
    assert send_webhook(client, completed(reader), timestamp=time.time() - 290).status_code == 200


def test_without_a_webhook_secret_nothing_is_accepted(client, reader, plan, settings):
    settings.STRIPE_WEBHOOK_SECRET = ""
    assert send_webhook(client, completed(reader)).status_code == 400
    assert not Subscription.objects.exists()


def test_webhook_needs_no_csrf_token_and_sets_no_cookie(reader, plan):
    client = Client(enforce_csrf_checks=True)
    response = send_webhook(client, completed(reader))
    assert response.status_code == 200
    assert not response.cookies


def test_webhook_only_takes_post(client):
    assert client.get("/abonnement/stripe/webhook/").status_code == 405


def test_an_event_for_a_reader_we_do_not_know_is_accepted_without_effect(client, plan):
    ghost = UserFactory()
    payload_event = completed(ghost)
    ghost.delete()
    response = send_webhook(client, payload_event)
    assert response.status_code == 200
    assert response.json()["outcome"] == "no effect"
    assert not Subscription.objects.exists()
