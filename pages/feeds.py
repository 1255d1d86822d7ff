"""RSS 2.0 and Atom feeds: the whole site, each section, source, topic and author, and each
subscriber's private full-text feed.

Items carry what `Article.public_view` allows: the standfirst, and the body of a public
piece only; the private feed adds the whole text of the pieces its owner reads in full
(`subscriptions.access.read_in_full_filter`, asked at every request, so it stops the
moment the subscription ends). Nothing here spends a free article.

Public feeds declare their scopes, so the page cache keeps them; their ETag names the
content generation, so a feed reader asking again gets a 304 without a query.
"""

import hashlib
import mimetypes

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.db.models import BooleanField, Case, Value, When
from django.http import Http404, HttpResponse, HttpResponseNotModified
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.feedgenerator import Atom1Feed, Enclosure, Rss201rev2Feed
from django.utils.http import parse_http_date_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from articles import selectors
from articles.models import Author, Section, Source, Tag
from articles.navigation import filter_choices
from infrastructure import scopes
from infrastructure.page_cache import remember
from infrastructure.scopes import depends_on
from subscriptions.access import read_in_full_filter
from subscriptions.selectors import private_feed_owner

FEED_ITEMS = 30
SITE_NAME = "Newsreader"


class RssWithContent(Rss201rev2Feed):
    """RSS 2.0 with the text of a piece, where it may be given, in `content:encoded`."""

    def rss_attributes(self):
        return {**super().rss_attributes(), "xmlns:content": "http://purl.org/rss/1.0/modules/content/"}

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        if item.get("content"):
            handler.addQuickElement("content:encoded", item["content"])


class AtomWithContent(Atom1Feed):
    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        if item.get("content"):
            handler.addQuickElement("content", item["content"], {"type": "html"})


class Subject:
    """What one feed request is about: the request, the section (or source, topic, author)
    or None for the whole site, and which pieces go out whole."""

    def __init__(self, *, request, subject=None, in_full=None, private=False):
        self.request = request
        self.subject = subject
        self.in_full = in_full
        self.private = private

    def absolute(self, path):
        return self.request.build_absolute_uri(path)


class ArticleFeed(Feed):
    """One feed class for every list; `model` and `lookup` say which list (none: the site)."""

    language = "fr"  # the articles' language, whatever the interface's

    def __init__(self, *, model=None, lookup=None, atom=False):
        super().__init__()
        self.model = model
        self.lookup = lookup
        self.feed_type = AtomWithContent if atom else RssWithContent

    def get_object(self, request, slug=None):
        subject = get_object_or_404(self.model, slug=slug) if self.model else None
        return Subject(request=request, subject=subject)

    def title(self, obj):
        if obj.subject is None:
            return _("Newsreader : toute l'actualité")
        return _("Newsreader : %(name)s") % {"name": obj.subject.name}

    def subtitle(self, obj):
        return _("Les derniers articles, crédités à leur journal d'origine.")

    description = subtitle

    def link(self, obj):
        return obj.absolute(obj.subject.get_absolute_url() if obj.subject else reverse("articles:home"))

    def feed_url(self, obj):
        return obj.absolute(obj.request.path)

    def feed_copyright(self, obj):
        return SITE_NAME

    def items(self, obj):
        filters = {self.lookup: obj.subject} if obj.subject is not None else {}
        queryset = selectors.feed_articles(**filters)
        if obj.in_full is not None or obj.private:
            queryset = queryset.annotate(in_full=_in_full_flag(obj.in_full))
        items = list(queryset[:FEED_ITEMS])
        for item in items:
            item.absolute_url = obj.absolute(item.get_absolute_url())
            item.image_url = obj.absolute(item.hero_image.url) if item.hero_image else ""
        return items

    def item_title(self, item):
        return item.public_view.title

    def item_description(self, item):
        view = item.public_view
        return view.standfirst or view.excerpt

    def item_link(self, item):
        return item.absolute_url

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return max(item.updated_at, item.published_at)

    def item_author_name(self, item):
        names = [author.name for author in item.authors.all()]
        return ", ".join(names) if names else item.source.name

    def item_categories(self, item):
        return [item.section.name] * bool(item.section) + [tag.name for tag in item.tags.all()]

    def item_enclosures(self, item):
        if not item.image_url:
            return []
        mime_type = mimetypes.guess_type(item.hero_image.name)[0] or "image/jpeg"
        length = str((item.hero_renditions or {}).get("bytes", 0))
        return [Enclosure(url=item.image_url, length=length, mime_type=mime_type)]

    def item_extra_kwargs(self, item):
        """The text itself: a public piece's body; a gated one's only in its reader's private
        feed, when they read it in full; otherwise nothing beyond the standfirst."""
        if getattr(item, "in_full", False):
            return {"content": "".join(item.body_blocks)}
        view = item.public_view
        return {"content": "".join(view.teaser_blocks) if not view.is_gated else ""}


