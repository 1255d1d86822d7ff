"""From a fetched document to the items the importer writes: RSS 2.0, RSS 1.0 and Atom 1.0
through feedparser, JSON Feed 1.1 read here. Everything comes out sanitized (see
`sanitizing`), so nothing after this module handles the source's raw text.

A document is refused whole, with its reason in plain words, when it is not well-formed,
when its bytes are not in the encoding it declares, or when it is no feed at all (a web
page, another kind of XML): nothing is then imported from it.
"""

import calendar
import codecs
import io
import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from html import escape
from html.parser import HTMLParser
from urllib.parse import urljoin
from xml.sax import SAXParseException

import feedparser
from django.utils.translation import gettext as _

from .models import Feed
from .sanitizing import html_to_body, normalise_link, plain_text, text_to_body

TITLE_LENGTH = 200
STANDFIRST_LENGTH = 600
NAME_LENGTH = 120
TAG_LENGTH = 80
CAPTION_LENGTH = 300
MAX_TAGS = 8
MAX_AUTHORS = 5
FALSE_WORDS = {"", "0", "false", "no", "non", "faux", "free", "gratuit"}
_XML_DECLARATION = re.compile(rb"^\s*<\?xml[^>]*?encoding\s*=\s*[\"']([A-Za-z0-9._:-]+)[\"']")
_FEEDPARSER_FORMATS = {
    "rss20": Feed.Format.RSS,
    "rss091u": Feed.Format.RSS,
    "rss091n": Feed.Format.RSS,
    "rss092": Feed.Format.RSS,
    "rss093": Feed.Format.RSS,
    "rss094": Feed.Format.RSS,
    "rss090": Feed.Format.RDF,
    "rss10": Feed.Format.RDF,
    "atom10": Feed.Format.ATOM,
    "atom03": Feed.Format.ATOM,
}
_EMAIL_WITH_NAME = re.compile(r"^\s*\S+@\S+\s*\((?P<name>[^)]+)\)\s*$")
_EMAIL = re.compile(r"\S+@\S+\.\S+")


class ParseError(Exception):
    """A document the importer refuses, with the reason in plain words."""


@dataclass
class ItemImage:
    url: str
    reference: str = ""  # the address as the feed writes it (perhaps relative): its identity
    alt: str = ""
    caption: str = ""
    credit: str = ""


@dataclass
class Item:
    guid: str
    link: str
    title: str
    standfirst: str = ""
    body: str = ""
    authors: list = field(default_factory=list)
    categories: list = field(default_factory=list)
    published_at: datetime | None = None
    image: ItemImage | None = None
    for_subscribers: bool = False
    problem: str = ""


@dataclass
class ParsedFeed:
    format: str
    title: str
    items: list


@dataclass
class PaywallMarker:
    """How the source marks its subscriber-only items: a category, or a field of the item."""

    category: str = ""
    field: str = ""

    def marks(self, *, categories, lookup):
        if self.category and self.category.casefold() in {name.casefold() for name in categories}:
            return True
        if not self.field:
            return False
        name, _sep, expected = self.field.partition("=")
        value = lookup(name.strip())
        if isinstance(value, list | tuple):
            value = value[0] if value else ""
        if isinstance(value, dict):
            value = value.get("value") or value.get("content") or ""
        value = "" if value is None else str(value).strip()
        if expected.strip():
            return value.casefold() == expected.strip().casefold()
        return value.casefold() not in FALSE_WORDS


def parse(content, *, url, content_type="", marker=None):
    """The items of a fetched document. `url` (where it was found) resolves relative links."""
    marker = marker or PaywallMarker()
    if not content or not content.strip():
        raise ParseError(_("Le serveur a renvoyé un document vide."))
    start = content.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    if start in (b"{", b"["):
        return _parse_json_feed(content, url=url, marker=marker)
    text = decode(content, content_type=content_type)
    if _looks_like_html(text):
        discovered = discover_feed(text, base_url=url)
        message = _("Cette adresse renvoie une page web, pas un flux.")
        if discovered:
            message += " " + _("La page annonce le flux %(url)s.") % {"url": discovered}
        raise ParseError(message)
    if not text.lstrip().startswith("<"):
        raise ParseError(_("Ce document n'est ni RSS, ni Atom, ni JSON Feed."))
    return _parse_xml(text, url=url, marker=marker)


