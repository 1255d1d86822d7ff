import html
import json
import re

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value, yield_hotp_counters_from_time
from django.core import mail
from django.core.cache import caches
from django.test import Client
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from accounts.models import User

from .factories import ArticleFactory, CommentFactory, SubscriptionFactory, UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery staple"


def sign_in(client, user, password=PASSWORD, prefix=""):
    return client.post(f"{prefix}/comptes/login/", {"login": user.email, "password": password})


def test_sign_up_sends_a_verification_email_in_french_text_and_html(client):
    response = client.post(
        "/comptes/signup/", {"email": "nouvelle@example.com", "password1": PASSWORD, "password2": PASSWORD}
    )
    assert response.status_code == 302
    assert User.objects.filter(email="nouvelle@example.com").exists()
    message = mail.outbox[-1]
    assert message.to == ["nouvelle@example.com"]
    assert "Confirmez" in message.subject or "Confirmer" in message.subject or "adresse" in message.subject
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert '<html lang="fr">' in html
    assert "Newsreader" in html


def sign_up_from(client, article, email="nouvelle@example.com"):
    """A reader on an article follows "Créer un compte" and signs up: the confirmation link
    they are sent (a path on the site's public address)."""
    page = client.get(article.get_absolute_url()).content.decode()
    signup = re.search(r'href="(/comptes/signup/\?next=[^"]+)"', page).group(1)
    response = client.post(signup.replace("&amp;", "&"), {"email": email, "password1": PASSWORD, "password2": PASSWORD})
    assert response.status_code == 302 and "_auth_user_id" not in client.session
    return re.search(r"https?://\S+/comptes/confirm-email/\S+", mail.outbox[-1].body).group(0)


def confirm(client, link):
    """Open the e-mailed link and press "Confirmer", as the page's form posts it."""
    path = link.removeprefix("http://testserver")
    page = client.get(path)
    assertContains(page, "Confirmer")
    hidden = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page.content.decode()))
    hidden.pop("csrfmiddlewaretoken", None)
    return client.post(path, {name: html.unescape(value) for name, value in hidden.items()})


def test_confirming_the_email_signs_in_and_returns_to_the_article(client, settings):
    settings.NEWSREADER_SITE_URL = "http://testserver"
    article = ArticleFactory(access="registered")
    response = confirm(client, sign_up_from(client, article))
    assertRedirects(response, article.get_absolute_url(), fetch_redirect_response=False)
    assert client.session["_auth_user_id"] == str(User.objects.get(email="nouvelle@example.com").pk)


def test_confirming_in_another_browser_asks_to_sign_in_then_returns_to_the_article(client, settings):
    """allauth signs in on confirmation only in the browser that signed up (a link that
    leaked must not open the account); elsewhere the reader signs in and is back."""
    settings.NEWSREADER_SITE_URL = "http://testserver"
    article = ArticleFactory(access="registered")
    link = sign_up_from(client, article)
    other = Client()
    response = confirm(other, link)
    assert "_auth_user_id" not in other.session
    login = response["Location"]
    assert login.startswith("/comptes/login/")
    assertContains(other.get(login), "Connexion")
    response = other.post(login, {"login": "nouvelle@example.com", "password": PASSWORD})
    assertRedirects(response, article.get_absolute_url(), fetch_redirect_response=False)


def test_account_emails_link_to_the_host_they_name(client, settings):
    """The e-mail named one host (the Site's) and linked to another (the request's): both
    are now the site's public address."""
    settings.NEWSREADER_SITE_URL = "https://news.example"
    client.post("/comptes/signup/", {"email": "nouvelle@example.com", "password1": PASSWORD, "password2": PASSWORD})
    client.post("/comptes/password/reset/", {"email": "inconnue@example.com"})
    for message in mail.outbox:
        hosts = set(re.findall(r"https?://([^/\s]+)", message.body))
        assert hosts == {"news.example"}, message.body
        assert "news.example" in message.body.replace("https://news.example", "")  # named, not only linked
        assert "testserver" not in message.body and "localhost" not in message.body


def test_sign_up_in_english_sends_english_email(client):
    client.post("/en/comptes/signup/", {"email": "new@example.com", "password1": PASSWORD, "password2": PASSWORD})
    message = mail.outbox[-1]
    assert "Please Confirm Your Email Address" in message.subject
    assert '<html lang="en">' in message.alternatives[0][0]


def test_unverified_email_cannot_sign_in_straight_away(client):
    user = UserFactory(verified=False)
    response = sign_in(client, user)
    assert "_auth_user_id" not in client.session
    assert response.status_code == 302 and "confirm-email" in response["Location"]


def test_sign_in_with_email_shows_state_in_header(client):
    user = UserFactory(display_name="Camille")
    response = sign_in(client, user)
    assertRedirects(response, "/compte/", fetch_redirect_response=False)
    home = client.get("/")
    assertContains(home, "Connecté : Camille")
    assertContains(home, "Se déconnecter")
    assertNotContains(home, "Créer un compte")


def test_login_returns_to_the_article(client):
    user = UserFactory()
    article = ArticleFactory()
    response = client.post(
        f"/comptes/login/?next={article.get_absolute_url()}", {"login": user.email, "password": PASSWORD}
    )
    assertRedirects(response, article.get_absolute_url(), fetch_redirect_response=False)


