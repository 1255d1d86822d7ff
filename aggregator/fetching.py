"""Fetching a feed (or its images) over HTTP, as a careful client.

Connect and read time-outs and an overall deadline, at most five redirects, a size limit
counted while the body streams in (after decompression, so a small gzip bomb is still too
big), a User-Agent that names the site, and conditional requests: the ETag and
Last-Modified the server gave last time come back, and a 304 costs nothing.

Server-side request forgery: before each connection, redirects included, the host is
resolved here and every address it resolves to is checked. Loopback, private, link-local,
shared and reserved addresses are refused unless NEWSREADER_IMPORT_ALLOW_PRIVATE_ADDRESSES
is on (development, tests); cloud metadata addresses always are. The connection then goes
to the address that was checked, not to a second resolution of the name, so a DNS answer
that changes between the check and the connection (DNS rebinding) gains nothing. TLS still
verifies the certificate against the host name.
"""

import errno
import ipaddress
import socket
import time
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as ResolutionTimeout
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin, urlsplit

import urllib3
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from urllib3.exceptions import (
    ConnectTimeoutError,
    DecodeError,
    HTTPError,
    NewConnectionError,
    ProtocolError,
    ReadTimeoutError,
    SSLError,
)

MAX_REDIRECTS = 5
REDIRECT_STATUSES = {301, 302, 303, 307, 308}
CHUNK_BYTES = 64 * 1024
FEED_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/feed+json, application/rdf+xml;q=0.9, "
    "application/xml;q=0.9, text/xml;q=0.9, application/json;q=0.8, */*;q=0.1"
)
IMAGE_ACCEPT = "image/webp, image/jpeg, image/png;q=0.9, */*;q=0.1"
# Refused even where private addresses are allowed: what a cloud machine tells about itself.
METADATA_NETWORKS = [
    ipaddress.ip_network("169.254.0.0/16"),
    ipaddress.ip_network("fe80::/10"),
    ipaddress.ip_network("fd00:ec2::254/128"),
    ipaddress.ip_network("100.100.100.200/32"),
]
_resolver = ThreadPoolExecutor(max_workers=4, thread_name_prefix="feed-dns")


class FetchError(Exception):
    """A fetch that failed, with its reason in plain words (and the HTTP status, if any)."""

    def __init__(self, message, *, status=None, retry_after=None):
        super().__init__(message)
        self.status = status
        self.retry_after = retry_after


@dataclass
class Fetched:
    url: str
    status: int
    content: bytes = b""
    content_type: str = ""
    etag: str = ""
    last_modified: str = ""
    location: str = ""

    @property
    def not_modified(self):
        return self.status == 304


def user_agent():
    return f"Newsreader/1.0 (+{settings.NEWSREADER_SITE_URL}; lecteur de flux)"


def fetch(url, *, etag="", last_modified="", accept=FEED_ACCEPT, max_bytes=None):
    """GET `url`, following up to five redirects, each checked like the first."""
    max_bytes = max_bytes or settings.NEWSREADER_IMPORT_MAX_BYTES
    deadline = time.monotonic() + settings.NEWSREADER_IMPORT_TOTAL_TIMEOUT
    headers = {"User-Agent": user_agent(), "Accept": accept, "Accept-Encoding": "gzip, deflate"}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    visited = []
    while True:
        visited.append(url)
        response = _request(url, headers=headers, max_bytes=max_bytes, deadline=deadline)
        if response.status not in REDIRECT_STATUSES:
            return response
        if not response.location:
            raise FetchError(_("Redirection sans adresse de destination."), status=response.status)
        url = urljoin(url, response.location)
        if url in visited:
            raise FetchError(
                _("Boucle de redirections : %(url)s renvoie vers une adresse déjà visitée.") % {"url": visited[-1]},
                status=response.status,
            )
        if len(visited) > MAX_REDIRECTS:
            raise FetchError(
                _("Plus de %(count)s redirections : abandon.") % {"count": MAX_REDIRECTS}, status=response.status
            )


