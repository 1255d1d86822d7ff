"""Gift subscriptions: paid once by card, a code e-mailed to the recipient, a receipt to the
buyer, and the gift listed in the buyer's account until it is used."""

from decimal import Decimal

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from subscriptions.access import is_subscriber
from subscriptions.models import AccessCode, Gift, GiftOffer, Payment, Subscription
from subscriptions.services import access_code_redeem, access_codes_generate

from .factories import UserFactory
from .stripe_standin import checkout_session_object, event, send_webhook

pytestmark = pytest.mark.django_db


@pytest.fixture
def offers():
    return {
        months: GiftOffer.objects.create(months=months, price=price, stripe_price_id=f"price_gift_{months}")
        for months, price in [(1, Decimal("9.99")), (6, Decimal("54.99")), (12, Decimal("99"))]
    }


def paid_gift(*, buyer, months=6, email="ami@example.com"):
    offer, _ = GiftOffer.objects.get_or_create(months=months, defaults={"price": Decimal("54.99")})
    (code,) = access_codes_generate(count=1, days=offer.days)
    return Gift.objects.create(
        buyer=buyer,
        offer=offer,
        recipient_email=email,
        status=Gift.Status.PAID,
        paid_at=timezone.now(),
        amount=offer.price,
        access_code=code,
    )


def test_the_gift_page_lists_1_6_and_12_months_with_prices(client, stripe_standin, offers):
    client.force_login(UserFactory())
    page = client.get("/abonnement/offrir/").content.decode()
    for label, price in [("1 mois", "9,99\xa0€"), ("6 mois", "54,99\xa0€"), ("12 mois", "99\xa0€")]:
        assert label in page and price in page
    assert "conditions générales de vente" in page


def test_without_keys_gifts_are_not_sold(client, offers):
    client.force_login(UserFactory())
    assertContains(client.get("/abonnement/offrir/"), "Le paiement par carte n'est pas disponible")


def test_buying_a_gift_opens_checkout_in_payment_mode(client, stripe_standin, offers):
    buyer = UserFactory()
    client.force_login(buyer)
    response = client.post(
        "/abonnement/offrir/",
        {
            "offer": offers[6].pk,
            "recipient_email": "ami@example.com",
            "recipient_name": "Camille",
            "message": "Bon anniversaire !",
            "accept_terms": "on",
        },
    )
    assert response["Location"].startswith(f"{stripe_standin.url}/c/pay/")
    (call,) = stripe_standin.calls("POST", "/v1/checkout/sessions")
    assert call["params"]["mode"] == "payment"
    assert call["params"]["line_items[0][price]"] == "price_gift_6"
    gift = Gift.objects.get()
    assert call["params"]["metadata[gift_id]"] == str(gift.pk)
    assert gift.status == Gift.Status.PENDING and gift.stripe_checkout_session_id.startswith("cs_test_")


def test_gift_form_errors_keep_what_was_typed(client, stripe_standin, offers):
    client.force_login(UserFactory())
    response = client.post(
        "/abonnement/offrir/", {"offer": offers[1].pk, "recipient_email": "pas-une-adresse", "message": "Pour toi"}
    )
    assert response.status_code == 400
    assertContains(response, "Pour toi", status_code=400)
    assertContains(response, 'value="pas-une-adresse"', status_code=400)
    assert not Gift.objects.exists() and not stripe_standin.requests


def test_a_failed_checkout_leaves_no_gift(client, stripe_standin, offers):
    stripe_standin.fail_with = 500
    client.force_login(UserFactory())
    data = {"offer": offers[1].pk, "recipient_email": "ami@example.com", "accept_terms": "on"}
    assert client.post("/abonnement/offrir/", data).status_code == 503
    assert not Gift.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_paid_gift_emails_a_code_to_the_recipient_and_a_receipt_to_the_buyer(client, stripe_standin, offers):
    buyer = UserFactory(display_name="Dominique")
    client.force_login(buyer)
    client.post(
        "/abonnement/offrir/",
        {"offer": offers[6].pk, "recipient_email": "ami@example.com", "message": "Bonne lecture", "accept_terms": "on"},
    )
    gift = Gift.objects.get()
    session = checkout_session_object(
        id=gift.stripe_checkout_session_id,
        mode="payment",
        user=buyer,
        metadata={"gift_id": str(gift.pk), "user_id": str(buyer.pk)},
        amount_total=5499,
    )
    completed = event("checkout.session.completed", session)
    assert send_webhook(client, completed).status_code == 200
    assert send_webhook(client, completed).json()["outcome"] == "replay"
    assert mail.outbox == []  # the worker sends, not the webhook
    call_command("db_worker", batch=True, verbosity=0)

    gift.refresh_from_db()
    assert gift.status == Gift.Status.PAID and gift.sent_at is not None
    assert AccessCode.objects.count() == 1
    to_recipient, receipt = mail.outbox
    assert to_recipient.to == ["ami@example.com"]
    assert "6 mois d'abonnement" in to_recipient.subject
    assert "Dominique vous offre 6 mois" in to_recipient.body and "Bonne lecture" in to_recipient.body
    code = gift.access_code.code
    assert f"{code[:4]}-{code[4:8]}-{code[8:]}" in to_recipient.body
    assert receipt.to == [buyer.email] and "54,99\xa0€" in receipt.body
    assert Payment.objects.get(user=buyer).gift == gift

    assertContains(client.get("/abonnement/offrir/merci/", {"session_id": session["id"]}), "Merci pour ce cadeau")
    assertContains(client.get("/compte/"), "Mes cadeaux pas encore activés")

    recipient = UserFactory(email="ami@example.com")
    subscription = access_code_redeem(user=recipient, code=code)
    assert subscription.origin == Subscription.Origin.GIFT
    assert is_subscriber(recipient, at=timezone.now())
    assert (subscription.ends_at - subscription.starts_at).days == 180
    assertNotContains(client.get("/compte/"), "Mes cadeaux pas encore activés")


def test_an_unpaid_checkout_gives_no_code(client, stripe_webhooks, offers):
    buyer = UserFactory()
    gift = Gift.objects.create(buyer=buyer, offer=offers[1], recipient_email="a@example.com")
    session = checkout_session_object(
        mode="payment", user=buyer, metadata={"gift_id": str(gift.pk)}, payment_status="unpaid"
    )
    send_webhook(client, event("checkout.session.completed", session))
    gift.refresh_from_db()
    assert gift.status == Gift.Status.PENDING and gift.access_code is None


def test_editors_see_gifts_and_payments_read_only_and_can_send_a_code_again(client, django_capture_on_commit_callbacks):
    from django_tasks_db.models import DBTaskResult

    from .factories import staff_member

    gift = paid_gift(buyer=UserFactory())
    Gift.objects.filter(pk=gift.pk).update(sent_at=timezone.now())
    client.force_login(staff_member("Editors"))
    assertContains(client.get("/admin/subscriptions/gift/"), "ami@example.com")
    assert client.get("/admin/subscriptions/payment/").status_code == 200
    assert client.get("/admin/subscriptions/stripeevent/").status_code == 200
    assert client.get("/admin/subscriptions/gift/add/").status_code == 403
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/admin/subscriptions/gift/", {"action": "send_again", "_selected_action": [gift.pk]}, follow=True
        )
    assertContains(response, "1 code renvoyé.")
    gift.refresh_from_db()
    assert gift.sent_at is None
    assert DBTaskResult.objects.filter(task_path="subscriptions.tasks.gift_deliver").count() == 1
