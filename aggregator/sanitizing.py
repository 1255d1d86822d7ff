"""Everything a feed sends is untrusted: this module turns it into what the site stores.

Text fields (titles, summaries, author names, captions) become plain text: every tag
goes, the text of scripts and styles with it, and the templates escape what is left.
Markup (the full text) goes through the site's one sanitizer (`articles.rendering`),
with the same allow-list as the newsroom's own articles: no script, event handler,
`javascript:` or `data:` URL, iframe, style or form survives, relative links are made
absolute and every link gets `rel="nofollow noopener noreferrer"`.

The body format. `Article.body` is Markdown, and Markdown is a superset of HTML: a block
of raw HTML is passed through untouched, then sanitized again when the article renders.
So the cleanest conversion is none at all: the sanitized markup is stored as HTML blocks,
one per paragraph, separated by blank lines. Nothing is lost or mangled (an HTML to
Markdown converter would have to escape every `*` and `_` of the source's prose, and
tables of figures or nested quotes would come back changed), the editor still sees and
edits readable blocks, and the text is sanitized twice on its way to a reader.
"""

import hashlib
import json
import re
from html import escape, unescape
from html.parser import HTMLParser
from urllib.parse import parse_qsl, quote, urlencode, urljoin, urlsplit, urlunsplit

import nh3

from articles.rendering import sanitize_html

# Blocks the site's sanitizer keeps; inline content between them is wrapped in paragraphs.
BLOCK_TAGS = {"p", "h2", "h3", "h4", "blockquote", "ul", "ol", "pre", "hr", "figure"}
# Headings the article page does not use are brought into its range rather than lost.
_HEADINGS = re.compile(r"<(/?)h([1-6])\b", re.IGNORECASE)
_HEADING_LEVEL = {"1": "2", "2": "2", "3": "3", "4": "4", "5": "4", "6": "4"}
_SPACE = re.compile(r"\s+")
_TAG = re.compile(r"<[^>]*>")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
MAX_LINK_LENGTH = 1000  # what `Article.original_url` holds
TRACKING_PARAMETERS = {"xtor", "fbclid", "gclid", "mc_cid", "mc_eid", "at_medium", "at_campaign"}


def plain_text(value, *, limit=None):
    """The words of an untrusted text field: no markup, one line, at most `limit` characters."""
    if not value:
        return ""
    text = unescape(nh3.clean(str(value), tags=set(), strip_comments=True))
    text = _SPACE.sub(" ", _CONTROL.sub("", text)).strip()
    if limit and len(text) > limit:
        text = shorten(text, limit)
    return text


def shorten(text, limit):
    """Cut at a word boundary so that the text and its ellipsis fit in `limit` characters."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(",;:.!?—–- ") + "…"


def html_to_body(html, *, base_url=""):
    """A feed's markup as an article body: sanitized HTML blocks separated by blank lines."""
    if not html or not html.strip():
        return ""
    html = _HEADINGS.sub(lambda match: f"<{match[1]}h{_HEADING_LEVEL[match[2]]}", html)
    clean = sanitize_html(html, base_url=base_url or None)
    builder = _BlockBuilder()
    builder.feed(clean)
    builder.close()
    return "\n\n".join(builder.blocks())


def text_to_body(text):
    """A plain-text body (JSON Feed's `content_text`): paragraphs at blank lines, escaped."""
    paragraphs = [_SPACE.sub(" ", part).strip() for part in re.split(r"\n\s*\n", text or "")]
    return "\n\n".join(f"<p>{escape(part, quote=False)}</p>" for part in paragraphs if part)


class _BlockBuilder(HTMLParser):
    """Rebuilds sanitized markup with every top-level run of inline content in a paragraph.

    Its input is nh3's output, so tags and attributes are already the allowed ones; text
    and attribute values are escaped again as they are written back.
    """

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self._blocks = []
        self._current = []
        self._depth = 0
        self._top_block = False
        self._pre = 0
        self._pending_break = False

    def _flush(self):
        html = "".join(self._current).strip()
        self._current = []
        if html.startswith("<hr") or _TAG.sub("", html).strip():
            self._blocks.append(html if self._top_block else f"<p>{html}</p>")
        self._top_block = False

    def handle_starttag(self, tag, attrs):
        if self._paragraph_break(tag):
            return
        if self._depth == 0 and tag in BLOCK_TAGS:
            self._flush()
            self._top_block = True
        attributes = "".join(f' {name}="{escape(value or "", quote=True)}"' for name, value in attrs)
        self._current.append(f"<{tag}{attributes}>")
        if tag == "pre":
            self._pre += 1
        if tag not in ("br", "hr"):
            self._depth += 1
        elif tag == "hr" and self._depth == 0:
            self._flush()

    def _paragraph_break(self, tag):
        """Two line breaks in a row at the top level end a paragraph, as they look."""
        if tag != "br" or self._depth != 0:
            self._pending_break = False
            return False
        if not self._pending_break:
            self._pending_break = True
            return False
        while self._current and self._current[-1] in ("<br>", " "):
            self._current.pop()
        self._flush()
        self._pending_break = False
        return True

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag):
        if tag in ("br", "hr"):
            return
        self._current.append(f"</{tag}>")
        self._depth = max(0, self._depth - 1)
        if tag == "pre":
            self._pre -= 1
        if self._depth == 0 and self._top_block:
            self._flush()

    def handle_data(self, data):
        if not self._pre:
            data = _SPACE.sub(" ", data)
            if self._depth == 0 and not self._current and not data.strip():
                return
        if data.strip():
            self._pending_break = False
        self._current.append(escape(data, quote=False))

    def blocks(self):
        self._flush()
        return self._blocks


def normalise_link(url, *, base=""):
    """The address that identifies an item: absolute http(s), without fragment or tracking
    parameters (`utm_*`, `xtor`…), host in lower case, no default port. "" when unusable
    (not http, no host, longer than the site keeps)."""
    if not url or not isinstance(url, str):
        return ""
    url = url.strip()
    if base:
        url = urljoin(base, url)
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return ""
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").rstrip(".")
    if scheme not in ("http", "https") or not host:
        return ""
    if ":" in host:
        host = f"[{host}]"
    if port and port != {"http": 80, "https": 443}[scheme]:
        host = f"{host}:{port}"
    query = [
        (name, value)
        for name, value in parse_qsl(parts.query, keep_blank_values=True)
        if not name.lower().startswith("utm_") and name.lower() not in TRACKING_PARAMETERS
    ]
    path = quote(parts.path or "/", safe="/%:@!$&'()*+,;=-._~")
    link = urlunsplit((scheme, host, path, urlencode(query, doseq=True), ""))
    return link if len(link) <= MAX_LINK_LENGTH else ""


def fingerprint(value):
    """A short, stable digest of a field's value, to tell whether the source changed it."""
    payload = json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(payload.encode()).hexdigest()[:20]


def identity_key(kind, value):
    return hashlib.sha256(f"{kind}:{value}".encode()).hexdigest() if value else ""
