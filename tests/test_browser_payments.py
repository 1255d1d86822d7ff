"""A reader becomes a subscriber by card, in a real browser: the paywall, the plan, signing
in, the terms of sale, Stripe's Checkout (the loopback stand-in, which sends the browser
back as Stripe does), Stripe's signed webhook, then the article in full."""

import json
import urllib.request

import pytest

from articles.models import Article

from .browser import ARTIFACTS
from .factories import ArticleFactory, PlanFactory, UserFactory
from .stripe_standin import checkout_session_object, event, signature_header

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "correct horse battery staple"
LAST_SENTENCE = "Dernière phrase réservée aux abonnés."


def post_webhook(base_url, payload_event):
    payload = json.dumps(payload_event)
    request = urllib.request.Request(  # noqa: S310 (the live server, on loopback)
        f"{base_url}/abonnement/stripe/webhook/",
        data=payload.encode(),
        headers={"Content-Type": "application/json", "Stripe-Signature": signature_header(payload)},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
        return response.status


def test_from_the_paywall_to_the_full_article_by_card(page, stripe_standin, settings):
    settings.NEWSREADER_FREE_ARTICLES_PER_MONTH = 0
    PlanFactory(slug="mensuel", name="Mensuel", price="9.99", stripe_price_id="price_test_monthly")
    body = "\n\n".join([f"Paragraphe {n} de l'enquête." for n in range(1, 6)] + [LAST_SENTENCE])
    article = ArticleFactory(title="Une enquête réservée", access=Article.Access.SUBSCRIBERS, body=body)
    reader = UserFactory()

    page.goto(page.base_url + article.get_absolute_url())
    page.locator(".paywall").get_by_role("link", name="S'abonner").click()
    page.get_by_role("link", name="Choisir la formule Mensuel").click()
    assert page.get_by_text("9,99\xa0€").first.is_visible()
    page.get_by_role("link", name="Se connecter").first.click()
    page.get_by_label("Courriel").fill(reader.email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Connexion", exact=True).click()
    page.wait_for_url("**/abonnement/formule/mensuel/**")

    page.get_by_role("button", name="Payer 9,99\xa0€ par carte").click()
    assert page.get_by_text("Acceptez les conditions générales de vente pour continuer.").is_visible()
    page.get_by_label("J'ai lu et j'accepte les conditions générales de vente").check()
    page.screenshot(path=ARTIFACTS / "plan-checkout.png", full_page=True)
    page.get_by_role("button", name="Payer 9,99\xa0€ par carte").click()

    # Stripe's Checkout (the stand-in) was paid and sent the browser back to the site.
    page.wait_for_url("**/abonnement/merci/**")
    assert page.get_by_role("heading", name="Merci ! Nous attendons la confirmation de votre paiement").is_visible()
    (session_id,) = stripe_standin.sessions
    assert stripe_standin.sessions[session_id]["client_reference_id"] == str(reader.pk)

    session = checkout_session_object(
        id=session_id, user=reader, subscription="sub_test_B", metadata={"user_id": str(reader.pk), "plan": "mensuel"}
    )
    assert post_webhook(page.base_url, event("checkout.session.completed", session)) == 200

    # The waiting page looks again by itself and goes on to the article, now in full.
    page.wait_for_url(f"**{article.get_absolute_url()}")
    assert page.get_by_text("Merci ! Vous êtes abonné : bonne lecture.").is_visible()
    assert page.get_by_text(LAST_SENTENCE).is_visible()
    assert page.locator(".paywall").count() == 0
    page.screenshot(path=ARTIFACTS / "subscribed-by-card.png", full_page=True)
