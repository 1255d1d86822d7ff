"""The aggregator's HTTP client against a real server on loopback: conditional requests,
limits, redirects, each failure in plain words, and the refusal of private addresses."""

import gzip

import pytest

from aggregator.fetching import FetchError, fetch

from .feed_server import fixture


def test_a_feed_is_fetched_with_the_sites_user_agent_and_gzip(feed_server, settings):
    settings.NEWSREADER_SITE_URL = "https://news.example"
    url = feed_server.serve("/rss", fixture("rss.xml"), gzip=True)
    response = fetch(url)
    assert response.status == 200
    assert response.content == fixture("rss.xml")
    headers = feed_server.hits("/rss")[0]
    assert headers["User-Agent"].startswith("Newsreader/") and "https://news.example" in headers["User-Agent"]
    assert "gzip" in headers["Accept-Encoding"]


def test_etag_comes_back_and_the_second_fetch_is_a_304(feed_server):
    url = feed_server.serve("/rss", fixture("rss.xml"), etag='"v1"')
    first = fetch(url)
    assert (first.status, first.etag) == (200, '"v1"')
    second = fetch(url, etag=first.etag)
    assert second.status == 304 and second.not_modified and second.content == b""
    assert feed_server.hits("/rss")[1]["If-None-Match"] == '"v1"'


def test_last_modified_comes_back_as_if_modified_since(feed_server):
    moment = "Tue, 10 Jun 2025 06:00:00 GMT"
    url = feed_server.serve("/rss", fixture("rss.xml"), last_modified=moment)
    first = fetch(url)
    assert first.last_modified == moment
    assert fetch(url, last_modified=first.last_modified).status == 304
    assert feed_server.hits("/rss")[1]["If-Modified-Since"] == moment


def test_up_to_five_redirects_are_followed(feed_server):
    feed_server.serve("/final", fixture("rss.xml"))
    for number in range(1, 6):
        target = f"/hop{number + 1}" if number < 5 else "/final"
        feed_server.redirect(f"/hop{number}", feed_server.url(target), status=301 if number % 2 else 307)
    response = fetch(feed_server.url("/hop1"))
    assert response.status == 200
    assert response.url == feed_server.url("/final")


def _failure(url, **options):
    with pytest.raises(FetchError) as caught:
        fetch(url, **options)
    return caught.value


def test_a_sixth_redirect_is_refused(feed_server):
    feed_server.serve("/final", fixture("rss.xml"))
    for number in range(1, 7):
        feed_server.redirect(f"/hop{number}", f"/hop{number + 1}" if number < 6 else "/final")
    assert "Plus de 5 redirections" in str(_failure(feed_server.url("/hop1")))


def test_a_redirect_loop_is_named(feed_server):
    feed_server.redirect("/a", "/b")
    feed_server.redirect("/b", "/a")
    assert "Boucle de redirections" in str(_failure(feed_server.url("/a")))


@pytest.mark.parametrize(("status", "words"), [(404, "404 (Not Found)"), (410, "410 (Gone)"), (500, "500")])
def test_error_statuses_are_reported_with_their_code(feed_server, status, words):
    url = feed_server.serve("/rss", b"nope", status=status, content_type="text/plain")
    error = _failure(url)
    assert words in str(error) and error.status == status


def test_retry_after_is_kept_for_the_back_off(feed_server):
    url = feed_server.serve("/rss", b"busy", status=503, headers={"Retry-After": "7200"}, content_type="text/plain")
    assert _failure(url).retry_after == 7200


def test_an_unknown_host_is_a_dns_error():
    assert "(DNS)" in str(_failure("http://flux.invalid/rss.xml"))


def test_a_closed_port_is_a_connection_error(feed_server):
    feed_server.stop()
    assert "Connexion impossible à 127.0.0.1" in str(_failure(feed_server.url("/rss")))


def test_a_silent_server_is_a_time_out(feed_server, settings):
    settings.NEWSREADER_IMPORT_READ_TIMEOUT = 0.3
    url = feed_server.serve("/slow", fixture("rss.xml"), delay=1.5)
    assert "délai de lecture dépassé" in str(_failure(url))


def test_a_document_over_the_limit_is_refused_by_its_declared_length(feed_server, settings):
    settings.NEWSREADER_IMPORT_MAX_BYTES = 1000
    url = feed_server.serve("/big", b"<rss>" + b" " * 5000 + b"</rss>")
    assert "dépasse la taille permise" in str(_failure(url))


def test_a_document_over_the_limit_is_refused_while_it_streams(feed_server, settings):
    """A gzip bomb: a few kilobytes on the wire, far more once decompressed."""
    settings.NEWSREADER_IMPORT_MAX_BYTES = 1024 * 1024
    bomb = gzip.compress(b"<rss>" + b" " * (20 * 1024 * 1024))
    url = feed_server.serve("/bomb", bomb, headers={"Content-Encoding": "gzip"})
    assert len(bomb) < 50_000
    assert "dépasse la taille permise" in str(_failure(url))


def test_the_default_limit_is_five_megabytes(feed_server):
    url = feed_server.serve("/huge", b"<rss>" + b" " * (5 * 1024 * 1024) + b"</rss>")
    assert "(5 Mo)" in str(_failure(url))


def test_only_http_and_https_are_fetched():
    for url in ("file:///etc/passwd", "ftp://journal.example/rss", "gopher://journal.example/"):
        assert "seuls http et https" in str(_failure(url))


# Server-side request forgery ---------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/rss",
        "http://localhost/rss",
        "http://[::1]/rss",
        "http://10.1.2.3/rss",
        "http://172.16.0.1/rss",
        "http://192.168.1.10/rss",
        "http://100.64.0.1/rss",
        "http://0.0.0.0/rss",
        "http://[::ffff:127.0.0.1]/rss",
        "http://[fd00::1]/rss",
    ],
)
def test_private_and_local_addresses_are_refused_in_production(settings, url):
    settings.NEWSREADER_IMPORT_ALLOW_PRIVATE_ADDRESSES = False
    assert "Adresse refusée" in str(_failure(url))


def test_a_refused_address_is_never_contacted(feed_server, settings):
    settings.NEWSREADER_IMPORT_ALLOW_PRIVATE_ADDRESSES = False
    url = feed_server.serve("/rss", fixture("rss.xml"))
    assert "adresse de bouclage" in str(_failure(url))
    assert feed_server.requests == []


@pytest.mark.parametrize(
    "url", ["http://169.254.169.254/latest/meta-data/", "http://[fe80::1]/", "http://[fd00:ec2::254]/"]
)
def test_metadata_addresses_are_refused_even_where_private_ones_are_allowed(settings, url):
    settings.NEWSREADER_IMPORT_ALLOW_PRIVATE_ADDRESSES = True
    assert "métadonnées" in str(_failure(url))


def test_every_redirect_is_checked_again(feed_server):
    """The first address is allowed; the one it redirects to is not."""
    url = feed_server.redirect("/rss", "http://169.254.169.254/latest/meta-data/iam/")
    assert "169.254.169.254" in str(_failure(url))


def test_the_connection_goes_to_the_checked_address_under_the_feeds_own_name(feed_server):
    """The name is resolved once, checked, and the connection made to that address; the
    server still sees the name it was asked for."""
    feed_server.serve("/rss", fixture("rss.xml"))
    response = fetch(f"http://localhost:{feed_server.port}/rss")
    assert response.status == 200
    assert feed_server.hits("/rss")[0]["Host"] == f"localhost:{feed_server.port}"
