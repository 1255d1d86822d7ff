"""Writing a feed's items as articles: dedupe, mapping, images, in one transaction.

Identity. An item is the same piece as one met before when it has the same GUID within
its source (all the source's feeds share it), or, if it has no GUID, the same normalised
link. A piece met again updates its article (a new version in its history), never makes a
copy; one the newsroom deleted is not brought back. A piece carried by two feeds of its
source belongs to the first that brought it: the other skips it, so two feeds with
different settings never undo each other's work.

Changes. Each field the feed supplies is remembered as a fingerprint. An item whose
fingerprints all match costs no write at all; a changed one updates only the fields the
source changed, so an editor's correction to another field stands. The slug, the section,
the publication time and the workflow state stay the newsroom's.

Order of work. Everything that can be decided without writing is decided first, images
are downloaded (outside any transaction, within a time budget), then every write happens
in one transaction: a failure leaves nothing half-imported.
"""

import logging
import time
from dataclasses import dataclass, field
from io import BytesIO

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils.text import slugify
from django.utils.translation import gettext as _
from PIL import Image

from articles import workflow
from articles.images import FORMATS, MIN_WIDTH
from articles.models import Article, Author, Source, Tag
from infrastructure import scopes
from infrastructure.scopes import content_changed

from .fetching import IMAGE_ACCEPT, FetchError, fetch
from .models import ImportedItem
from .sanitizing import fingerprint, identity_key, shorten

logger = logging.getLogger(__name__)

IMAGE_MAX_PIXELS = 40_000_000
IMAGE_EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
MAX_PROBLEMS = 20
FIELDS = ("title", "standfirst", "body", "link", "access", "authors", "tags", "image")


@dataclass
class ImportReport:
    new: int = 0
    updated: int = 0
    skipped: int = 0
    errors: int = 0
    problems: list = field(default_factory=list)

    def note(self, problem):
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(problem)

    def __str__(self):
        return f"{self.new} new, {self.updated} updated, {self.skipped} skipped, {self.errors} errors"


@dataclass
class Candidate:
    item: object
    guid_key: str
    link_key: str
    values: dict
    record: ImportedItem | None = None
    changed: tuple = ()


def import_items(*, feed, items, fetched_at, publish=None, section=None, progress=None):
    """Write `items` (from `parsing`) as the articles of `feed`'s source; returns a report."""
    report = ImportReport()
    publish = feed.publish_directly if publish is None else publish
    section = feed.section if section is None else section
    candidates = _candidates(feed=feed, items=items, report=report)
    skipped_in_document = report.skipped
    new, changed = _plan(feed=feed, candidates=candidates, report=report)
    if not new and not changed:
        return report
    images = _download_images(new + changed, report=report, progress=progress)
    written = []
    try:
        with transaction.atomic():
            # One writer per source at a time (its feeds share their items), and the plan made
            # again under that lock, in case another feed of the source wrote meanwhile.
            Source.objects.select_for_update().filter(pk=feed.source_id).first()
            report.skipped = skipped_in_document
            new, changed = _plan(feed=feed, candidates=candidates, report=report)
            _write(
                feed=feed,
                new=new,
                changed=changed,
                images=images,
                publish=publish,
                section=section,
                fetched_at=fetched_at,
                report=report,
                written=written,
                progress=progress,
            )
    except Exception:
        _discard_files(written)
        raise
    return report


# Deciding -----------------------------------------------------------------------------


def _candidates(*, feed, items, report):
    candidates, seen = [], set()
    for item in items:
        if not item.title and item.standfirst:
            item.title = shorten(item.standfirst, 100)
        problem = item.problem
        if not problem and not item.title:
            problem = _("Un item sans titre ni texte a été ignoré.")
        elif not problem and not (item.guid or item.link):
            problem = _("« %(title)s » n'a ni identifiant ni lien : ignoré.") % {"title": item.title}
        if problem:
            report.errors += 1
            report.note(problem)
            continue
        guid_key, link_key = identity_key("guid", item.guid), identity_key("link", item.link)
        if (guid_key or link_key) in seen:
            report.skipped += 1  # the same item twice in one document
            continue
        seen.add(guid_key or link_key)
        candidates.append(Candidate(item=item, guid_key=guid_key, link_key=link_key, values=_values(feed, item)))
    return candidates


