"""The publisher's pages in every footer (legal notice, privacy, cookies, contact, about
us), seeded with placeholders the owner fills in, edited by the editors in the admin."""

import pytest
from pytest_django.asserts import assertContains, assertNotContains

from pages.models import InfoPage

from .factories import staff_member

pytestmark = pytest.mark.django_db

FOOTER_FR = ["Mentions légales", "Politique de confidentialité", "Cookies", "Contact", "Qui sommes-nous"]
FOOTER_EN = ["Legal notice", "Privacy policy", "Cookies", "Contact", "About us"]


def footer(html):
    return html.split('<footer class="site-footer">', 1)[1]


@pytest.mark.parametrize(("prefix", "titles"), [("", FOOTER_FR), ("/en", FOOTER_EN)])
def test_every_page_shows_the_publisher_pages_in_its_footer(client, prefix, titles):
    html = footer(client.get(f"{prefix}/").content.decode())
    for title in titles:
        assert f">{title}</a>" in html
    assert f'href="{prefix}/infos/mentions-legales/"' in html


def test_the_legal_notice_names_what_the_law_asks_and_marks_what_is_missing(client):
    response = client.get("/infos/mentions-legales/")
    assertContains(response, "<h1>Mentions légales</h1>", html=True)
    for heading in ("Éditeur", "Directeur ou directrice de la publication", "Hébergeur"):
        assertContains(response, f"<h2>{heading}</h2>", html=True)
    assertContains(response, "[À compléter par l’éditeur]")  # typographic apostrophe: Markdown's smarty
    english = client.get("/en/infos/mentions-legales/")
    assertContains(english, "<h1>Legal notice</h1>", html=True)
    assertContains(english, "To be completed by the publisher")


@pytest.mark.parametrize("slug", ["politique-de-confidentialite", "cookies", "contact", "qui-sommes-nous"])
def test_each_seeded_page_answers_in_both_languages(client, slug):
    page = InfoPage.objects.get(slug=slug)
    assert page.to_complete
    assertContains(client.get(f"/infos/{slug}/"), page.title)
    assertContains(client.get(f"/en/infos/{slug}/"), page.title_en)


def test_an_unknown_page_is_404(client):
    assert client.get("/infos/inconnue/").status_code == 404


def change_form(page, **changes):
    data = {
        "title": page.title,
        "slug": page.slug,
        "position": page.position,
        "body": page.body,
        "title_en": page.title_en,
        "body_en": page.body_en,
    }
    return data | changes


def test_an_editor_fills_in_the_legal_notice_and_it_shows_at_once(client):
    """The page and every footer are cached: saving retires them."""
    page = InfoPage.objects.get(slug="mentions-legales")
    client.get("/")
    client.get(page.get_absolute_url())
    client.force_login(staff_member("Editors"))
    response = client.post(
        f"/admin/pages/infopage/{page.pk}/change/",
        change_form(
            page,
            title="Mentions légales et crédits",
            body="## Éditeur\n\nNewsreader SAS <script>alert(1)</script>",
        ),
    )
    assert response.status_code == 302
    client.logout()
    shown = client.get(page.get_absolute_url())
    assertContains(shown, "Newsreader SAS")
    assertNotContains(shown, "<script>alert(1)")
    assertNotContains(shown, "À compléter")
    assert ">Mentions légales et crédits</a>" in footer(client.get("/").content.decode())


def test_another_page_is_one_more_row(client):
    client.force_login(staff_member("Editors"))
    response = client.post(
        "/admin/pages/infopage/add/",
        {
            "title": "Conditions générales de vente",
            "slug": "conditions-generales-de-vente",
            "position": 60,
            "body": "Les conditions.",
            "title_en": "",
            "body_en": "",
        },
    )
    assert response.status_code == 302
    html = footer(client.get("/").content.decode())
    assert '<a href="/infos/conditions-generales-de-vente/">Conditions générales de vente</a>' in html
    # Not yet written in English: the English site shows the French text, marked as French.
    english = client.get("/en/infos/conditions-generales-de-vente/")
    assertContains(english, '<article class="info-page narrow" lang="fr">')
    assertContains(english, "Les conditions.")


@pytest.mark.parametrize("group", ["Authors", "Moderators"])
def test_only_editors_edit_the_publisher_pages(client, group):
    page = InfoPage.objects.get(slug="contact")
    client.force_login(staff_member(group))
    response = client.post(f"/admin/pages/infopage/{page.pk}/change/", change_form(page, title="Piraté"))
    assert response.status_code == 403
    page.refresh_from_db()
    assert page.title == "Contact"


@pytest.mark.parametrize("extra_pages", [0, 10])
def test_a_publisher_page_costs_three_queries_whatever_the_footer_holds(
    client, django_assert_max_num_queries, extra_pages
):
    """Nothing cached: the page itself, the section menu and the footer's pages, each in one
    query (the footer's titles never load a page's text)."""
    for number in range(extra_pages):
        InfoPage.objects.create(slug=f"page-{number}", title=f"Page {number}", body="Texte.", position=100 + number)
    with django_assert_max_num_queries(3):
        assertContains(client.get("/en/infos/contact/"), ">Legal notice</a>")