class PrivateFeed(ArticleFeed):
    """A subscriber's feed of the whole site, with the whole text of what they read in full."""

    def get_object(self, request, token):
        owner = private_feed_owner(token=token)
        if owner is None:
            raise Http404("Unknown or revoked feed")
        return Subject(request=request, in_full=read_in_full_filter(user=owner), private=True)

    def title(self, obj):
        return _("Newsreader : mon flux privé")


def _in_full_flag(in_full):
    """True for the pieces whose whole text this reader gets (None: the public ones only)."""
    if in_full is None:
        return Case(When(access="public", then=Value(True)), default=Value(False), output_field=BooleanField())
    if not in_full:
        return Value(True, output_field=BooleanField())
    return Case(When(in_full, then=Value(True)), default=Value(False), output_field=BooleanField())


def public_feed(feed):
    """A public feed as a view: kept by the page cache, answered with a 304 while nothing
    it is built from has changed (the ETag names the content generations).

    A public feed is the same for everyone, but the page cache serves only requests without
    a session, and a browser that follows a feed sends its reader's cookie: such a request
    rebuilt 150 kB of XML (20 ms). The feed's body is therefore also kept in the process's
    fragment cache under the content generation, and served from there to anyone."""

    def view(request, **kwargs):
        generations = depends_on(request, scopes.SITE, scopes.LISTS)
        token = scopes.token(generations)
        etag = '"' + hashlib.blake2b(f"{request.path}:{token}".encode(), digest_size=12).hexdigest() + '"'
        not_modified = get_conditional_response(request, etag=etag)
        if isinstance(not_modified, HttpResponseNotModified):
            return not_modified
        content, content_type, last_modified = remember(
            f"feed:{request.get_host()}:{request.scheme}:{request.path}:{get_language()}",
            lambda: _rendered(feed(request, **kwargs)),
            generation=token,
            seconds=settings.NEWSREADER_PAGE_CACHE_SECONDS,
        )
        response = HttpResponse(content, content_type=content_type)
        if last_modified:
            response["Last-Modified"] = last_modified
        response["ETag"] = etag
        return get_conditional_response(request, etag=etag, last_modified=_last_modified(response), response=response)

    return view


def _rendered(response):
    return response.content, response["Content-Type"], response.get("Last-Modified")


@never_cache
def private_feed(request, token):
    """Never cached anywhere: its text depends on its owner's subscription, now."""
    response = PRIVATE(request, token=token)
    patch_cache_control(response, private=True)
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _last_modified(response):
    return parse_http_date_safe(response.get("Last-Modified", ""))


PRIVATE = PrivateFeed()
FEEDS = {
    kind: {fmt: public_feed(ArticleFeed(model=model, lookup=lookup, atom=fmt == "atom")) for fmt in ("rss", "atom")}
    for kind, model, lookup in [
        ("site", None, None),
        ("section", Section, "section"),
        ("source", Source, "source"),
        ("tag", Tag, "tags"),
        ("author", Author, "authors"),
    ]
}


def site_feed(request, fmt):
    if fmt not in ("rss", "atom"):
        raise Http404("No such feed format")
    return FEEDS["site"][fmt](request)


def list_feed(request, slug, fmt, kind):
    if fmt not in ("rss", "atom"):
        raise Http404("No such feed format")
    return FEEDS[kind][fmt](request, slug=slug)


def feed_list(request):
    """ "Flux RSS": every feed a reader can follow."""
    generations = depends_on(request, scopes.SITE)
    context = filter_choices(generation=scopes.token(generations))
    return render(request, "pages/feeds.html", context)