def _values(feed, item):
    """What the feed supplies for each field, its settings applied (licence, access, marker)."""
    marker = feed.paywall_category.casefold()
    access = Article.Access.SUBSCRIBERS if item.for_subscribers else feed.access
    return {
        "title": item.title,
        "standfirst": item.standfirst,
        "body": item.body if feed.full_text else "",
        "link": item.link,
        "access": access,
        "authors": item.authors,
        "tags": [name for name in item.categories if not marker or name.casefold() != marker],
        # As the feed writes it: the same picture under a relative address, read from a
        # mirror of the feed, is not downloaded again.
        "image": (item.image.reference or item.image.url) if item.image else "",
    }


def _plan(*, feed, candidates, report):
    """Sort candidates into new and changed ones; the rest are counted as skipped."""
    guid_keys = {c.guid_key for c in candidates if c.guid_key}
    link_keys = {c.link_key for c in candidates if c.link_key}
    by_guid, by_link = {}, {}
    if candidates:
        records = ImportedItem.objects.filter(source_id=feed.source_id).filter(
            Q(guid_key__in=guid_keys) | Q(link_key__in=link_keys)
        )
        for record in records:
            if record.guid_key:
                by_guid[record.guid_key] = record
            by_link.setdefault(record.link_key, record)
    new, changed = [], []
    for candidate in candidates:
        record = by_guid.get(candidate.guid_key) if candidate.guid_key else None
        if record is None and candidate.link_key:
            record = by_link.get(candidate.link_key)
            if record is not None and candidate.guid_key and record.guid_key:
                record = None  # two GUIDs: two pieces, even at one address (a live page)
        candidate.record = record
        if record is None:
            new.append(candidate)
            continue
        owned_elsewhere = record.feed_id is not None and record.feed_id != feed.pk
        if record.article_id is None or owned_elsewhere:
            report.skipped += 1
            continue
        candidate.changed = tuple(
            name for name in FIELDS if record.fingerprints.get(name) != fingerprint(candidate.values[name])
        )
        if candidate.changed or (candidate.guid_key and candidate.guid_key != record.guid_key):
            changed.append(candidate)  # changed, or first seen without the GUID it now has
        else:
            report.skipped += 1
    return new, changed


# Images -----------------------------------------------------------------------------------


def _download_images(candidates, *, report, progress):
    """The pictures the write will need, by address: bytes and extension, or None when
    refused (the reason is noted). Addresses left over when the time budget runs out are
    not tried now: their items get their picture on a later import."""
    wanted = []
    for candidate in candidates:
        address = candidate.item.image.url if candidate.values["image"] else ""
        if address and (candidate.record is None or "image" in candidate.changed) and address not in wanted:
            wanted.append(address)
    deadline = time.monotonic() + settings.NEWSREADER_IMPORT_IMAGE_SECONDS
    images = {}
    for done, address in enumerate(wanted, start=1):
        if time.monotonic() > deadline:
            break
        try:
            images[address] = fetch_image(address)
        except FetchError as error:
            images[address] = None
            report.note(_("Image refusée (%(url)s) : %(reason)s") % {"url": address, "reason": error})
        if progress:
            progress("images", done, len(wanted))
    return images


def fetch_image(address):
    """Download an image with the feed's limits and check it with Pillow."""
    response = fetch(address, accept=IMAGE_ACCEPT)
    try:
        with Image.open(BytesIO(response.content)) as image:
            image.verify()
        with Image.open(BytesIO(response.content)) as image:
            kind, width, height = image.format, image.width, image.height
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as error:
        raise FetchError(_("ce n'est pas une image lisible")) from error
    if kind not in FORMATS:
        raise FetchError(_("format %(format)s refusé : JPEG, PNG ou WebP") % {"format": kind})
    # The newsroom's own rule for pictures: an editor can then save the piece as it came.
    if width < MIN_WIDTH:
        raise FetchError(_("trop petite (%(width)s pixels de large)") % {"width": width})
    if width * height > IMAGE_MAX_PIXELS:
        raise FetchError(_("trop grande (%(width)s × %(height)s pixels)") % {"width": width, "height": height})
    return response.content, IMAGE_EXTENSIONS[kind]


# Writing ------------------------------------------------------------------------------------


