"""A change purges its pages at the edge cache, over HTTP, as nginx's purge location expects."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.urls import reverse

from .factories import ArticleFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def edge(settings):
    """A stand-in for nginx's purge location on loopback: records what it is asked to forget."""
    received = []

    class Purge(BaseHTTPRequestHandler):
        def do_GET(self):
            received.append((self.headers["Host"], self.path))
            self.send_response(200 if "cached" in self.path or "articles" in self.path else 404)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Purge)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.NEWSREADER_EDGE_PURGE_URL = f"http://127.0.0.1:{server.server_port}/_edge/purge"
    settings.NEWSREADER_EDGE_HOSTS = ["news.example"]
    yield received
    server.shutdown()


def test_a_comment_purges_its_article_page_in_both_languages(client, edge, django_capture_on_commit_callbacks):
    article = ArticleFactory(slug="un-article")
    edge.clear()
    client.force_login(UserFactory())
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("articles:comment", kwargs={"slug": article.slug}), {"text": "Un avis."})
    assert ("news.example", "/_edge/purge/articles/un-article/") in edge
    assert ("news.example", "/_edge/purge/en/articles/un-article/") in edge
    assert not any("/actualites/" in path for _host, path in edge)  # a comment leaves the lists alone


def test_publishing_purges_the_lists_too(edge, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        article = ArticleFactory(slug="nouveau")
    paths = {path for _host, path in edge}
    assert {"/_edge/purge/articles/nouveau/", "/_edge/purge/", "/_edge/purge/actualites/"} <= paths
    assert f"/_edge/purge{article.section.get_absolute_url()}" in paths


def test_without_an_edge_nothing_is_sent(settings, edge, django_capture_on_commit_callbacks):
    settings.NEWSREADER_EDGE_PURGE_URL = ""
    with django_capture_on_commit_callbacks(execute=True):
        ArticleFactory()
    assert edge == []