def test_login_by_emailed_code(client):
    user = UserFactory()
    client.post("/comptes/login/code/", {"email": user.email})
    code = re.search(r"^([A-Z0-9]{4}-[A-Z0-9]{4})$", mail.outbox[-1].body, re.MULTILINE).group(1)
    client.post("/comptes/login/code/confirm/", {"code": code})
    assert client.session["_auth_user_id"] == str(user.pk)


def test_password_reset_email_is_sent(client):
    user = UserFactory()
    client.post("/comptes/password/reset/", {"email": user.email})
    assert mail.outbox[-1].to == [user.email]
    assert "/comptes/password/reset/key/" in mail.outbox[-1].body


def reauthenticate(client):
    """allauth asks for the password again before security settings change."""
    response = client.post("/comptes/reauthenticate/", {"password": PASSWORD})
    assert response.status_code == 302


def current_totp(secret):
    return format_hotp_value(hotp_value(secret, next(yield_hotp_counters_from_time())))


def test_totp_setup_then_sign_in_with_a_code(client):
    user = UserFactory()
    sign_in(client, user)
    reauthenticate(client)
    page = client.get("/comptes/2fa/totp/activate/")
    secret = page.context["form"].secret
    response = client.post("/comptes/2fa/totp/activate/", {"code": current_totp(secret)})
    assert response.status_code == 302
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
    client.post("/comptes/logout/")
    caches["default"].clear()  # a code may be used once: forget the one used to activate

    response = sign_in(client, user)
    assert response["Location"].endswith("/comptes/2fa/authenticate/")
    assert "_auth_user_id" not in client.session
    client.post("/comptes/2fa/authenticate/", {"code": current_totp(secret)})
    assert client.session["_auth_user_id"] == str(user.pk)


def test_passkeys_are_offered_on_this_django(client):
    """WebAuthn works with allauth on Django 6.1: the page that adds a passkey hands the
    browser its creation options (a challenge for this site)."""
    user = UserFactory()
    sign_in(client, user)
    reauthenticate(client)
    response = client.get("/comptes/2fa/webauthn/add/")
    assert response.status_code == 200
    options = json.dumps(response.context["js_data"]["creation_options"])
    assert '"challenge"' in options
    assert '"rp"' in options
    client.logout()
    assertContains(client.get("/comptes/login/"), 'id="passkey_login"')


def test_admin_login_goes_through_allauth(client):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/comptes/login/")


def test_login_is_rate_limited(client, settings):
    settings.ACCOUNT_RATE_LIMITS = {"login_failed": "3/m/ip,3/5m/key"}
    user = UserFactory()
    pages = [sign_in(client, user, password="wrong").content.decode() for _ in range(5)]
    # allauth answers the form again, and once the limit is reached says so.
    assert not any("Trop de tentatives" in page for page in pages[:3])
    assert "Trop de tentatives" in pages[-1]


def test_allauth_pages_use_the_site_layout_in_both_languages(client):
    for url, words in [("/comptes/login/", "Se connecter"), ("/en/comptes/login/", "Sign In")]:
        response = client.get(url)
        assertContains(response, 'class="site-header"')
        assertContains(response, words)
        assertContains(response, 'class="section-nav"')


def test_account_page_shows_subscription_and_links(client):
    subscription = SubscriptionFactory(plan__name="Annuel")
    client.force_login(subscription.user)
    response = client.get("/compte/")
    assertContains(response, "Mon compte")
    assertContains(response, "Annuel")
    assertContains(response, "actif jusqu")
    assertContains(response, 'href="/compte/mes-donnees.json"')
    assertContains(response, 'href="/compte/supprimer/"')
    assert "no-cache" in response["Cache-Control"] or "no-store" in response["Cache-Control"]


def test_account_page_needs_a_login(client):
    response = client.get("/compte/")
    assert response.status_code == 302 and response["Location"].startswith("/comptes/login/")


def test_display_name_form_keeps_input_on_error(client):
    client.force_login(UserFactory())
    response = client.post("/compte/profil/", {"display_name": "x" * 200, "language": "fr"})
    assertContains(response, "x" * 200)
    client.post("/compte/profil/", {"display_name": "Camille D.", "language": "en", "comment_notifications": ""})
    assertContains(client.get("/compte/"), 'value="Camille D."')


def test_download_my_data(client):
    user = UserFactory(display_name="Camille")
    SubscriptionFactory(user=user)
    CommentFactory(author=user, body="Mon avis")
    client.force_login(user)
    response = client.get("/compte/mes-donnees.json")
    assert response["Content-Type"] == "application/json"
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["account"]["email"] == user.email
    assert data["subscriptions"][0]["origin"] == "staff"
    assert data["comments"][0]["text"] == "Mon avis"


def test_delete_my_account_keeps_comments_anonymously(client):
    user = UserFactory()
    comment = CommentFactory(author=user, body="Un avis qui reste")
    client.force_login(user)
    response = client.post("/compte/supprimer/", {"password": "wrong", "confirm": "on"})
    assert response.status_code == 400
    assert User.objects.filter(pk=user.pk).exists()
    response = client.post("/compte/supprimer/", {"password": PASSWORD, "confirm": "on"})
    assertRedirects(response, "/", fetch_redirect_response=False)
    assert not User.objects.filter(pk=user.pk).exists()
    assert not EmailAddress.objects.filter(email=user.email).exists()
    comment.refresh_from_db()
    assert comment.author is None
    assertContains(client.get(comment.article.get_absolute_url()), "Un avis qui reste")