def decode(content, *, content_type=""):
    """The document's text in the encoding it declares: its byte-order mark, else the
    HTTP charset, else its XML declaration, else UTF-8. Bytes that are not in that
    encoding are refused rather than guessed at."""
    encoding = None
    for bom, name in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if content.startswith(bom):
            encoding = name
            break
    if not encoding:
        match = re.search(r"charset\s*=\s*[\"']?([A-Za-z0-9._:-]+)", content_type or "", re.IGNORECASE)
        if match:
            encoding = match[1]
    if not encoding:
        match = _XML_DECLARATION.match(content[:200])
        encoding = match[1].decode("ascii") if match else "utf-8"
    try:
        codec = codecs.lookup(encoding)
    except LookupError as error:
        raise ParseError(_("Encodage inconnu : %(encoding)s.") % {"encoding": encoding}) from error
    try:
        return content.decode(codec.name)
    except UnicodeDecodeError as error:
        raise ParseError(
            _("Encodage incorrect : le document se dit en %(encoding)s, mais l'octet %(position)s n'en est pas.")
            % {"encoding": encoding, "position": error.start}
        ) from error


def _looks_like_html(text):
    head = text.lstrip()[:512].lower()
    return head.startswith(("<!doctype html", "<html")) or ("<html" in head and "<rss" not in head)


class _AlternateLinks(HTMLParser):
    TYPES = {"application/rss+xml", "application/atom+xml", "application/feed+json", "application/json"}

    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if (
            tag == "link"
            and "alternate" in (attributes.get("rel") or "").lower().split()
            and (attributes.get("type") or "").lower() in self.TYPES
            and attributes.get("href")
        ):
            self.found.append(attributes["href"])


def discover_feed(html, *, base_url):
    """The first feed a web page announces (`<link rel="alternate" type="application/rss+xml">`)."""
    finder = _AlternateLinks()
    finder.feed(html[:200_000])
    for href in finder.found:
        link = normalise_link(href, base=base_url)
        if link:
            return link
    return ""


# RSS, RSS 1.0, Atom ------------------------------------------------------------------------


def _parse_xml(text, *, url, marker):
    # The text is handed over re-encoded as UTF-8, with a declaration that says so: the
    # encoding question is settled above. A BytesIO, never bytes or str: feedparser would
    # take a string that looks like an address or a file name for one and open it.
    body = _XML_DECLARATION.sub(b'<?xml version="1.0" encoding="utf-8"', text.encode("utf-8"), count=1)
    result = feedparser.parse(
        io.BytesIO(body),
        response_headers={"content-type": "application/xml; charset=utf-8", "content-location": url},
        # One sanitizer for the whole site (nh3, in `sanitizing`), which also makes links
        # absolute: feedparser's own would only get in its way.
        resolve_relative_uris=False,
        sanitize_html=False,
    )
    error = result.get("bozo_exception")
    if isinstance(error, SAXParseException):
        raise ParseError(
            _("XML mal formé, ligne %(line)s : %(reason)s.")
            % {"line": error.getLineNumber(), "reason": error.getMessage()}
        )
    kind = _FEEDPARSER_FORMATS.get(result.get("version") or "")
    if not kind:
        raise ParseError(_("Ce document n'est ni RSS, ni Atom, ni JSON Feed."))
    items = [_xml_item(entry, url=url, marker=marker) for entry in result.entries]
    return ParsedFeed(format=kind, title=plain_text(result.feed.get("title"), limit=200), items=items)


