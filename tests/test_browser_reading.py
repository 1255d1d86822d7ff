import pytest

from articles.models import Article

from .browser import ARTIFACTS
from .factories import ArticleFactory, AuthorFactory, SectionFactory, TagFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_reader_goes_from_front_page_to_article_and_on(page):
    section = SectionFactory(name="Économie")
    tag = TagFactory(name="Emploi")
    article = ArticleFactory(
        title="Dans le Jura, l'horlogerie recrute",
        section=section,
        tags=[tag],
        kicker="DÉCRYPTAGE",
        source__name="Le Quotidien du Centre",
        authors=[AuthorFactory(name="Claire Dubosc")],
        body="\n\n".join(f"Paragraphe numéro {n} du texte." for n in range(1, 10)),
    )
    related = ArticleFactory(
        title="Les PME relocalisent", section=section, tags=[tag], access=Article.Access.SUBSCRIBERS
    )

    page.goto(page.base_url + "/")
    page.get_by_role("link", name=article.title).first.click()
    page.wait_for_url(f"**{article.get_absolute_url()}")

    assert page.get_by_role("heading", level=1).inner_text() == article.title
    assert page.locator(".kicker").first.inner_text() == "DÉCRYPTAGE"
    assert "Le Quotidien du Centre" in page.locator(".byline").inner_text()
    assert "il y a 2 heures" in page.locator(".byline time").first.inner_text()
    assert page.locator(".standfirst").is_visible()
    assert page.locator(".ad-slot").count() >= 1
    assert page.get_by_role("heading", name="Commentaires").is_visible()
    assert page.get_by_text("Aucun commentaire pour le moment...").is_visible()
    sidebar = page.locator(".related")
    assert sidebar.get_by_role("heading", name="Articles connexes").is_visible()
    assert sidebar.get_by_text("Réservé aux abonnés").is_visible()
    page.screenshot(path=ARTIFACTS / "article-page.png", full_page=True)

    sidebar.get_by_role("link", name=related.title).click()
    page.wait_for_url(f"**{related.get_absolute_url()}")
    assert page.get_by_role("heading", level=1).inner_text() == related.title


def test_language_switcher_and_keyboard_focus(page):
    article = ArticleFactory(title="Un titre")
    page.goto(page.base_url + article.get_absolute_url())
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Aller au contenu"
    page.get_by_role("link", name="English").click()
    page.wait_for_url("**/en/articles/**")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("heading", name="Related articles").is_visible()