def _write(*, feed, new, changed, images, publish, section, fetched_at, report, written, progress):
    source = feed.source
    authors = _authors_by_name({name for c in new + changed for name in c.values["authors"]})
    tags = _tags_by_name({name for c in new + changed for name in c.values["tags"]})
    slugs = _free_slugs(new)
    note = _("Importé du flux « %(feed)s »") % {"feed": feed}
    total, done = len(new) + len(changed), 0
    author_links, tag_links, records = [], [], []

    for candidate in new:
        item, values = candidate.item, candidate.values
        article = Article(
            title=values["title"],
            slug=slugs[id(candidate)],
            standfirst=values["standfirst"],
            body=values["body"],
            source=source,
            original_url=values["link"],
            section=section,
            access=values["access"],
            published_at=min(item.published_at or fetched_at, fetched_at),
        )
        attempted = _attach_image(article, candidate, images, source=source, written=written)
        article._change_reason = note
        workflow.article_arrive(article=article, publish=publish, note=note)
        author_links += [(article.pk, authors[name]) for name in values["authors"] if name in authors]
        tag_links += [(article.pk, tags[name]) for name in values["tags"] if name in tags]
        records.append(
            ImportedItem(
                source=source,
                feed=feed,
                article=article,
                guid=item.guid,
                guid_key=candidate.guid_key,
                link_key=candidate.link_key,
                fingerprints=_fingerprints(values, image_attempted=attempted),
            )
        )
        report.new += 1
        done += 1
        if progress:
            progress("articles", done, total)

    articles = Article.objects.in_bulk([c.record.article_id for c in changed])
    replaced_authors, replaced_tags = [], []
    for candidate in changed:
        article, values, record = articles[candidate.record.article_id], candidate.values, candidate.record
        update_fields = []
        for name, field_name in (
            ("title", "title"),
            ("standfirst", "standfirst"),
            ("body", "body"),
            ("link", "original_url"),
            ("access", "access"),
        ):
            if name in candidate.changed:
                setattr(article, field_name, values[name])
                update_fields.append(field_name)
        attempted = True
        if "image" in candidate.changed:
            attempted = _attach_image(article, candidate, images, source=source, written=written)
            if attempted:
                update_fields += ["hero_image", "hero_alt", "hero_caption", "hero_credit"]
        if "authors" in candidate.changed:
            replaced_authors.append(article.pk)
            author_links += [(article.pk, authors[name]) for name in values["authors"] if name in authors]
        if "tags" in candidate.changed:
            replaced_tags.append(article.pk)
            tag_links += [(article.pk, tags[name]) for name in values["tags"] if name in tags]
        done += 1
        if progress:
            progress("articles", done, total)
        touched = update_fields or "authors" in candidate.changed or "tags" in candidate.changed
        reidentified = candidate.guid_key and candidate.guid_key != record.guid_key
        if not touched and not reidentified:
            report.skipped += 1  # only a picture still waiting for its turn
            continue
        if update_fields:
            article._change_reason = _("Mis à jour depuis le flux « %(feed)s »") % {"feed": feed}
            article.save(update_fields=[*update_fields, "updated_at"])
        record.fingerprints = _fingerprints(
            values, image_attempted=attempted, previous_image=record.fingerprints.get("image")
        )
        record.guid, record.guid_key = item_guid(candidate, record)
        record.link_key = candidate.link_key or record.link_key
        record.feed = feed
        records.append(record)
        if touched:
            report.updated += 1
        else:
            report.skipped += 1

    if replaced_authors:
        Article.authors.through.objects.filter(article_id__in=replaced_authors).delete()
    if replaced_tags:
        Article.tags.through.objects.filter(article_id__in=replaced_tags).delete()
    Article.authors.through.objects.bulk_create(
        [Article.authors.through(article_id=a, author_id=b) for a, b in author_links], ignore_conflicts=True
    )
    Article.tags.through.objects.bulk_create(
        [Article.tags.through(article_id=a, tag_id=b) for a, b in tag_links], ignore_conflicts=True
    )
    ImportedItem.objects.bulk_create([r for r in records if r.pk is None])
    ImportedItem.objects.bulk_update(
        [r for r in records if r.pk is not None], ["fingerprints", "guid", "guid_key", "link_key", "feed", "updated_at"]
    )
    # Authors and topics were linked in bulk, which sends no signal: the pages that show
    # them are retired here, once.
    content_changed(scopes.LISTS, *(scopes.article(record.article_id) for record in records))


