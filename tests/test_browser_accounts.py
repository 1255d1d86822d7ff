import time

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value, yield_hotp_counters_from_time
from django.core.cache import caches

from articles.models import Article

from .browser import ARTIFACTS
from .factories import ArticleFactory, SubscriptionFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "correct horse battery staple"
LAST_SENTENCE = "Dernière phrase réservée aux abonnés."


def gated():
    body = "\n\n".join([f"Paragraphe {n} de l'enquête." for n in range(1, 6)] + [LAST_SENTENCE])
    return ArticleFactory(title="Une enquête réservée", access=Article.Access.SUBSCRIBERS, body=body)


def sign_in(page, email):
    page.get_by_label("Courriel").fill(email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Connexion", exact=True).click()


def test_anonymous_reader_sees_the_offer_then_subscriber_reads_in_full(page):
    article = gated()
    subscriber = SubscriptionFactory().user

    page.goto(page.base_url + article.get_absolute_url())
    assert page.get_by_role("heading", name="Réservé aux abonnés").is_visible()
    assert page.get_by_role("link", name="S'abonner").first.is_visible()
    assert LAST_SENTENCE not in page.content()
    page.screenshot(path=ARTIFACTS / "paywall.png", full_page=True)

    page.locator(".paywall").get_by_role("link", name="Se connecter").click()
    sign_in(page, subscriber.email)
    page.wait_for_url(f"**{article.get_absolute_url()}")
    assert page.get_by_text(LAST_SENTENCE).is_visible()
    assert page.locator(".paywall").count() == 0


def current_code(secret):
    """The code an authenticator app shows now. allauth accepts the current 30-second window
    only (no tolerance): a code read in its last seconds may be refused by the time the form
    reaches the server, so wait for a fresh window then (the test flaked on this in CI)."""
    left = 30 - time.time() % 30
    if left < 8:
        time.sleep(left + 0.5)
    return format_hotp_value(hotp_value(secret, next(yield_hotp_counters_from_time())))


def test_set_up_totp_and_sign_in_with_a_code(page):
    user = UserFactory()
    page.goto(page.base_url + "/comptes/login/")
    sign_in(page, user.email)
    page.goto(page.base_url + "/comptes/2fa/totp/activate/")
    page.get_by_label("Mot de passe").fill(PASSWORD)  # allauth asks again before security changes
    page.get_by_role("button", name="Confirmer").click()
    secret = page.locator("#authenticator_secret").input_value()
    page.get_by_label("Code de l'authentificateur").fill(current_code(secret))
    page.get_by_role("button", name="Activer").click()
    page.goto(page.base_url + "/comptes/2fa/")
    assert "Application d'authentification" in page.content()

    page.goto(page.base_url + "/compte/")
    page.get_by_role("button", name="Se déconnecter").click()
    caches["default"].clear()  # each code is accepted once: forget the activation code
    page.goto(page.base_url + "/comptes/login/")
    sign_in(page, user.email)
    page.wait_for_url("**/comptes/2fa/authenticate/")
    page.get_by_label("Code").fill(current_code(secret))
    page.get_by_role("button", name="Connexion", exact=True).click()
    page.wait_for_url("**/compte/")
    assert page.get_by_role("heading", name="Mon compte", level=1).is_visible()


def add_virtual_authenticator(page):
    """Chromium's virtual authenticator stands in for a phone or a security key."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )
    return cdp  # kept by the test: the authenticator lives as long as its session


def add_passkey(page, user, name):
    page.goto(page.base_url + "/comptes/login/")
    sign_in(page, user.email)
    page.goto(page.base_url + "/comptes/2fa/webauthn/add/?passwordless")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Confirmer").click()
    page.screenshot(path=ARTIFACTS / "passkey-add.png", full_page=True)
    page.get_by_label("Nom de la clé").fill(name)
    page.get_by_label("Sans mot de passe").check()
    page.get_by_role("button", name="Ajouter", exact=True).click()
    page.wait_for_load_state("networkidle")


def test_add_a_passkey_then_sign_in_with_it(page):
    """Passkeys work with allauth on Django 6.1."""
    from allauth.mfa.models import Authenticator

    user = UserFactory()
    authenticator = add_virtual_authenticator(page)  # noqa: F841
    add_passkey(page, user, "Mon téléphone")
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.WEBAUTHN).exists()

    page.goto(page.base_url + "/compte/")
    page.get_by_role("button", name="Se déconnecter").click()
    page.goto(page.base_url + "/comptes/login/")
    page.get_by_role("button", name="Se connecter avec une clé d'accès").click()
    page.wait_for_url("**/compte/")
    assert page.get_by_role("heading", name="Mon compte", level=1).is_visible()


def test_the_passkey_list_opens_from_manage(page):
    """Once a key exists the two-factor page offers "Gérer": the list of keys, in French,
    which was a server error (allauth's template loads `humanize`)."""
    user = UserFactory()
    authenticator = add_virtual_authenticator(page)  # noqa: F841
    add_passkey(page, user, "Mon téléphone")
    page.goto(page.base_url + "/comptes/2fa/")
    page.get_by_role("link", name="Gérer").click()
    page.wait_for_url("**/comptes/2fa/webauthn/")
    page.screenshot(path=ARTIFACTS / "passkey-list.png", full_page=True)
    assert page.get_by_role("heading", name="Clés de sécurité", level=1).is_visible()
    row = page.get_by_role("row").filter(has_text="Mon téléphone")
    assert row.get_by_text("Clé d'accès").is_visible()
    assert row.get_by_role("link", name="Modifier").is_visible()
    assert "Jamais utilisée" in row.inner_text()