def _xml_item(entry, *, url, marker):
    link = normalise_link(entry.get("link") or "", base=url)
    categories = _names((tag.get("label") or tag.get("term") for tag in entry.get("tags") or []), TAG_LENGTH)
    contents = entry.get("content") or []
    html = next((c.get("value") for c in contents if "html" in (c.get("type") or "")), None)
    html = html or next((c.get("value") for c in contents), "")
    summary = entry.get("summary") or ""
    if not html and len(plain_text(summary)) > STANDFIRST_LENGTH:
        html = summary  # the full text carried in the description
    item = Item(
        guid=(entry.get("id") or "").strip()[:2000],
        link=link,
        title=plain_text(entry.get("title"), limit=TITLE_LENGTH),
        standfirst=plain_text(summary or html, limit=STANDFIRST_LENGTH),
        body=html_to_body(html, base_url=link or url) if html else "",
        authors=_authors(entry),
        categories=categories,
        published_at=_struct_time(entry.get("published_parsed") or entry.get("updated_parsed")),
        image=_xml_image(entry, url=url),
    )
    item.for_subscribers = marker.marks(categories=categories, lookup=lambda name: _entry_field(entry, name))
    return item


def _entry_field(entry, name):
    """An item's field as feedparser names it: `prefix:name` becomes `prefix_name`."""
    key = name.replace(":", "_").lower()
    value = entry.get(key)
    if value is None and ":" not in name:
        value = next((entry[k] for k in entry if k.endswith(f"_{key}")), None)
    return value


def _authors(entry):
    # RSS writes "address (Name)", which feedparser splits wrongly for some domains: the
    # raw text is read again here.
    written = _EMAIL_WITH_NAME.match(entry.get("author") or "")
    names = []
    for author in entry.get("authors") or []:
        names.append(written["name"] if written and author.get("email") else author.get("name") or "")
    if not names and entry.get("author"):
        names.append(entry["author"])
    cleaned = []
    for name in names:
        match = _EMAIL_WITH_NAME.match(name or "")
        name = match["name"] if match else name
        if _EMAIL.fullmatch((name or "").strip()):
            continue  # an address alone names no one, and is not ours to publish
        cleaned.append(name)
    return _names(cleaned, NAME_LENGTH)[:MAX_AUTHORS]


def _xml_image(entry, *, url):
    """The item's picture: the largest `media:content` image, else an image enclosure,
    else the largest `media:thumbnail`."""
    candidates = []
    for media in entry.get("media_content") or []:
        kind = (media.get("type") or "").lower()
        if media.get("medium") == "image" or kind.startswith("image/") or (not kind and not media.get("medium")):
            candidates.append((1, _int(media.get("width")), media.get("url")))
    for link in entry.get("links") or []:
        if link.get("rel") == "enclosure" and (link.get("type") or "").lower().startswith("image/"):
            candidates.append((2, 0, link.get("href")))
    for thumbnail in entry.get("media_thumbnail") or []:
        candidates.append((3, _int(thumbnail.get("width")), thumbnail.get("url")))
    candidates = [(rank, -width, address) for rank, width, address in candidates if address]
    if not candidates:
        return None
    reference = min(candidates)[2].strip()
    address = normalise_image_url(reference, base=url)
    if not address:
        return None
    credit = plain_text(entry.get("media_credit", [{}])[0].get("content") or entry.get("credit"), limit=80)
    return ItemImage(url=address, reference=reference, credit=credit)


def normalise_image_url(address, *, base):
    address = urljoin(base, (address or "").strip())
    return address if address.lower().startswith(("http://", "https://")) else ""


# JSON Feed 1.1 --------------------------------------------------------------------------------


