from datetime import timedelta

import pytest
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from articles.models import Article

from .factories import ArticleFactory, AuthorFactory, SectionFactory, SourceFactory, TagFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_front_page_has_lead_and_sections(client):
    politics = SectionFactory(name="Politique")
    culture = SectionFactory(name="Culture")
    lead = ArticleFactory(section=politics, title="La une du jour", published_at=timezone.now() - timedelta(minutes=5))
    ArticleFactory(section=culture, title="Un roman sur la Loire")
    ArticleFactory(section=culture, title="Brouillon caché", status=Article.Status.DRAFT)
    response = client.get("/")
    assert response.status_code == 200
    assertContains(response, "La une du jour")
    lead_card = response.content.decode().split("card--lead", 1)[1].split("</article>", 1)[0]
    assert lead.title in lead_card
    assertContains(response, "Un roman sur la Loire")
    assertContains(response, "Politique")
    assertContains(response, "Culture")
    assertNotContains(response, "Brouillon caché")


def test_front_page_without_articles(client):
    assertContains(client.get("/"), "Aucun article publié pour le moment.")


def test_section_nav_lists_sections(client):
    section = SectionFactory(name="Sciences")
    assertContains(client.get("/"), f'href="{section.get_absolute_url()}"')


@pytest.mark.parametrize("kind", ["section", "source", "tag", "author"])
def test_list_pages_show_only_their_published_articles(client, kind):
    section, source, tag, author = SectionFactory(), SourceFactory(), TagFactory(), AuthorFactory()
    ArticleFactory(title="Dans la liste", section=section, source=source, tags=[tag], authors=[author])
    ArticleFactory(title="Hors liste")
    ArticleFactory(
        title="Pas encore", section=section, source=source, tags=[tag], authors=[author], status=Article.Status.DRAFT
    )
    subject = {"section": section, "source": source, "tag": tag, "author": author}[kind]
    response = client.get(subject.get_absolute_url())
    assert response.status_code == 200
    assertContains(response, f"<h1>{subject.name}</h1>", html=True)
    assertContains(response, "Dans la liste")
    assertNotContains(response, "Hors liste")
    assertNotContains(response, "Pas encore")


def test_lists_are_paginated(client, settings):
    settings.NEWSREADER_PAGE_SIZE = 2
    section = SectionFactory()
    for _ in range(5):
        ArticleFactory(section=section)
    response = client.get(section.get_absolute_url(), {"page": 2})
    assertContains(response, "Page 2 sur 3")
    assertContains(response, 'rel="next"')
    assertContains(response, 'rel="prev"')


@pytest.mark.parametrize("page", ["0", "4", "abc", "-1", "1.5", "99999999999999999999"])
def test_bad_page_number_is_404(client, settings, page):
    settings.NEWSREADER_PAGE_SIZE = 2
    section = SectionFactory()
    for _ in range(5):
        ArticleFactory(section=section)
    response = client.get(section.get_absolute_url(), {"page": page})
    assert response.status_code == 404


def test_unknown_section_is_404(client):
    assert client.get("/rubriques/inconnue/").status_code == 404


def test_latest_news_page(client):
    ArticleFactory(title="Dernière minute")
    assertContains(client.get("/actualites/"), "Dernière minute")


def test_a_section_renamed_shows_at_once_on_its_list_page_to_a_signed_in_reader(client):
    """Its subject is kept with the list (`articles.selectors.list_subject`), and any change
    to a section retires it."""
    section = SectionFactory(name="Sciences", slug="sciences")
    ArticleFactory(section=section)
    client.force_login(UserFactory())
    assert "Sciences" in client.get(section.get_absolute_url()).content.decode()
    section.name = "Savoirs"
    section.save()
    html = client.get(section.get_absolute_url()).content.decode()
    assert "Savoirs" in html and "Sciences" not in html
