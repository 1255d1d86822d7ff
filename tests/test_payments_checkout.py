"""Becoming a subscriber by card: the offer, the plan page, Stripe Checkout, the way
back, "Mon compte", cancellation and the customer portal. Stripe is the loopback stand-in."""

import time
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from accounts.services import account_delete
from subscriptions.models import Payment, Subscription

from .factories import ArticleFactory, PlanFactory, SubscriptionFactory, UserFactory
from .stripe_standin import checkout_session_object, event, invoice_object, send_webhook

pytestmark = pytest.mark.django_db

DAY = 24 * 3600


@pytest.fixture
def plan():
    return PlanFactory(slug="mensuel", name="Mensuel", stripe_price_id="price_test_monthly")


def card_subscription(user, **fields):
    return SubscriptionFactory(
        user=user,
        origin=Subscription.Origin.PAYMENT,
        stripe_subscription_id="sub_test_A",
        stripe_customer_id="cus_test_1",
        stripe_status="active",
        stripe_synced_at=timezone.now(),
        **fields,
    )


def test_without_keys_the_offer_says_card_payment_is_not_available(client, plan):
    response = client.get("/abonnement/")
    assertContains(response, "Le paiement par carte n'est pas disponible pour le moment.")
    assertNotContains(response, "Choisir la formule")
    assertContains(response, "J'ai un code d'accès")
    page = client.get("/abonnement/formule/mensuel/")
    assertContains(page, "Le paiement par carte n'est pas disponible")
    assertNotContains(page, "Payer")


def test_prices_in_the_readers_language_vat_included(client, stripe_standin):
    PlanFactory(slug="mensuel", price="9.99", stripe_price_id="price_m")
    PlanFactory(slug="annuel", price="99.00", period="year", stripe_price_id="price_y")
    french = client.get("/abonnement/").content.decode()
    assert "9,99\xa0€" in french and "99\xa0€" in french and "TTC" in french
    assert "/ mois" in french and "/ an" in french
    english = client.get("/en/abonnement/").content.decode()
    assert "€9.99" in english and "€99" in english and "incl. VAT" in english


def test_a_visitor_is_asked_to_sign_in_and_comes_back_to_the_plan(client, stripe_standin, plan):
    response = client.get("/abonnement/formule/mensuel/?next=/articles/une-enquete/")
    assertContains(response, "connectez-vous ou créez votre compte")
    login = "/comptes/login/?next=/abonnement/formule/mensuel/%3Fnext%3D/articles/une-enquete/"
    assertContains(response, login)
    assert client.post("/abonnement/formule/mensuel/", {"accept_terms": "on"}).status_code == 302
    assert not stripe_standin.requests


def test_the_terms_of_sale_must_be_accepted_before_paying(client, stripe_standin, plan):
    client.force_login(UserFactory())
    page = client.get("/abonnement/formule/mensuel/")
    assertContains(page, 'href="/abonnement/conditions-generales-de-vente/"')
    response = client.post("/abonnement/formule/mensuel/", {"next": "/articles/x/"})
    assertContains(response, "Acceptez les conditions générales de vente", status_code=400)
    assertContains(response, 'value="/articles/x/"', status_code=400)
    assert not stripe_standin.requests
    assertContains(client.get("/abonnement/conditions-generales-de-vente/"), "TVA incluse")


def test_paying_opens_checkout_for_this_reader_and_comes_back_to_the_article(client, stripe_standin, plan):
    reader = UserFactory()
    article = ArticleFactory(slug="une-enquete")
    client.force_login(reader)
    response = client.post("/abonnement/formule/mensuel/", {"accept_terms": "on", "next": article.get_absolute_url()})
    assert response.status_code == 302
    assert response["Location"].startswith(f"{stripe_standin.url}/c/pay/cs_test_")
    (call,) = stripe_standin.calls("POST", "/v1/checkout/sessions")
    sent = call["params"]
    assert sent["mode"] == "subscription"
    assert sent["line_items[0][price]"] == "price_test_monthly"
    assert sent["client_reference_id"] == str(reader.pk)
    assert sent["customer_email"] == reader.email
    assert sent["subscription_data[metadata][user_id]"] == str(reader.pk)
    assert sent["locale"] == "fr"
    success = urlsplit(sent["success_url"])
    assert success.path == "/abonnement/merci/"
    assert parse_qs(success.query) == {"session_id": ["{CHECKOUT_SESSION_ID}"], "next": ["/articles/une-enquete/"]}
    assert parse_qs(urlsplit(sent["cancel_url"]).query) == {"next": ["/articles/une-enquete/"]}
    assert call["headers"]["Authorization"] == "Bearer sk_test_newsreader"