def _parse_json_feed(content, *, url, marker):
    try:
        document = json.loads(content.decode("utf-8-sig"))
    except UnicodeDecodeError as error:
        raise ParseError(
            _("Encodage incorrect : un JSON Feed est en UTF-8, mais l'octet %(position)s n'en est pas.")
            % {"position": error.start}
        ) from error
    except json.JSONDecodeError as error:
        raise ParseError(
            _("JSON mal formé, ligne %(line)s : %(reason)s.") % {"line": error.lineno, "reason": error.msg}
        ) from error
    version = document.get("version") if isinstance(document, dict) else None
    if not isinstance(version, str) or not version.startswith("https://jsonfeed.org/version/1"):
        raise ParseError(_("Ce document JSON n'est pas un JSON Feed (version absente ou inconnue)."))
    items = document.get("items")
    if not isinstance(items, list):
        raise ParseError(_("Ce JSON Feed n'a pas de liste « items »."))
    feed_authors = _json_authors(document)
    parsed = []
    for entry in items:
        if not isinstance(entry, dict):
            parsed.append(Item(guid="", link="", title="", problem=_("Un item du JSON Feed n'est pas un objet.")))
            continue
        parsed.append(_json_item(entry, url=url, marker=marker, feed_authors=feed_authors))
    return ParsedFeed(format=Feed.Format.JSON, title=plain_text(_text(document.get("title")), limit=200), items=parsed)


def _json_item(entry, *, url, marker, feed_authors):
    link = normalise_link(_text(entry.get("url")) or _text(entry.get("external_url")), base=url)
    html, text = _text(entry.get("content_html")), _text(entry.get("content_text"))
    body = html_to_body(html, base_url=link or url) if html else text_to_body(text)
    summary = _text(entry.get("summary")) or html or escape(text)
    tags = entry.get("tags") if isinstance(entry.get("tags"), list) else []
    categories = _names((_text(tag) for tag in tags), TAG_LENGTH)
    item = Item(
        guid=_text(entry.get("id")).strip()[:2000],
        link=link,
        title=plain_text(_text(entry.get("title")), limit=TITLE_LENGTH),
        standfirst=plain_text(summary, limit=STANDFIRST_LENGTH),
        body=body,
        authors=_json_authors(entry) or feed_authors,
        categories=categories,
        published_at=_iso_date(entry.get("date_published")) or _iso_date(entry.get("date_modified")),
        image=_json_image(entry, url=url),
    )
    item.for_subscribers = marker.marks(categories=categories, lookup=lambda name: _json_field(entry, name))
    return item


def _json_field(entry, name):
    value = entry
    for part in name.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value


def _json_authors(entry):
    authors = entry.get("authors")
    if not isinstance(authors, list):
        authors = [entry["author"]] if isinstance(entry.get("author"), dict) else []
    return _names((_text(a.get("name")) for a in authors if isinstance(a, dict)), NAME_LENGTH)[:MAX_AUTHORS]


def _json_image(entry, *, url):
    address = _text(entry.get("image")) or _text(entry.get("banner_image"))
    if not address:
        attachments = entry.get("attachments") if isinstance(entry.get("attachments"), list) else []
        address = next(
            (
                _text(a.get("url"))
                for a in attachments
                if isinstance(a, dict) and _text(a.get("mime_type")).lower().startswith("image/")
            ),
            "",
        )
    resolved = normalise_image_url(address, base=url) if address else ""
    return ItemImage(url=resolved, reference=address.strip()) if resolved else None


# Small readers ------------------------------------------------------------------------------


def _text(value):
    """A JSON value meant as text; numbers are accepted (JSON Feed ids often are)."""
    if isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return ""


def _names(values, limit):
    """Plain, distinct names, in the source's order."""
    names, seen = [], set()
    for value in values:
        name = plain_text(value, limit=limit)
        if name and name.casefold() not in seen:
            seen.add(name.casefold())
            names.append(name)
    return names[: max(MAX_TAGS, MAX_AUTHORS)]


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def _struct_time(value):
    if not value:
        return None
    try:
        return datetime.fromtimestamp(calendar.timegm(value), tz=UTC)
    except (OverflowError, ValueError, TypeError):
        return None


def _iso_date(value):
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
