"""Reading feed documents: formats, encodings, what is refused, and how untrusted text and
markup become what the site stores."""

import json

import pytest

from aggregator.parsing import ParseError, PaywallMarker, decode, discover_feed, parse
from aggregator.sanitizing import html_to_body, normalise_link, plain_text, shorten, text_to_body
from articles.rendering import render_markdown

from .feed_server import fixture

URL = "https://journal.example/rss.xml"


def rss(items, *, declaration='<?xml version="1.0" encoding="utf-8"?>'):
    return (
        f'{declaration}<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>T</title>'
        f"{items}</channel></rss>"
    )


# Formats and refusals -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "kind"), [("rss.xml", "rss"), ("rdf.xml", "rdf"), ("atom.xml", "atom"), ("feed.json", "json")]
)
def test_each_format_is_recognised(name, kind):
    assert parse(fixture(name), url=URL).format == kind


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"", "document vide"),
        (b"   \n", "document vide"),
        (b"Bonjour", "ni RSS, ni Atom, ni JSON Feed"),
        (fixture("sitemap.xml"), "ni RSS, ni Atom, ni JSON Feed"),
        (fixture("bad.xml"), "XML mal formé, ligne 12"),
        (fixture("wrong-encoding.xml"), "l'octet 99 n'en est pas"),
        (b'{"title": "no version"}', "pas un JSON Feed"),
        (b'{"version": "https://jsonfeed.org/version/1.1", "items": {}}', "pas de liste"),
        (b'{"version": "https://jsonfeed.org/version/1.1", "items": [}', "JSON mal formé, ligne 1"),
        (b"[1, 2]", "pas un JSON Feed"),
        (
            b'{"version": "https://jsonfeed.org/version/1.1", "title": "caf\xe9", "items": []}',
            "un JSON Feed est en UTF-8",
        ),
        (rss("").encode().replace(b"utf-8", b"klingon-8"), "Encodage inconnu : klingon-8"),
    ],
)
def test_what_is_refused_and_why(content, words):
    with pytest.raises(ParseError) as caught:
        parse(content, url=URL)
    assert words in str(caught.value)


def test_a_web_page_names_the_feed_it_announces():
    with pytest.raises(ParseError) as caught:
        parse(fixture("page.html"), url="https://quotidien-du-centre.example/", content_type="text/html")
    assert str(caught.value) == (
        "Cette adresse renvoie une page web, pas un flux. "
        "La page annonce le flux https://quotidien-du-centre.example/rss/une.xml."
    )
    assert discover_feed("<p>nothing</p>", base_url=URL) == ""


def test_encoding_comes_from_the_bom_then_http_then_the_declaration():
    latin = rss(
        "<item><title>Été</title><guid>1</guid></item>", declaration='<?xml version="1.0" encoding="iso-8859-1"?>'
    )
    assert parse(latin.encode("latin-1"), url=URL).items[0].title == "Été"
    # The server's charset outranks the declaration.
    declared_utf8 = rss("<item><title>Été</title><guid>1</guid></item>").encode("latin-1")
    assert parse(declared_utf8, url=URL, content_type="text/xml; charset=ISO-8859-1").items[0].title == "Été"
    assert decode(b"\xef\xbb\xbf<rss/>") == "<rss/>"
    assert decode("<rss/>".encode("utf-16"), content_type="text/xml; charset=utf-8") == "<rss/>"


def test_an_empty_feed_is_a_feed():
    parsed = parse(rss("").encode(), url=URL)
    assert (parsed.format, parsed.items) == ("rss", [])


# Items ---------------------------------------------------------------------------------------


def test_authors_keep_their_names_never_their_addresses():
    items = (
        "<item><guid>1</guid><title>a</title><author>jean@journal.fr (Jean Dupont)</author></item>"
        "<item><guid>2</guid><title>b</title><author>jean@journal.fr</author></item>"
        "<item><guid>3</guid><title>c</title><dc:creator>Ana &lt;b&gt;Lopez&lt;/b&gt;</dc:creator></item>"
    )
    parsed = parse(rss(items).encode(), url=URL)
    assert [item.authors for item in parsed.items] == [["Jean Dupont"], [], ["Ana Lopez"]]


