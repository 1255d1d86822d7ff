"""Sitemaps and robots.txt, checked against the sitemap protocol and Google News' rules."""

import xml.etree.ElementTree as ET
from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from articles.models import Article
from pages import sitemaps

from .factories import ArticleFactory, AuthorFactory, SectionFactory, SourceFactory, TagFactory

pytestmark = pytest.mark.django_db

NS = {
    "s": "http://www.sitemaps.org/schemas/sitemap/0.9",
    "xhtml": "http://www.w3.org/1999/xhtml",
    "news": "http://www.google.com/schemas/sitemap-news/0.9",
}
MAX_URLS = 50_000


def parse(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"].startswith("application/xml")
    return ET.fromstring(response.content)  # noqa: S314 (our own output)


def locations(root, tag="s:url"):
    return [element.findtext("s:loc", namespaces=NS) for element in root.findall(tag, NS)]


@pytest.fixture
def catalogue():
    section, tag, author = SectionFactory(slug="politique"), TagFactory(slug="climat"), AuthorFactory(slug="claire")
    published = ArticleFactory(slug="publie", section=section, tags=[tag], authors=[author])
    ArticleFactory(slug="brouillon", status=Article.Status.DRAFT, section=section)
    ArticleFactory(slug="relu", status=Article.Status.REVIEW)
    ArticleFactory(slug="retire", status=Article.Status.UNPUBLISHED)
    ArticleFactory(slug="programme", published_at=timezone.now() + timedelta(hours=2))
    TagFactory(slug="sujet-vide")  # nothing published under it
    SourceFactory(slug="source-vide")
    return published


def test_robots_names_the_sitemap_index(client):
    response = client.get("/robots.txt")
    assert "Sitemap: http://testserver/sitemap.xml" in response.content.decode()
    assert "Disallow: /flux/prive/" in response.content.decode()


def test_index_lists_every_sitemap(client, catalogue):
    root = parse(client, "/sitemap.xml")
    assert root.tag == f"{{{NS['s']}}}sitemapindex"
    listed = locations(root, "s:sitemap")
    for name in ("articles", "rubriques", "sources", "sujets", "auteurs", "pages", "news"):
        assert f"http://testserver/sitemap-{name}.xml" in listed
    for address in listed:
        parse(client, address.removeprefix("http://testserver"))


def test_articles_sitemap_has_published_articles_only_in_both_languages(client, catalogue):
    root = parse(client, "/sitemap-articles.xml")
    urls = root.findall("s:url", NS)
    assert locations(root) == ["http://testserver/articles/publie/", "http://testserver/en/articles/publie/"]
    for url in urls:
        lastmod = url.findtext("s:lastmod", namespaces=NS)
        assert datetime.fromisoformat(lastmod).tzinfo is not None
        alternates = {link.get("hreflang"): link.get("href") for link in url.findall("xhtml:link", NS)}
        assert alternates == {
            "fr": "http://testserver/articles/publie/",
            "en": "http://testserver/en/articles/publie/",
            "x-default": "http://testserver/articles/publie/",
        }


def test_lists_sitemaps_name_only_lists_with_published_articles(client, catalogue):
    assert "http://testserver/sujets/climat/" in locations(parse(client, "/sitemap-sujets.xml"))
    assert "http://testserver/sujets/sujet-vide/" not in locations(parse(client, "/sitemap-sujets.xml"))
    assert "http://testserver/sources/source-vide/" not in locations(parse(client, "/sitemap-sources.xml"))
    assert "http://testserver/en/auteurs/claire/" in locations(parse(client, "/sitemap-auteurs.xml"))
    assert "http://testserver/rubriques/politique/" in locations(parse(client, "/sitemap-rubriques.xml"))
    assert "http://testserver/en/actualites/" in locations(parse(client, "/sitemap-pages.xml"))


def test_big_sitemaps_come_in_pages(client, monkeypatch):
    monkeypatch.setattr(sitemaps.ArticleSitemap, "limit", 4)  # two articles, in two languages, a page
    for number in range(5):
        ArticleFactory(slug=f"a{number}", published_at=timezone.now() - timedelta(hours=number))
    listed = locations(parse(client, "/sitemap.xml"), "s:sitemap")
    pages = [address for address in listed if "sitemap-articles" in address]
    assert pages == [
        "http://testserver/sitemap-articles.xml",
        "http://testserver/sitemap-articles.xml?p=2",
        "http://testserver/sitemap-articles.xml?p=3",
    ]
    seen = []
    for page in pages:
        seen += locations(parse(client, page.removeprefix("http://testserver")))
    assert seen == [f"http://testserver{prefix}/articles/a{n}/" for n in range(5) for prefix in ("", "/en")]
    for bad in ("?p=4", "?p=0", "?p=deux"):
        assert client.get(f"/sitemap-articles.xml{bad}").status_code == 404
    assert client.get("/sitemap-inconnu.xml").status_code == 404


def test_every_sitemap_stays_under_the_protocol_limit():
    for sitemap in sitemaps.SITEMAPS.values():
        assert sitemap.limit <= MAX_URLS


def test_news_sitemap_has_the_last_two_days_only(client, catalogue, monkeypatch):
    ArticleFactory(slug="ancien", published_at=timezone.now() - timedelta(days=3))
    root = parse(client, "/sitemap-news.xml")
    assert locations(root) == ["http://testserver/articles/publie/"]
    news = root.find("s:url/news:news", NS)
    assert news.findtext("news:publication/news:name", namespaces=NS) == "Newsreader"
    assert news.findtext("news:publication/news:language", namespaces=NS) == "fr"
    assert news.findtext("news:title", namespaces=NS) == catalogue.title
    published = datetime.fromisoformat(news.findtext("news:publication_date", namespaces=NS))
    assert abs(published - catalogue.published_at) < timedelta(seconds=1)


def test_news_sitemap_has_at_most_its_limit_newest_first(client, monkeypatch):
    monkeypatch.setattr(sitemaps, "NEWS_LIMIT", 3)
    for number in range(5):
        ArticleFactory(slug=f"n{number}", published_at=timezone.now() - timedelta(hours=number + 1))
    assert locations(parse(client, "/sitemap-news.xml")) == [f"http://testserver/articles/n{n}/" for n in range(3)]
    assert sitemaps.NEWS_LIMIT <= 1000


def test_news_sitemap_is_in_french_whatever_the_browser_says(client, catalogue):
    response = client.get("/sitemap-news.xml", HTTP_ACCEPT_LANGUAGE="en")
    root = ET.fromstring(response.content)  # noqa: S314 (our own output)
    assert locations(root) == ["http://testserver/articles/publie/"]


@pytest.mark.parametrize("count", [1, 20])
def test_sitemap_queries_are_constant(client, django_assert_max_num_queries, count):
    """The index counts each sitemap and reads the articles' latest change (7 queries); a
    sitemap page is its count and its slice (2); the News sitemap one query."""
    for _ in range(count):
        ArticleFactory(tags=[TagFactory()], authors=[AuthorFactory()])
    client.get("/")
    with django_assert_max_num_queries(7):
        client.get("/sitemap.xml")
    for name in ("articles", "sujets", "auteurs", "sources", "rubriques"):
        with django_assert_max_num_queries(2):
            client.get(f"/sitemap-{name}.xml")
    with django_assert_max_num_queries(1):
        client.get("/sitemap-news.xml")
