"""OPML 2.0, the file feed readers exchange their subscriptions in: all the feeds out, and
feeds in (those not yet known), grouped by source newspaper.

Our own settings for each feed travel in attributes of our namespace, so that an export
imported elsewhere (another instance of the site) keeps them; other readers ignore them,
and a file from another reader gets the defaults chosen on the import form.
"""

import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from email.utils import format_datetime

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from articles.models import Article, Section

from .models import Feed
from .sanitizing import plain_text
from .services import feed_add, source_for_name

NAMESPACE = "https://newsreader.example/ns/opml/1"
MAX_BYTES = 2 * 1024 * 1024
TRUE_WORDS = {"true", "1", "yes", "oui"}


class OpmlError(Exception):
    pass


@dataclass
class OpmlReport:
    added: list = field(default_factory=list)
    known: int = 0
    refused: list = field(default_factory=list)


def opml_export(*, feeds):
    """Every given feed, grouped by source, as an OPML document (bytes)."""
    ET.register_namespace("newsreader", NAMESPACE)
    root = ET.Element("opml", version="2.0")
    head = ET.SubElement(root, "head")
    ET.SubElement(head, "title").text = _("Newsreader : les flux des sources")
    ET.SubElement(head, "dateCreated").text = format_datetime(timezone.now())
    body = ET.SubElement(root, "body")
    groups = {}
    for feed in feeds.select_related("source", "section").order_by("source__name", "url"):
        group = groups.get(feed.source_id)
        if group is None:
            group = groups[feed.source_id] = ET.SubElement(
                body, "outline", text=feed.source.name, title=feed.source.name
            )
            if feed.source.website:
                group.set("htmlUrl", feed.source.website)
        name = feed.title or feed.url
        ET.SubElement(
            group,
            "outline",
            {
                "type": "rss",
                "text": name,
                "title": name,
                "xmlUrl": feed.url,
                _ns("section"): feed.section.slug if feed.section else "",
                _ns("access"): feed.access,
                _ns("paywallCategory"): feed.paywall_category,
                _ns("paywallField"): feed.paywall_field,
                _ns("fullText"): _flag(feed.full_text),
                _ns("publishDirectly"): _flag(feed.publish_directly),
                _ns("interval"): str(feed.interval),
                _ns("active"): _flag(feed.is_active),
            },
        )
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


@transaction.atomic
def opml_import(*, data, section=None, publish_directly=False):
    """Add the feeds of an OPML file that are not known yet; each asks for its first import."""
    outlines = _feed_outlines(_parse(data))
    report = OpmlReport()
    known = set(Feed.objects.values_list("url", flat=True))
    sections = {s.slug: s for s in Section.objects.all()}
    validate = URLValidator(schemes=["http", "https"])
    for outline, group in outlines:
        url = (outline.get("xmlUrl") or "").strip()
        name = plain_text(outline.get("title") or outline.get("text"), limit=200) or url
        try:
            validate(url)
            if len(url) > 1000:
                raise ValidationError("too long")
        except ValidationError:
            report.refused.append(_("%(name)s : adresse invalide (%(url)s)") % {"name": name, "url": url[:200]})
            continue
        if url in known:
            report.known += 1
            continue
        known.add(url)
        source = _source_for(outline, group)
        options = _options(outline, sections=sections, section=section, publish_directly=publish_directly)
        try:
            feed_add(feed=Feed(source=source, url=url, **options))
        except ValidationError as error:
            report.refused.append(f"{name} : {' '.join(error.messages)}")
            continue
        report.added.append(name)
    return report


def _parse(data):
    if len(data) > MAX_BYTES:
        raise OpmlError(_("Fichier trop lourd : 2 Mo au plus."))
    # No document type declaration: nothing in an OPML file needs one, and it is the door
    # to entity tricks.
    if b"<!DOCTYPE" in data[:4096].upper() or b"<!ENTITY" in data.upper():
        raise OpmlError(_("Fichier refusé : les déclarations DOCTYPE et ENTITY ne sont pas admises."))
    try:
        root = ET.fromstring(data)  # noqa: S314  (no DTD reaches here, see above)
    except ET.ParseError as error:
        raise OpmlError(_("Ce fichier n'est pas un OPML lisible : %(reason)s.") % {"reason": error}) from error
    if root.tag != "opml" or root.find("body") is None:
        raise OpmlError(_("Ce fichier XML n'est pas un OPML (pas d'élément « opml » avec un « body »)."))
    return root


def _feed_outlines(root):
    """(outline, the group outline it sits in or None) for every outline with an xmlUrl."""
    found = []
    # Depth first, in document order, with a stack of our own: a crafted file can nest
    # deeper than Python recurses.
    pending = [(iter(root.find("body").findall("outline")), None)]
    while pending:
        outlines, group = pending[-1]
        outline = next(outlines, None)
        if outline is None:
            pending.pop()
        elif outline.get("xmlUrl"):
            found.append((outline, group))
        else:
            pending.append((iter(outline.findall("outline")), outline))
    return found


def _source_for(outline, group):
    name = plain_text((group if group is not None else outline).get("title") or "", limit=120)
    name = name or plain_text((group if group is not None else outline).get("text") or "", limit=120)
    website = (group if group is not None else outline).get("htmlUrl") or outline.get("htmlUrl") or ""
    if not name:
        name = plain_text(outline.get("xmlUrl"), limit=120)
    valid_site = website.startswith(("http://", "https://")) and len(website) <= 200
    return source_for_name(name=name, website=website if valid_site else "")


def _options(outline, *, sections, section, publish_directly):
    def ours(name, default=""):
        return outline.get(_ns(name), default)

    access = ours("access")
    interval = ours("interval")
    return {
        "section": sections.get(ours("section")) or section,
        "access": access if access in Article.Access.values else Article.Access.PUBLIC,
        "paywall_category": plain_text(ours("paywallCategory"), limit=80),
        "paywall_field": plain_text(ours("paywallField"), limit=120),
        "full_text": ours("fullText").lower() in TRUE_WORDS,
        "publish_directly": ours("publishDirectly").lower() in TRUE_WORDS
        if ours("publishDirectly")
        else publish_directly,
        "interval": min(max(int(interval), 5), 1440) if interval.isdecimal() else 30,
        "is_active": ours("active", "true").lower() in TRUE_WORDS,
    }


def _ns(name):
    return f"{{{NAMESPACE}}}{name}"


def _flag(value):
    return "true" if value else "false"
