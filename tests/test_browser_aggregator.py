import importlib

import pytest
from playwright.sync_api import expect

from articles.models import Article

from .browser import ARTIFACTS
from .factories import SectionFactory, SourceFactory, staff_member
from .feed_server import run_worker

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def editors_group():
    """The Editors group as the data migrations make it: an earlier transactional test's
    flush removes it (the permissions themselves come back with the flush)."""
    from django.contrib.auth.models import Group, Permission

    accounts = importlib.import_module("accounts.migrations.0002_newsroom_groups")
    aggregator = importlib.import_module("aggregator.migrations.0002_editors_manage_feeds")
    group, _ = Group.objects.get_or_create(name="Editors")
    for app_label, codename in accounts.ROLES["Editors"]:
        group.permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    group.permissions.add(
        *Permission.objects.filter(content_type__app_label="aggregator", codename__in=aggregator.PERMISSIONS)
    )
    group.permissions.add(Permission.objects.get(codename="publish_article"))
    return group


PASSWORD = "correct horse battery staple"


def test_an_editor_adds_a_feed_imports_it_publishes_a_piece_and_a_reader_sees_it(page, feed_server, editors_group):
    source = SourceFactory(name="Le Quotidien du Centre")
    SectionFactory(name="Économie")
    editor = staff_member("Editors")
    feed_url = feed_server.serve_fixture("/une.xml", "rss.xml")
    feed_server.serve("/images/horlogerie.jpg", _picture(), content_type="image/jpeg")

    page.goto(page.base_url + "/comptes/login/?next=/admin/")
    page.get_by_label("Courriel").fill(editor.email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Connexion", exact=True).click()
    page.wait_for_url("**/admin/")

    # The feed, added once.
    page.get_by_role("link", name="Flux", exact=True).first.click()
    page.get_by_role("link", name="Ajouter flux").click()
    page.locator(".field-source .select2-selection").click()
    page.locator(".select2-search__field").fill("Quotidien")
    page.locator(".select2-results__option", has_text=source.name).click()
    page.get_by_label("Adresse du flux").fill(feed_url)
    page.get_by_label("Rubrique par défaut").select_option(label="Économie")
    page.get_by_label("Texte intégral autorisé").check()
    page.get_by_role("button", name="Enregistrer et continuer les modifications").click()
    expect(page.get_by_text("Flux actif")).to_be_visible()

    # "Importer maintenant": the background worker takes it from there.
    page.get_by_role("button", name="Importer maintenant").click()
    expect(page.get_by_text("le travailleur de fond s'en charge")).to_be_visible()
    run_worker()
    page.reload()
    expect(page.get_by_text("HTTP 200")).to_be_visible()
    expect(page.get_by_text("3 / 0 / 0 / 0")).to_be_visible()
    page.screenshot(path=ARTIFACTS / "aggregator-feed.png", full_page=True)

    # From the review desk to the site.
    page.get_by_role("link", name="Dépêches à relire de cette source").click()
    row = page.locator("tr", has_text="Dans le Jura")
    row.locator("input[type=checkbox]").check()
    page.locator("select[name=action]").select_option(label="Publier")
    page.get_by_role("button", name="Exécuter").click()
    expect(page.get_by_text("1 dépêche publiée.")).to_be_visible()
    page.screenshot(path=ARTIFACTS / "aggregator-desk.png", full_page=True)

    piece = Article.objects.get(title__startswith="Dans le Jura")
    reader = page.context.browser.new_context(locale="fr-FR").new_page()
    reader.goto(page.base_url + "/")
    reader.get_by_role("link", name=piece.title).first.click()
    reader.wait_for_url(f"**{piece.get_absolute_url()}")
    byline = reader.locator(".byline")
    assert "Source : Le Quotidien du Centre" in byline.inner_text()
    original = byline.get_by_role("link", name="Lire l'article sur Le Quotidien du Centre")
    assert original.get_attribute("href") == "https://quotidien-du-centre.example/economie/horlogerie-jura"
    assert "Studio Lumière / Le Quotidien du Centre" in reader.locator(".hero__credit").text_content()
    expect(reader.get_by_role("heading", name="« Un métier d'avenir »")).to_be_visible()
    reader.screenshot(path=ARTIFACTS / "aggregator-article.png", full_page=True)
    reader.context.close()


def _picture():
    from io import BytesIO

    from PIL import Image

    buffer = BytesIO()
    Image.new("RGB", (1200, 800), (40, 90, 150)).save(buffer, "JPEG")
    return buffer.getvalue()
