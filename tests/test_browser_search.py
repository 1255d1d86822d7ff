"""In a real browser: a reader remembers a story, types a word of it without its accent in
the header's search box, and lands on the article."""

import pytest

from .browser import ARTIFACTS
from .factories import ArticleFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_word_typed_without_its_accent_leads_to_the_article(page):
    article = ArticleFactory(
        title="Élections régionales : la participation remonte",
        standfirst="Aux régionales, les électeurs sont revenus aux urnes.",
        body="Dans toutes les régions, la participation progresse.",
    )
    ArticleFactory(title="Un autre sujet", slug="autre", body="Rien à voir.")

    page.goto(page.base_url + "/actualites/")
    box = page.get_by_role("searchbox", name="Rechercher un article")
    box.fill("regionales")
    box.press("Enter")
    page.wait_for_url("**/recherche/?q=regionales")

    assert page.get_by_role("status").first.inner_text() == "1 article pour « regionales »"
    assert page.locator(".search-result mark").first.inner_text() == "régionales"
    page.screenshot(path=ARTIFACTS / "search-results.png", full_page=True)
    page.get_by_role("link", name=article.title).click()
    page.wait_for_url(f"**{article.get_absolute_url()}")
    assert page.get_by_role("heading", level=1).inner_text() == article.title


def test_search_works_with_javascript_switched_off(page):
    ArticleFactory(title="Élections régionales")
    context = page.context.browser.new_context(java_script_enabled=False, locale="fr-FR")
    plain = context.new_page()
    plain.goto(page.base_url + "/")
    plain.get_by_role("searchbox", name="Rechercher un article").fill("election")
    plain.get_by_role("button", name="Rechercher").first.click()
    plain.wait_for_url("**/recherche/?q=election")
    assert plain.get_by_role("link", name="Élections régionales").is_visible()
    context.close()
