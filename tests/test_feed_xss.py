"""A feed full of XSS payloads (tests/fixtures/feeds/xss.xml) renders nothing executable on
any page that shows its pieces: the article, the lists, the related items, the search, the
admin."""

from html.parser import HTMLParser

import pytest

from aggregator import services
from aggregator.models import Feed
from articles.models import Article, Author, Tag

from .factories import ArticleFactory, SectionFactory, SourceFactory, staff_member

pytestmark = pytest.mark.django_db

DANGEROUS_ELEMENTS = {"iframe", "object", "embed", "base", "frame", "frameset", "applet"}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "xlink:href", "poster", "background", "cite"}


class ExecutableMarkup(HTMLParser):
    """Everything in a page a browser could run: scripts other than the site's own files
    and its JSON-LD, event handlers, script URLs, frames and foreign forms."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems = []
        self._script = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag in DANGEROUS_ELEMENTS:
            self.problems.append(f"<{tag}>")
        if tag == "script":
            if attributes.get("src", "").startswith("/static/"):
                self._script = None
            elif attributes.get("type") == "application/ld+json":
                self._script = "json"
            else:
                self.problems.append(f"inline script {attributes}")
                self._script = "other"
        if tag == "form" and "evil" in (attributes.get("action") or ""):
            self.problems.append(f"foreign form {attributes}")
        for name, value in attrs:
            value = (value or "").strip().lower().replace("\t", "").replace("\n", "")
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}>")
            if name == "style" and ("javascript" in value or "expression" in value or "url(" in value):
                self.problems.append(f"<{tag} style={value!r}>")
            if name in URL_ATTRIBUTES and value.startswith(("javascript:", "data:", "vbscript:")):
                self.problems.append(f"<{tag} {name}={value!r}>")

    def handle_endtag(self, tag):
        if tag == "script":
            self._script = None

    def handle_data(self, data):
        if self._script == "json" and "<" in data:
            self.problems.append("markup inside JSON-LD")


def executable(html):
    inspector = ExecutableMarkup()
    inspector.feed(html)
    inspector.close()
    return inspector.problems


@pytest.fixture
def hostile_pieces(feed_server):
    section = SectionFactory(name="Société")
    feed_server.serve_fixture("/xss.xml", "xss.xml")
    feed = services.feed_create(
        source=SourceFactory(name="Le Pirate"),
        url=feed_server.url("/xss.xml"),
        full_text=True,
        publish_directly=True,
        section=section,
    )
    result = services.feed_import(feed=feed, force=True)
    assert str(result.report) == "2 new, 0 updated, 0 skipped, 0 errors", result.error
    return list(Article.objects.order_by("pk"))


def test_the_payloads_are_stored_as_harmless_text(hostile_pieces):
    first, second = hostile_pieces
    assert first.title == "Une une XSSTITLE"  # the tags go, and a script's text with them
    assert first.original_url == ""  # a javascript: link is no link
    assert not first.hero_image and not second.hero_image  # javascript: and data: pictures
    assert "<script" not in first.body and "onmouseover" not in first.body and "javascript:" not in first.body
    assert executable(first.body_html) == []
    assert [a.name for a in first.authors.all()] == ["Mallory"]
    assert Tag.objects.filter(name="Piratage").exists()
    assert Feed.objects.get().title == "Le Pirate"


def test_no_page_showing_them_runs_anything(hostile_pieces, client):
    first, second = hostile_pieces
    # A piece of the newsroom's that shares their topic lists them among its related pieces.
    neighbour = ArticleFactory(title="Un article voisin", section=first.section, tags=list(first.tags.all()))
    pages = [
        first.get_absolute_url(),
        second.get_absolute_url(),
        neighbour.get_absolute_url(),
        "/",
        "/actualites/",
        first.section.get_absolute_url(),
        first.source.get_absolute_url(),
        Tag.objects.get(name="Piratage").get_absolute_url(),
        Author.objects.get(name="Mallory").get_absolute_url(),
        f"/en{first.get_absolute_url()}",
        "/recherche/?q=XSSTITLE",
        "/recherche/?q=XSSBODY+or+XSSTITLE2",
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert executable(html) == [], url
        assert "XSSTITLE" in html, url  # the pieces are really on the page


def test_the_article_page_shows_the_text_but_none_of_the_tricks(hostile_pieces, client):
    html = client.get(hostile_pieces[0].get_absolute_url()).content.decode()
    assert "XSSBODY" in html and "XSSLEDE" in html and "un vrai lien" in html
    assert '<a href="https://exemple.org/" rel="nofollow noopener noreferrer">un vrai lien</a>' in html
    assert "mot-de-passe" not in html and "Envoyer</button>" not in html


def test_the_newsrooms_desk_shows_them_as_text(hostile_pieces, client):
    client.force_login(staff_member("Editors"))
    for url in (
        "/admin/aggregator/feed/",
        "/admin/articles/article/",
        f"/admin/articles/article/{hostile_pieces[0].pk}/change/",
    ):
        html = client.get(url).content.decode()
        assert (
            "<script>alert(" not in html and "onerror=alert" not in html.replace("&#x27;", "'").split("<textarea")[0]
        ), url