def test_a_title_missing_is_drawn_from_the_summary_by_the_importer_and_marks_are_read():
    marker = PaywallMarker(category="Premium")
    items = "<item><guid>1</guid><description>Un texte sans titre.</description><category>premium</category></item>"
    item = parse(rss(items).encode(), url=URL, marker=marker).items[0]
    assert item.title == "" and item.standfirst == "Un texte sans titre." and item.for_subscribers


@pytest.mark.parametrize(
    ("field", "value", "marked"),
    [
        ("premium", "true", True),
        ("premium", "0", False),
        ("premium", "Non", False),
        ("premium=abonnes", "abonnés", False),
        ("premium=abonnés", "Abonnés", True),
        ("absent", None, False),
    ],
)
def test_a_field_marks_subscriber_only_pieces(field, value, marked):
    document = {"version": "https://jsonfeed.org/version/1.1", "items": [{"id": "1", "title": "t"}]}
    if value is not None:
        document["items"][0]["premium"] = value
    item = parse(json.dumps(document).encode(), url=URL, marker=PaywallMarker(field=field)).items[0]
    assert item.for_subscribers is marked


def test_a_long_description_is_the_full_text_and_the_standfirst_is_cut():
    long_text = " ".join(["mot"] * 400)
    item = parse(
        rss(f"<item><guid>1</guid><title>t</title><description>{long_text}</description></item>").encode(), url=URL
    ).items[0]
    assert item.body.startswith("<p>mot mot") and len(item.standfirst) <= 600 and item.standfirst.endswith("…")


# Sanitizing --------------------------------------------------------------------------------------


def test_feed_markup_becomes_blocks_that_render_as_they_were():
    html = (
        "Loose text with <b>bold</b><br><br>and a second paragraph"
        "<div><p>In a div</p></div><h1>Big title</h1><h5>Small title</h5>"
        "<ul><li>one</li><li>two</li></ul><pre>code\n\nblock</pre><p>2 * 3 = 6, a_b_c</p>"
    )
    body = html_to_body(html, base_url="https://journal.example/a/")
    assert body.split("\n\n")[:3] == [
        "<p>Loose text with <b>bold</b></p>",
        "<p>and a second paragraph</p>",
        "<p>In a div</p>",
    ]
    assert "<h2>Big title</h2>" in body and "<h4>Small title</h4>" in body
    rendered = render_markdown(body)
    assert "<p>2 * 3 = 6, a_b_c</p>" in rendered  # no Markdown emphasis made of the source's prose
    assert "<pre>code\n\nblock</pre>" in rendered
    assert rendered.count("<p>") == body.count("<p>")


def test_links_become_absolute_and_lose_what_could_run():
    body = html_to_body(
        '<p><a href="/relative">r</a> <a href="javascript:alert(1)">j</a> <a href="data:text/html,x">d</a>'
        ' <a href="mailto:redaction@journal.example">m</a> <img src="x" onerror="alert(1)"></p>',
        base_url="https://journal.example/a/b",
    )
    assert '<a href="https://journal.example/relative" rel="nofollow noopener noreferrer">r</a>' in body
    assert "javascript" not in body and "data:" not in body and "<img" not in body and "onerror" not in body
    assert 'href="mailto:redaction@journal.example"' in body


def test_plain_text_fields_lose_every_tag_and_keep_their_words():
    assert plain_text("<b>AT&amp;T</b> &lt;i&gt; <script>alert(1)</script> a < b\n\nc") == "AT&T <i> a < b c"
    assert plain_text("x\x00y\x1b") == "xy"
    assert shorten("un deux trois quatre", 12) == "un deux…"
    assert text_to_body("Un <b>\n\nDeux") == "<p>Un &lt;b&gt;</p>\n\n<p>Deux</p>"


@pytest.mark.parametrize(
    ("link", "normalised"),
    [
        ("https://J.example/a?utm_source=x&id=3&xtor=RSS-1&fbclid=z#frag", "https://j.example/a?id=3"),
        ("http://j.example:80/a b", "http://j.example/a%20b"),
        ("https://j.example:8443", "https://j.example:8443/"),
        ("/relative?utm_medium=rss", "https://journal.example/relative"),
        ("javascript:alert(1)", ""),
        ("ftp://j.example/file", ""),
        ("https://j.example:99999/", ""),
        ("https://j.example/" + "x" * 1000, ""),
    ],
)
def test_links_are_normalised_for_dedupe(link, normalised):
    assert normalise_link(link, base=URL) == normalised
