"""What a page tells search engines and social networks: canonical address, languages,
share card, structured data; and the share buttons under each article."""

import json
import re
from html.parser import HTMLParser

import pytest

from articles.models import Article

from .factories import ArticleFactory, AuthorFactory, SourceFactory, TagFactory

pytestmark = pytest.mark.django_db

HIDDEN = "Ce paragraphe est réservé aux abonnés et ne sort jamais."


class Head(HTMLParser):
    """The <meta>, <link> and JSON-LD of a page, and every <script> it loads."""

    def __init__(self):
        super().__init__()
        self.meta, self.links, self.json_ld, self.scripts = {}, [], [], []
        self._in_json = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta" and ("property" in attrs or "name" in attrs):
            self.meta.setdefault(attrs.get("property") or attrs["name"], attrs["content"])
        elif tag == "link":
            self.links.append(attrs)
        elif tag == "script":
            self.scripts.append(attrs)
            self._in_json = attrs.get("type") == "application/ld+json"

    def handle_data(self, data):
        if self._in_json:
            self.json_ld.append(json.loads(data))
            self._in_json = False


def head_of(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    parser = Head()
    parser.feed(response.content.decode())
    return parser, response.content.decode()


@pytest.fixture
def pages():
    tag, author, source = TagFactory(slug="climat"), AuthorFactory(slug="claire"), SourceFactory(slug="le-matin")
    gated = ArticleFactory(
        title="Une enquête",
        slug="enquete",
        access=Article.Access.SUBSCRIBERS,
        standfirst="Le chapô de l'enquête.",
        body=f"Premier.\n\nDeuxième.\n\n{HIDDEN}\n\nFin.",
        tags=[tag],
        authors=[author],
        source=source,
    )
    return {
        "/": None,
        "/actualites/": None,
        f"/rubriques/{gated.section.slug}/": None,
        "/sources/le-matin/": None,
        "/sujets/climat/": None,
        "/auteurs/claire/": None,
        "/articles/enquete/": gated,
        "/recherche/?q=enquete": None,
        "/flux/": None,
    }


def test_every_public_page_has_a_canonical_address_languages_and_a_share_card(client, pages):
    for url in pages:
        head, _html = head_of(client, url)
        canonical = [link["href"] for link in head.links if link.get("rel") == "canonical"]
        assert canonical == [f"http://testserver{url}"], url
        hreflang = {link["hreflang"]: link["href"] for link in head.links if "hreflang" in link}
        assert set(hreflang) == {"fr", "en", "x-default"}, url
        assert hreflang["en"] == f"http://testserver/en{url}"
        assert hreflang["x-default"] == hreflang["fr"] == f"http://testserver{url}"
        for name in ("og:type", "og:title", "og:description", "og:image", "og:url", "og:site_name", "og:locale"):
            assert head.meta.get(name), (url, name)
        assert int(head.meta["og:image:width"]) > 0 and int(head.meta["og:image:height"]) > 0
        assert head.meta["og:image"].startswith("http://testserver/")
        assert head.meta["og:url"] == f"http://testserver{url}"
        assert head.meta["og:site_name"] == "Newsreader"
        assert head.meta["og:locale"] == "fr_FR"
        assert head.meta["twitter:card"] == "summary_large_image"


def test_canonical_address_drops_tracking_and_the_first_page(client, pages):
    head, _html = head_of(client, "/actualites/?utm_source=lettre&page=1&fbclid=x")
    assert [link["href"] for link in head.links if link.get("rel") == "canonical"] == ["http://testserver/actualites/"]


def test_english_interface_says_so_and_keeps_the_article_in_french(client, pages):
    head, html = head_of(client, "/en/articles/enquete/")
    assert head.meta["og:locale"] == "en_GB"
    assert '<html lang="en">' in html
    assert '<h1 id="article-title" lang="fr">' in html
    assert '<p class="standfirst" lang="fr">' in html
    assert 'class="article__body article__body--teaser" lang="fr"' in html


def test_a_gated_piece_is_described_by_its_standfirst_only(client, pages):
    head, html = head_of(client, "/articles/enquete/")
    assert head.meta["og:type"] == "article"
    assert head.meta["og:description"] == "Le chapô de l'enquête."
    assert head.meta["twitter:description"] == "Le chapô de l'enquête."
    head_html = html.split("</head>", 1)[0]
    assert HIDDEN not in head_html
    assert "Premier." not in head_html


def test_article_structured_data(client, pages):
    head, _html = head_of(client, "/articles/enquete/")
    kinds = {data["@type"]: data for data in head.json_ld}
    article = kinds["NewsArticle"]
    assert article["isAccessibleForFree"] is False
    assert article["hasPart"]["cssSelector"] == ".paywalled-content"
    assert HIDDEN not in json.dumps(article, ensure_ascii=False)
    crumbs = kinds["BreadcrumbList"]["itemListElement"]
    assert [crumb["position"] for crumb in crumbs] == [1, 2, 3]
    assert crumbs[0]["item"] == "http://testserver/"
    assert crumbs[-1] == {
        "@type": "ListItem",
        "position": 3,
        "name": "Une enquête",
        "item": "http://testserver/articles/enquete/",
    }


def test_front_page_names_the_organization_and_its_search(client, pages):
    head, _html = head_of(client, "/")
    graph = {item["@type"]: item for item in head.json_ld[0]["@graph"]}
    assert graph["NewsMediaOrganization"]["name"] == "Newsreader"
    action = graph["WebSite"]["potentialAction"]
    assert action["@type"] == "SearchAction"
    assert action["target"]["urlTemplate"] == "http://testserver/recherche/?q={search_term_string}"
    assert action["query-input"] == "required name=search_term_string"


def test_share_buttons_are_plain_links_and_load_no_third_party_script(client, pages):
    head, html = head_of(client, "/articles/enquete/")
    share = html.split('<section class="share"', 1)[1].split("</section>", 1)[0]
    hrefs = re.findall(r'href="([^"]+)"', share)
    assert hrefs[0].startswith("mailto:?subject=Une%20enqu")
    for host in ("https://x.com/intent/post", "https://www.facebook.com/sharer", "https://www.linkedin.com/sharing"):
        assert any(
            href.startswith(host) and "http%3A%2F%2Ftestserver%2Farticles%2Fenquete%2F" in href for href in hrefs
        )
    assert any(href.startswith("https://wa.me/?text=") for href in hrefs)
    assert "Copier le lien" in share
    assert "http://testserver/articles/enquete/" in hrefs  # the copy link works as a link without script
    # Scripts: our own files, and structured data; nothing inline to run, nothing from elsewhere.
    for script in head.scripts:
        assert script.get("type") == "application/ld+json" or script["src"].startswith("/static/"), script
    assert {"src": "/static/js/share.js", "defer": None} in head.scripts


def test_share_script_exists_and_only_enhances(client):
    from pathlib import Path

    from django.contrib.staticfiles import finders

    source = Path(finders.find("js/share.js")).read_text(encoding="utf-8")
    assert "navigator.share" in source
    assert "navigator.clipboard" in source