def checked_address(url):
    """The (scheme, host, port, addresses to connect to) of `url`, or a FetchError saying why not."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as error:
        raise FetchError(_("Adresse invalide : %(url)s") % {"url": url}) from error
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise FetchError(_("Adresse refusée : seuls http et https sont acceptés (%(url)s).") % {"url": url})
    host = parts.hostname
    if not host:
        raise FetchError(_("Adresse invalide : %(url)s") % {"url": url})
    port = port or (443 if scheme == "https" else 80)
    addresses = resolve(host, port)
    for address in addresses:
        refusal = address_refusal(address)
        if refusal:
            raise FetchError(
                _("Adresse refusée : %(host)s mène à %(address)s, %(reason)s.")
                % {"host": host, "address": address, "reason": refusal}
            )
    return scheme, host, port, [str(address) for address in addresses]


def resolve(host, port):
    """Every address `host` resolves to, within the connect time-out."""
    try:
        literal = ipaddress.ip_address(host)
    except ValueError:
        pass
    else:
        return [literal]
    lookup = _resolver.submit(socket.getaddrinfo, host, port, type=socket.SOCK_STREAM)
    try:
        answers = lookup.result(timeout=settings.NEWSREADER_IMPORT_CONNECT_TIMEOUT)
    except ResolutionTimeout as error:
        raise FetchError(_("Le nom %(host)s ne se résout pas à temps (DNS).") % {"host": host}) from error
    except (OSError, UnicodeError) as error:
        raise FetchError(_("Le nom %(host)s ne correspond à aucun serveur (DNS).") % {"host": host}) from error
    addresses = []
    for *_rest, sockaddr in answers:
        address = ipaddress.ip_address(sockaddr[0].split("%", 1)[0])
        if address not in addresses:
            addresses.append(address)
    if not addresses:
        raise FetchError(_("Le nom %(host)s ne correspond à aucun serveur (DNS).") % {"host": host})
    return addresses


def address_refusal(address):
    """Why the site must not connect to `address`, or None."""
    address = getattr(address, "ipv4_mapped", None) or address
    if any(address in network for network in METADATA_NETWORKS):
        return _("une adresse de métadonnées ou de lien local")
    if settings.NEWSREADER_IMPORT_ALLOW_PRIVATE_ADDRESSES:
        return None
    if address.is_loopback:
        return _("une adresse de bouclage (cette machine)")
    if address.is_private or not address.is_global or address.is_multicast:
        return _("une adresse privée ou réservée")
    return None


def _request(url, *, headers, max_bytes, deadline):
    scheme, host, port, addresses = checked_address(url)
    default_port = 443 if scheme == "https" else 80
    bracketed = f"[{host}]" if ":" in host else host
    request_headers = {**headers, "Host": bracketed if port == default_port else f"{bracketed}:{port}"}
    parts = urlsplit(url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    # Each checked address in turn (an IPv6 one first may be unreachable from here), until
    # one accepts the connection.
    for number, address in enumerate(addresses, start=1):
        try:
            return _request_at(
                url,
                address,
                scheme=scheme,
                host=host,
                port=port,
                target=target,
                headers=request_headers,
                max_bytes=max_bytes,
                deadline=deadline,
            )
        except _Unreachable as unreachable:
            if number == len(addresses):
                raise unreachable.error from unreachable.__cause__
    raise AssertionError("no address")  # pragma: no cover (resolve() returns at least one)


class _Unreachable(Exception):
    def __init__(self, error):
        super().__init__(str(error))
        self.error = error


def _request_at(url, address, *, scheme, host, port, target, headers, max_bytes, deadline):
    request_headers = headers
    timeout = urllib3.Timeout(
        connect=settings.NEWSREADER_IMPORT_CONNECT_TIMEOUT, read=settings.NEWSREADER_IMPORT_READ_TIMEOUT
    )
    if scheme == "https":
        pool = urllib3.HTTPSConnectionPool(
            address,
            port,
            timeout=timeout,
            retries=False,
            maxsize=1,
            server_hostname=host,
            assert_hostname=host,
            cert_reqs="CERT_REQUIRED",
        )
    else:
        pool = urllib3.HTTPConnectionPool(address, port, timeout=timeout, retries=False, maxsize=1)
    try:
        with pool:
            response = pool.urlopen(
                "GET",
                target,
                headers=request_headers,
                redirect=False,
                retries=False,
                preload_content=False,
                decode_content=True,
                assert_same_host=False,
            )
            try:
                return _read(url, response, max_bytes=max_bytes, deadline=deadline)
            finally:
                response.release_conn()
    except NewConnectionError as error:
        message = _("Connexion impossible à %(host)s : %(reason)s") % {"host": host, "reason": _reason(error)}
        raise _Unreachable(FetchError(message)) from error
    # Checked after NewConnectionError, which urllib3 derives from it.
    except ConnectTimeoutError as error:
        message = _("%(host)s ne répond pas (délai de connexion dépassé).") % {"host": host}
        raise _Unreachable(FetchError(message)) from error
    except ReadTimeoutError as error:
        raise FetchError(_("%(host)s a cessé de répondre (délai de lecture dépassé).") % {"host": host}) from error
    except SSLError as error:
        raise FetchError(
            _("Connexion sécurisée impossible avec %(host)s : %(reason)s") % {"host": host, "reason": _reason(error)}
        ) from error
    except DecodeError as error:
        raise FetchError(_("Contenu compressé illisible : %(reason)s") % {"reason": _reason(error)}) from error
    except (ProtocolError, HTTPError) as error:
        raise FetchError(
            _("Connexion interrompue par %(host)s : %(reason)s") % {"host": host, "reason": _reason(error)}
        ) from error


def _read(url, response, *, max_bytes, deadline):
    status = response.status
    if status in REDIRECT_STATUSES:
        return Fetched(url=url, status=status, location=(response.headers.get("Location") or "").strip())
    if status == 304:
        return Fetched(url=url, status=status)
    if status >= 400:
        raise FetchError(
            _("Le serveur a répondu %(status)s (%(reason)s).") % {"status": status, "reason": response.reason or "?"},
            status=status,
            retry_after=_retry_after(response.headers.get("Retry-After")),
        )
    if status != 200:
        raise FetchError(_("Réponse inattendue du serveur : %(status)s.") % {"status": status}, status=status)
    too_big = FetchError(
        _("Le document dépasse la taille permise (%(size)s Mo).") % {"size": f"{max_bytes / 2**20:.3g}"},
        status=status,
    )
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise too_big
    chunks, size = [], 0
    for chunk in response.stream(CHUNK_BYTES, decode_content=True):
        size += len(chunk)
        if size > max_bytes:
            raise too_big
        if time.monotonic() > deadline:
            raise FetchError(
                _("Le téléchargement a pris plus de %(seconds)s secondes : abandon.")
                % {"seconds": settings.NEWSREADER_IMPORT_TOTAL_TIMEOUT},
                status=status,
            )
        chunks.append(chunk)
    return Fetched(
        url=url,
        status=status,
        content=b"".join(chunks),
        content_type=response.headers.get("Content-Type", ""),
        etag=response.headers.get("ETag", "")[:500],
        last_modified=response.headers.get("Last-Modified", "")[:100],
    )


def _retry_after(value):
    """Seconds to wait, from a Retry-After header (seconds or an HTTP date), or None."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return int(value)
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0, int((moment - timezone.now()).total_seconds()))


def _reason(error):
    """A network error in plain words, without Python's or urllib3's wrapping."""
    cause = error
    while cause is not None:
        if isinstance(cause, OSError) and cause.errno in _ERRNO_WORDS:
            return str(_ERRNO_WORDS[cause.errno])
        if isinstance(cause, OSError) and cause.strerror:
            return cause.strerror
        cause = cause.__cause__ or cause.__context__
    reason = str(getattr(error, "reason", None) or error)
    return reason.rsplit(": ", 1)[-1]


_ERRNO_WORDS = {
    errno.ECONNREFUSED: gettext_lazy("connexion refusée"),
    errno.ECONNRESET: gettext_lazy("connexion coupée par le serveur"),
    errno.EHOSTUNREACH: gettext_lazy("machine injoignable"),
    errno.ENETUNREACH: gettext_lazy("réseau injoignable"),
}