def test_a_returning_subscriber_pays_as_the_same_stripe_customer(client, stripe_standin, plan):
    reader = UserFactory()
    card_subscription(reader, ends_at=timezone.now() - timedelta(days=1), starts_at=timezone.now() - timedelta(days=31))
    client.force_login(reader)
    client.post("/abonnement/formule/mensuel/", {"accept_terms": "on"})
    (call,) = stripe_standin.calls("POST", "/v1/checkout/sessions")
    assert call["params"]["customer"] == "cus_test_1"
    assert "customer_email" not in call["params"]


def test_a_renewing_subscriber_is_not_charged_twice(client, stripe_standin, plan):
    reader = UserFactory()
    card_subscription(reader)
    client.force_login(reader)
    assertContains(client.get("/abonnement/formule/mensuel/"), "Vous êtes déjà abonné par carte")
    response = client.post("/abonnement/formule/mensuel/", {"accept_terms": "on"})
    assertContains(response, "Vous avez déjà un abonnement qui se renouvelle", status_code=409)
    assert not stripe_standin.requests


def test_stripe_down_is_a_clear_error_not_a_500(client, stripe_standin, plan):
    stripe_standin.fail_with = 500
    client.force_login(UserFactory())
    response = client.post("/abonnement/formule/mensuel/", {"accept_terms": "on"})
    assertContains(response, "Rien n&#x27;a été débité", status_code=503)


def test_back_from_checkout_before_the_webhook_the_page_waits(client, stripe_standin, plan):
    client.force_login(UserFactory())
    response = client.get("/abonnement/merci/?session_id=cs_test_x&next=/articles/une-enquete/")
    assertContains(response, "Nous attendons la confirmation de votre paiement")
    assertContains(response, '<meta http-equiv="refresh" content="3">')
    assertContains(response, 'href="/articles/une-enquete/"')


def test_back_from_checkout_after_the_webhook_goes_on_to_the_article(client, stripe_standin, plan):
    reader = UserFactory()
    session = checkout_session_object(
        user=reader, subscription="sub_test_A", metadata={"user_id": str(reader.pk), "plan": "mensuel"}
    )
    send_webhook(client, event("checkout.session.completed", session))
    client.force_login(reader)
    response = client.get(f"/abonnement/merci/?session_id={session['id']}&next=/articles/une-enquete/")
    assert response.status_code == 302
    assert response["Location"] == "/articles/une-enquete/"


def test_the_way_back_never_leaves_the_site(client, stripe_standin):
    client.force_login(UserFactory())
    response = client.get("/abonnement/paiement-abandonne/?next=https://evil.example/")
    assert response["Location"] == "/abonnement/"
    response = client.get("/abonnement/paiement-abandonne/?next=//evil.example/")
    assert response["Location"] == "/abonnement/"


def test_my_account_shows_plan_renewal_and_last_payments(client, stripe_standin, plan):
    reader = UserFactory()
    subscription = card_subscription(reader, plan=plan)
    Payment.objects.create(
        user=reader,
        subscription=subscription,
        amount="9.99",
        occurred_at=timezone.now(),
        receipt_url="https://invoice.stripe.com/i/x",
        stripe_id="in_test_1",
    )
    client.force_login(reader)
    page = client.get("/compte/").content.decode()
    assert "prochain renouvellement le" in page
    assert "Gérer mon abonnement" in page and "Résilier" in page
    assert "Derniers paiements" in page and "9,99\xa0€" in page
    assert 'href="https://invoice.stripe.com/i/x"' in page


def test_manage_opens_the_customer_portal(client, stripe_standin):
    reader = UserFactory()
    card_subscription(reader)
    client.force_login(reader)
    response = client.post("/abonnement/gerer/")
    assert response.status_code == 302
    assert response["Location"].startswith(f"{stripe_standin.url}/p/session/")
    (call,) = stripe_standin.calls("POST", "/v1/billing_portal/sessions")
    assert call["params"]["customer"] == "cus_test_1"
    assert call["params"]["return_url"] == "http://testserver/compte/"


@pytest.mark.django_db(transaction=True)
def test_cancelling_keeps_access_to_the_end_and_tells_stripe_from_the_worker(client, stripe_standin):
    reader = UserFactory()
    subscription = card_subscription(reader)
    now = int(time.time())
    stripe_standin.add_subscription(id="sub_test_A", period_start=now - DAY, period_end=now + 29 * DAY)
    client.force_login(reader)
    assertContains(client.get("/abonnement/resilier/"), "Confirmer la résiliation")
    response = client.post("/abonnement/resilier/", follow=True)
    assertContains(response, "ne sera pas renouvelé")
    assert not stripe_standin.requests  # not inside the reader's request
    subscription.refresh_from_db()
    assert subscription.cancel_at_period_end and subscription.is_active()
    call_command("db_worker", batch=True, verbosity=0)
    (call,) = stripe_standin.calls("POST", "/v1/subscriptions/sub_test_A")
    assert call["params"] == {"cancel_at_period_end": "true"}
    subscription.refresh_from_db()
    assert subscription.cancel_at_period_end
    assertContains(client.get("/compte/"), "Reprendre mon abonnement")


