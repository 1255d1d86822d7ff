"""Subscribing to a letter from the box under an article, in a real browser, as a reader
without an account: the address is typed once, confirmed from the e-mail, and only then
stored."""

import re

import pytest
from django.core import mail
from django.core.management import call_command

from newsletters.models import Subscriber

from .browser import ARTIFACTS
from .factories import ArticleFactory, NewsletterFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_reader_subscribes_from_the_box_under_an_article(page):
    NewsletterFactory()
    article = ArticleFactory(title="Une enquête au long cours")
    page.goto(page.base_url + article.get_absolute_url())
    box = page.get_by_role("region", name="Recevez nos lettres")
    assert box.get_by_role("checkbox", name="La matinale").is_checked()
    box.get_by_label("Votre adresse e-mail").fill("camille@example.org")
    box.screenshot(path=ARTIFACTS / "newsletter-box.png")
    box.get_by_role("button", name="S'inscrire").click()

    # The letters' page, the address already typed: one more press, with a CSRF token.
    assert page.get_by_label("Votre adresse e-mail").input_value() == "camille@example.org"
    page.get_by_role("button", name="Je m'inscris").click()
    page.get_by_role("heading", name="Confirmez votre adresse").wait_for()
    assert not Subscriber.objects.exists()

    call_command("db_worker", batch=True, verbosity=0)
    (message,) = mail.outbox
    path = re.search(r"/lettres/confirmer/[^\s]+/", message.body).group(0)
    page.goto(page.base_url + path)
    page.get_by_role("button", name="Oui, je confirme").click()
    page.get_by_role("heading", name="Inscription confirmée").wait_for()
    assert Subscriber.objects.get(email="camille@example.org").is_active
