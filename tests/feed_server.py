"""A real HTTP server on loopback for the aggregator's tests: it serves feeds from
`tests/fixtures/feeds/` (or any bytes a test gives it) with the behaviour a test asks for
(ETag and Last-Modified with 304s, gzip, slowness, redirects, error statuses) and keeps
every request it received, headers included."""

import contextlib
import gzip
import signal
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "feeds"


def fixture(name):
    return (FIXTURES / name).read_bytes()


def run_worker():
    """Run every task that is due, as `manage.py db_worker --batch` does, then give the
    test process its signal handlers back: the worker's own would turn a later Ctrl-C or
    SIGTERM into a silent exit with status 0."""
    from django.core.management import call_command

    saved = {number: signal.getsignal(number) for number in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    try:
        call_command("db_worker", batch=True, verbosity=0)
    finally:
        for number, handler in saved.items():
            signal.signal(number, handler)


@dataclass
class Route:
    body: bytes = b""
    status: int = 200
    content_type: str = "application/xml; charset=utf-8"
    headers: dict = field(default_factory=dict)
    etag: str = ""
    last_modified: str = ""
    gzip: bool = False
    delay: float = 0
    declared_length: int | None = None


class FeedServer:
    def __init__(self):
        self.routes = {}
        self.requests = []
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self):
                with server._lock:
                    server.requests.append((self.path, dict(self.headers.items())))
                route = server.routes.get(self.path)
                if route is None:
                    self._answer(404, b"Not found", {"Content-Type": "text/plain"})
                    return
                if route.delay:
                    time.sleep(route.delay)
                if route.etag and self.headers.get("If-None-Match") == route.etag:
                    self._answer(304, b"", {"ETag": route.etag})
                    return
                if route.last_modified and self.headers.get("If-Modified-Since") == route.last_modified:
                    self._answer(304, b"", {})
                    return
                headers = {"Content-Type": route.content_type, **route.headers}
                if route.etag:
                    headers["ETag"] = route.etag
                if route.last_modified:
                    headers["Last-Modified"] = route.last_modified
                body = route.body
                if route.gzip:
                    body = gzip.compress(body)
                    headers["Content-Encoding"] = "gzip"
                self._answer(route.status, body, headers, declared_length=route.declared_length)

            def _answer(self, status, body, headers, declared_length=None):
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                if status != 304:
                    self.send_header("Content-Length", str(declared_length or len(body)))
                self.end_headers()
                if status != 304:
                    with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                        self.wfile.write(body)

            def handle(self):
                # The client may hang up (a size limit, a time-out): what some tests want.
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    super().handle()

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()

    def url(self, path):
        return f"http://127.0.0.1:{self.port}{path}"

    def serve(self, path, body=b"", **options):
        self.routes[path] = Route(body=body, **options)
        return self.url(path)

    def serve_fixture(self, path, name, **options):
        options.setdefault("content_type", _content_type(name))
        return self.serve(path, fixture(name), **options)

    def redirect(self, path, to, status=302):
        return self.serve(path, b"", status=status, headers={"Location": to}, content_type="text/plain")

    def hits(self, path):
        return [headers for requested, headers in self.requests if requested == path]


def _content_type(name):
    if name.endswith(".json"):
        return "application/feed+json"
    if name.endswith((".jpg", ".jpeg")):
        return "image/jpeg"
    if name.endswith(".png"):
        return "image/png"
    if name.endswith(".html"):
        return "text/html; charset=utf-8"
    return "application/xml; charset=utf-8"