@pytest.mark.django_db(transaction=True)
def test_when_stripe_refuses_the_cancellation_the_reader_is_told(client, stripe_standin):
    reader = UserFactory()
    subscription = card_subscription(reader)
    client.force_login(reader)
    client.post("/abonnement/resilier/")
    stripe_standin.fail_with = 500
    call_command("db_worker", batch=True, verbosity=0)
    subscription.refresh_from_db()
    assert not subscription.cancel_at_period_end
    assert "n'a pas pu être enregistrée" in mail.outbox[-1].subject


@pytest.mark.django_db(transaction=True)
def test_the_worker_asks_stripe_for_the_exact_period_after_checkout(client, stripe_standin, plan):
    reader = UserFactory()
    now = int(time.time())
    stripe_standin.add_subscription(
        id="sub_test_A", period_start=now, period_end=now + 31 * DAY, metadata={"user_id": str(reader.pk)}
    )
    session = checkout_session_object(
        user=reader, subscription="sub_test_A", metadata={"user_id": str(reader.pk), "plan": "mensuel"}
    )
    send_webhook(client, event("checkout.session.completed", session))
    call_command("db_worker", batch=True, verbosity=0)
    assert stripe_standin.calls("GET", "/v1/subscriptions/sub_test_A")
    assert Subscription.objects.get(user=reader).ends_at.timestamp() == now + 31 * DAY


@pytest.mark.django_db(transaction=True)
def test_closing_the_account_stops_the_card_subscription_at_stripe(stripe_standin):
    reader = UserFactory()
    card_subscription(reader)
    now = int(time.time())
    stripe_standin.add_subscription(id="sub_test_A", period_start=now, period_end=now + 30 * DAY)
    account_delete(user=reader)
    call_command("db_worker", batch=True, verbosity=0)
    assert stripe_standin.calls("DELETE", "/v1/subscriptions/sub_test_A")


def test_a_renewal_invoice_is_listed_once_even_if_sent_twice(client, stripe_standin, plan):
    reader = UserFactory()
    now = int(time.time())
    invoice = invoice_object(
        subscription="sub_test_A", period_start=now, period_end=now + 30 * DAY, metadata={"user_id": str(reader.pk)}
    )
    send_webhook(client, event("invoice.paid", invoice))
    send_webhook(client, event("invoice.paid", invoice))  # a second event about the same invoice
    assert Payment.objects.filter(user=reader).count() == 1


@pytest.mark.parametrize("payments", [1, 10])
def test_my_account_queries_do_not_grow_with_payments_and_gifts(client, django_assert_max_num_queries, payments):
    """ "Mon compte" reads the card subscription, the last five payments (with their plan or
    gift) and the unredeemed gifts in one query each, whatever the history: with
    the session, user, subscription, meter, two-factor and "Ma liste" count queries, and
    the newsletters with whether I receive each (one query): 12."""
    from .test_gifts import paid_gift

    reader = UserFactory()
    subscription = card_subscription(reader, plan=PlanFactory())
    for n in range(payments):
        Payment.objects.create(
            user=reader, subscription=subscription, amount="9.99", occurred_at=timezone.now(), stripe_id=f"in_{n}"
        )
        paid_gift(buyer=reader)
    client.force_login(reader)
    with django_assert_max_num_queries(12):
        assert client.get("/compte/").status_code == 200


@pytest.mark.django_db(transaction=True)
def test_the_newsroom_ending_a_card_subscription_stops_charges_and_grace(client, stripe_standin):
    reader = UserFactory()
    subscription = card_subscription(
        reader,
        starts_at=timezone.now() - timedelta(days=31),
        ends_at=timezone.now() - timedelta(days=1),
        grace_until=timezone.now() + timedelta(days=6),
    )
    now = int(time.time())
    stripe_standin.add_subscription(id="sub_test_A", period_start=now - 31 * DAY, period_end=now - DAY)
    assert subscription.is_active()
    # A superuser: a transactional test's flush has removed the groups the migrations made.
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    client.post("/admin/subscriptions/subscription/", {"action": "end_now", "_selected_action": [subscription.pk]})
    subscription.refresh_from_db()
    assert not subscription.is_active()
    call_command("db_worker", batch=True, verbosity=0)
    assert stripe_standin.calls("DELETE", "/v1/subscriptions/sub_test_A")