def item_guid(candidate, record):
    """A piece first met without a GUID takes the one it comes with later."""
    if candidate.guid_key:
        return candidate.item.guid, candidate.guid_key
    return record.guid, record.guid_key


def _fingerprints(values, *, image_attempted, previous_image=None):
    prints = {name: fingerprint(values[name]) for name in FIELDS}
    if not image_attempted:
        # Not tried within the time budget: left different, so a later import tries again.
        prints["image"] = previous_image or ""
    return prints


def _attach_image(article, candidate, images, *, source, written):
    """Give the article the item's picture if it was downloaded; returns whether it was tried."""
    item = candidate.item
    address = item.image.url if candidate.values["image"] else ""
    if not address:
        if article.hero_image:
            article.hero_image = ""
        return True
    if address not in images:
        return False
    downloaded = images[address]
    if downloaded is None:
        return True
    content, extension = downloaded
    article.hero_image.save(f"{slugify(item.title)[:60] or 'image'}.{extension}", ContentFile(content), save=False)
    written.append(article)
    article.hero_alt = shorten(item.image.alt or item.title, 250)
    article.hero_caption = shorten(item.image.caption, 300)
    credit = item.image.credit
    article.hero_credit = shorten(
        f"{credit} / {source.name}"
        if credit and source.name.casefold() not in credit.casefold()
        else credit or source.name,
        120,
    )
    return True


def _authors_by_name(names):
    """Author ids by name, creating those the site does not know yet (matched by slug)."""
    wanted = {name: slugify(name)[:140] for name in names if slugify(name)}
    if not wanted:
        return {}
    known = dict(Author.objects.filter(slug__in=wanted.values()).values_list("slug", "pk"))
    missing = {slug: name for name, slug in wanted.items() if slug not in known}
    if missing:
        Author.objects.bulk_create([Author(name=n, slug=s) for s, n in missing.items()], ignore_conflicts=True)
        known = dict(Author.objects.filter(slug__in=wanted.values()).values_list("slug", "pk"))
    return {name: known[slug] for name, slug in wanted.items() if slug in known}


def _tags_by_name(names):
    """Tag ids by name, matched by slug or name, creating the missing ones."""
    wanted = {name: slugify(name)[:100] for name in names if slugify(name)}
    if not wanted:
        return {}

    def lookup():
        found = {}
        for pk, name, slug in Tag.objects.filter(Q(slug__in=wanted.values()) | Q(name__in=wanted)).values_list(
            "pk", "name", "slug"
        ):
            found[slug] = pk
            found[f"name:{name.casefold()}"] = pk
        return found

    known = lookup()

    def pk_of(name, slug):
        return known.get(slug) or known.get(f"name:{name.casefold()}")

    missing = {slug: name for name, slug in wanted.items() if not pk_of(name, slug)}
    if missing:
        Tag.objects.bulk_create([Tag(name=n, slug=s) for s, n in missing.items()], ignore_conflicts=True)
        known = lookup()
    return {name: pk_of(name, slug) for name, slug in wanted.items() if pk_of(name, slug)}


def _free_slugs(candidates):
    """A unique slug for each new piece: its title's, else the title's with a short
    suffix drawn from its identity. Two queries whatever the number of pieces."""
    bases = {id(c): slugify(c.item.title)[:200] or "depeche" for c in candidates}
    suffixed = {id(c): f"{bases[id(c)][:190]}-{(c.guid_key or c.link_key)[:8]}" for c in candidates}
    taken = set(Article.objects.filter(slug__in=bases.values()).values_list("slug", flat=True))
    taken |= set(Article.objects.filter(slug__in=suffixed.values()).values_list("slug", flat=True))
    slugs = {}
    for candidate in candidates:
        key = id(candidate)
        slug = bases[key] if bases[key] not in taken else suffixed[key]
        number = 2
        while slug in taken:
            slug = f"{suffixed[key][:190]}-{number}"
            number += 1
        taken.add(slug)
        slugs[key] = slug
    return slugs


def _discard_files(articles):
    """The pictures (and their renditions) written for an import that was rolled back."""
    for article in articles:
        storage = article.hero_image.storage
        names = [article.hero_image.name] + [r["name"] for r in (article.hero_renditions or {}).get("renditions", [])]
        for name in names:
            try:
                storage.delete(name)
            except OSError:
                logger.warning("Could not remove %s after a failed import", name)
