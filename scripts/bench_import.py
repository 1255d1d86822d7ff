"""`make bench-import`: import a 500-item feed and report the time and queries per item.

A generated RSS 2.0 feed (full text, authors, topics, one picture in ten) is served on
loopback; a throw-away SQLite database under bench-results/ is used unless DATABASE_URL is
set. Four runs: the first import, the same feed again with its ETag (a 304), the same
document again without validators (every item unchanged), and one with a tenth of the items
changed. Each prints its wall time, SQL queries (and how many wrote) and HTTP requests.
"""

import os
import shutil
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import BytesIO
from pathlib import Path
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench-results"
ITEMS = int(os.environ.get("BENCH_ITEMS", "500"))


def feed_document(*, changed=0):
    items = []
    for number in range(ITEMS):
        title = f"Dépêche numéro {number} : la commune vote son budget"
        if number < changed:
            title += " (mise à jour)"
        picture = f'<media:content url="/images/{number}.jpg" medium="image" width="1000"/>' if number % 10 == 0 else ""
        paragraphs = "".join(
            f"<p>Paragraphe {p} de la dépêche {number}, avec <a href='/lien/{p}'>un lien</a> et du texte.</p>"
            for p in range(6)
        )
        items.append(
            f"""<item><title>{escape(title)}</title>
<link>https://journal.example/depeches/{number}?utm_source=rss</link>
<guid isPermaLink="false">bench-{number}</guid>
<pubDate>Tue, 10 Jun 2025 08:{number % 60:02d}:00 +0200</pubDate>
<dc:creator>Journaliste {number % 30}</dc:creator>
<category>Sujet {number % 40}</category><category>Sujet {(number + 7) % 40}</category>
<description>Le chapô de la dépêche {number}.</description>
<content:encoded><![CDATA[{paragraphs}]]></content:encoded>{picture}</item>"""
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:media="http://search.yahoo.com/mrss/"><channel><title>Le Journal du banc d\'essai</title>'
        + "".join(items)
        + "</channel></rss>"
    ).encode()


def picture():
    from PIL import Image

    buffer = BytesIO()
    Image.new("RGB", (1000, 600), (40, 90, 150)).save(buffer, "JPEG")
    return buffer.getvalue()


class Server:
    def __init__(self):
        self.document, self.etag, self.requests = b"", "", 0
        image = picture()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self):
                server.requests += 1
                if self.path.startswith("/images/"):
                    body, kind = image, "image/jpeg"
                elif server.etag and self.headers.get("If-None-Match") == server.etag:
                    self.send_response(304)
                    self.send_header("ETag", server.etag)
                    self.end_headers()
                    return
                else:
                    body, kind = server.document, "application/rss+xml; charset=utf-8"
                self.send_response(200)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                if server.etag and not self.path.startswith("/images/"):
                    self.send_header("ETag", server.etag)
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/feed.xml"


def main():
    RESULTS.mkdir(exist_ok=True)
    database = RESULTS / "import.sqlite3"
    for leftover in RESULTS.glob("import.sqlite3*"):
        leftover.unlink()
    shutil.rmtree(RESULTS / "import-media", ignore_errors=True)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsreader.settings.dev")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{database}")
    os.environ["DJANGO_MEDIA_ROOT"] = str(RESULTS / "import-media")
    os.environ["NEWSREADER_IMPORT_ALLOW_PRIVATE_ADDRESSES"] = "1"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from aggregator import services
    from aggregator.models import Feed
    from articles.models import Article, Source

    call_command("migrate", verbosity=0)
    server = Server()
    # A database given by DATABASE_URL may hold an earlier run: start from nothing.
    Article.objects.filter(source__slug="banc-essai").delete()
    Source.objects.filter(slug="banc-essai").delete()
    source = Source.objects.create(name="Le Journal du banc d'essai", slug="banc-essai")
    feed = services.feed_create(source=source, url=server.url, full_text=True, publish_directly=True)
    print(f"Importing a {ITEMS}-item feed ({os.environ['DATABASE_URL'].split(':')[0]}), a picture in ten:\n")
    columns = ("time", 8), ("ms/item", 8), ("queries", 8), ("q/item", 7), ("writes", 7), ("HTTP", 5)
    print(f"{'run':<34} {'result':<42} " + " ".join(f"{name:>{width}}" for name, width in columns))

    def run(label, *, document, etag=""):
        server.document, server.etag, server.requests = document, etag, 0
        fresh = Feed.objects.select_related("source", "section").get(pk=feed.pk)
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            result = services.feed_import(feed=fresh, force=True)
            elapsed = time.perf_counter() - started
        writes = sum(1 for q in queries if q["sql"].lstrip().split(" ", 1)[0].upper() in ("INSERT", "UPDATE", "DELETE"))
        outcome = result.error or f"{result.status}: {result.report}"
        print(
            f"{label:<34} {outcome:<42} {elapsed:>7.2f}s {1000 * elapsed / ITEMS:>8.1f} "
            f"{len(queries):>8} {len(queries) / ITEMS:>7.2f} {writes:>7} {server.requests:>5}"
        )

    document = feed_document()
    run("first import", document=document, etag='"v1"')
    run("unchanged, with its ETag (304)", document=document, etag='"v1"')
    run("unchanged, no validators (200)", document=document)
    run(f"{ITEMS // 10} items changed", document=feed_document(changed=ITEMS // 10))
    print("\n(writes: INSERT/UPDATE/DELETE; the two of an unchanged feed are the claim and the record on its own row)")


if __name__ == "__main__":
    main()
