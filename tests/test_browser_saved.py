""" "Ma liste" in a browser: saving in place with the page's script, saving without it
(an anonymous reader signs in and comes back with the piece saved), and the saved pieces
read offline through the service worker, then gone once the reader signs out."""

import re
import time

import pytest
from django.test import Client
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from articles.models import Article
from saved.models import SavedArticle

from .browser import ARTIFACTS
from .factories import ArticleFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "correct horse battery staple"
GATED_SECRET = "Ce que seuls les abonnés lisent."


def sign_in(page, user):
    client = Client()
    client.force_login(user)
    page.context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": page.base_url}])


def goto_with_state(page, path):
    """Open a page and wait for the saved state the page's script asks for."""
    with page.expect_response(re.compile(r"/compte/ma-liste/etat\.json")):
        page.goto(page.base_url + path)


def reader_caches(page):
    return page.evaluate("async () => (await caches.keys()).filter((name) => name.startsWith('ma-liste-'))")


def wait_for_offline_copy(page, path, seconds=15):
    script = """async (path) => {
        for (const name of await caches.keys()) {
            if (name.startsWith('ma-liste-') && await (await caches.open(name)).match(path)) return true;
        }
        return false;
    }"""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if page.evaluate(script, path):
            return
        time.sleep(0.2)
    raise AssertionError(f"{path} was never kept offline")


def test_saving_in_place_from_a_list_card(page):
    reader = UserFactory()
    article = ArticleFactory(title="Le tram arrive à Besançon")
    sign_in(page, reader)

    goto_with_state(page, article.section.get_absolute_url())
    card = page.locator("article.card", has_text=article.title)
    button = card.locator(".save-button")
    expect(button).to_have_attribute("aria-pressed", "false")
    button.click()

    expect(button).to_have_attribute("aria-pressed", "true")
    expect(button).to_contain_text("Sauvegardé · Retirer")
    expect(page.locator("body > p[role=status]")).to_have_text("« Le tram arrive à Besançon » est dans Ma liste.")
    assert page.url.endswith(article.section.get_absolute_url())  # no page load
    assert SavedArticle.objects.filter(user=reader, article=article).exists()

    goto_with_state(page, article.section.get_absolute_url())  # the shared card, marked from the state
    expect(page.locator("article.card", has_text=article.title).locator(".save-button")).to_have_attribute(
        "aria-pressed", "true"
    )
    page.locator("article.card", has_text=article.title).locator(".save-button").click()
    expect(page.locator("body > p[role=status]")).to_have_text("« Le tram arrive à Besançon » est retiré de Ma liste.")
    assert not SavedArticle.objects.exists()


def test_without_javascript_an_anonymous_reader_signs_in_and_finds_it_saved(page):
    reader = UserFactory()
    article = ArticleFactory(title="La crue de la Loire")
    context = page.context.browser.new_context(java_script_enabled=False, locale="fr-FR")
    plain = context.new_page()
    try:
        plain.goto(page.base_url + article.get_absolute_url())
        plain.locator("article.article .save-button").click()
        plain.wait_for_url("**/comptes/login/**")
        expect(plain.get_by_text("Connectez-vous ou créez un compte : l'article sera dans Ma liste.")).to_be_visible()
        plain.get_by_label("Courriel").fill(reader.email)
        plain.get_by_label("Mot de passe").fill(PASSWORD)
        plain.get_by_role("button", name="Connexion", exact=True).click()

        plain.wait_for_url(f"**{article.get_absolute_url()}")
        expect(plain.get_by_text("« La crue de la Loire » est dans Ma liste.")).to_be_visible()
        expect(plain.locator("article.article .save-button")).to_have_attribute("aria-pressed", "true")
        assert SavedArticle.objects.filter(user=reader, article=article).exists()

        plain.goto(page.base_url + "/compte/ma-liste/")
        expect(plain.get_by_role("heading", name="La crue de la Loire")).to_be_visible()
        plain.screenshot(path=ARTIFACTS / "ma-liste.png", full_page=True)
        plain.locator(".saved-entry .save-button").click()
        expect(plain.get_by_text("« La crue de la Loire » est retiré de Ma liste.")).to_be_visible()
        assert not SavedArticle.objects.exists()
    finally:
        context.close()


def test_saved_articles_read_offline_then_gone_after_sign_out(page, settings):
    settings.NEWSREADER_FREE_ARTICLES_PER_MONTH = 0  # the reader is not entitled to the gated piece
    reader = UserFactory()
    article = ArticleFactory(title="Les refuges rouvrent", body="Un récit de montagne.\n\nSuite du récit.")
    gated = ArticleFactory(
        title="Enquête sur les glaciers",
        access=Article.Access.SUBSCRIBERS,
        teaser_paragraphs=1,
        body=f"Le début, public.\n\n{GATED_SECRET}",
    )
    sign_in(page, reader)
    goto_with_state(page, article.get_absolute_url())
    page.locator("article.article .save-button").click()
    expect(page.locator("article.article .save-button")).to_have_attribute("aria-pressed", "true")
    goto_with_state(page, gated.get_absolute_url())
    page.locator("article.article .save-button").click()
    expect(page.locator("article.article .save-button")).to_have_attribute("aria-pressed", "true")
    wait_for_offline_copy(page, article.get_absolute_url())
    wait_for_offline_copy(page, gated.get_absolute_url())

    page.context.set_offline(True)
    page.goto(page.base_url + article.get_absolute_url())
    expect(page.get_by_role("heading", level=1)).to_have_text("Les refuges rouvrent")
    expect(page.get_by_text("Suite du récit.")).to_be_visible()
    # The gated piece is kept as this reader was served it: the teaser, never the rest.
    page.goto(page.base_url + gated.get_absolute_url())
    expect(page.get_by_role("heading", level=1)).to_have_text("Enquête sur les glaciers")
    assert GATED_SECRET not in page.content()
    # Any other page: the offline page, listing what the device kept.
    page.goto(page.base_url + "/actualites/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Vous êtes hors ligne")
    expect(page.get_by_role("link", name="Les refuges rouvrent")).to_be_visible()
    page.screenshot(path=ARTIFACTS / "offline.png", full_page=True)

    page.context.set_offline(False)
    page.goto(page.base_url + "/")
    with page.expect_navigation():
        page.get_by_role("button", name="Se déconnecter").click()
    assert reader_caches(page) == []

    page.context.set_offline(True)
    try:
        page.goto(page.base_url + article.get_absolute_url())
    except PlaywrightError:  # no worker left at all (Clear-Site-Data): the browser's own error
        return
    assert "Les refuges rouvrent" not in page.content()
