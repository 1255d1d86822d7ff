"""The demo's source feeds: files in `demo/static/demo/feeds/`, imported with no network.

Each feed's address is where the development server serves that file
(`NEWSREADER_SITE_URL/static/demo/feeds/…`), so that the background worker of `make run`
polls it like any feed (and finds it unchanged). When the seed runs, that server is not up
yet: the files are served for the occasion by a server on loopback, at a port of its own,
and imported through the real HTTP client and importer. Pictures are addressed relative to
their feed, so they are the same pictures wherever the feed is read from.
"""

import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from django.conf import settings

from aggregator import services
from aggregator.fetching import FetchError, fetch
from aggregator.models import Feed
from articles.models import Article, Section, Source

FILES = Path(__file__).resolve().parent / "static"
FEEDS = [
    {
        "file": "quotidien-du-centre-economie.xml",
        "source": "Le Quotidien du Centre",
        "section": "economie",
        "full_text": True,
        "publish_directly": True,
        "paywall_category": "Abonnés",
    },
    {
        "file": "echo-des-alpes-sciences.atom",
        "source": "L'Écho des Alpes",
        "section": "sciences",
        "full_text": False,  # the licence: title, standfirst and a link to the original
        "publish_directly": True,
    },
    {
        "file": "courrier-meridional-sport.json",
        "source": "Le Courrier méridional",
        "section": "sport",
        "full_text": True,
        "publish_directly": False,  # for the "Dépêches à relire" desk
        "paywall_field": "_courrier.abonnes",
    },
]


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def seed_feeds():
    """Create the demo feeds that are missing and import them. Returns lines for the operator."""
    missing = [spec for spec in FEEDS if not Feed.objects.filter(url=_public_url(spec["file"])).exists()]
    if not missing:
        return []
    if not settings.NEWSREADER_IMPORT_ALLOW_PRIVATE_ADDRESSES:
        return [
            "Demo feeds skipped: they are served on loopback, which NEWSREADER_IMPORT_ALLOW_PRIVATE_ADDRESSES refuses."
        ]
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_QuietHandler, directory=str(FILES)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    lines, before = [], Article.objects.count()
    try:
        for spec in missing:
            lines.append(_seed(spec, mirror=f"http://127.0.0.1:{server.server_address[1]}/demo/feeds/{spec['file']}"))
    finally:
        server.shutdown()
        server.server_close()
    lines.append(f"Demo feeds: {Article.objects.count() - before} piece(s) imported.")
    return lines


def _seed(spec, *, mirror):
    source = Source.objects.get(name=spec["source"])
    options = {key: value for key, value in spec.items() if key not in ("file", "source", "section")}
    feed = services.feed_create(
        source=source,
        url=_public_url(spec["file"]),
        section=Section.objects.filter(slug=spec["section"]).first(),
        **options,
    )
    try:
        fetched = fetch(mirror)
    except FetchError as error:
        return f"Demo feed {spec['file']} not imported: {error}"
    result = services.feed_import(feed=feed, force=True, fetched=fetched)
    return f"Demo feed {feed}: {result.error or result.report}"


def _public_url(name):
    return f"{settings.NEWSREADER_SITE_URL}{settings.STATIC_URL}demo/feeds/{name}"
