"""A page rendered once for every reader who gets the same content, completed per request
with the few parts that belong to the request alone.

Why: an article page is never page-cached for a signed-in reader, and rendering its
templates (the layout, the header, the article and its sidebar, two dozen includes) was
about a third of what such a request cost, although almost all of that HTML is the same for
every reader of the piece. Now the page is rendered once per process, per content
generation and per what the page shows of the text (`shared_page`), and a request renders
only its own parts (`complete`): who is signed in and their token, their messages, their
list, their comments, the address in the other language.

A template marks each such part with `{% request_part "template.html" %}` (library
`assembly`). Rendered as usual, the tag includes that template, so a page that is not
assembled behaves as if the tag were `{% include %}`. Rendered by `shared_page`, it leaves
a marker instead. The shared render sees no reader: `user` is anonymous, there is no
CSRF token and no message; whatever depends on them belongs in a request part, and the
condition deciding whether to show one goes inside it.

Markers are HTML comments carrying a random nonce drawn for each build, so no text of an
article can produce one, and every marker is replaced before the page is sent. The shared
HTML lives in the process's fragment cache (`page_cache.remember`) for at most
NEWSREADER_PAGE_CACHE_SECONDS, as fresh as a page the anonymous page cache keeps.

Request parts are kept too, where the view can name what one shows (`complete(kept=…)`):
rendering them was half of what a signed-in article page still cost, although most are the
same for many requests (the save button of a piece saved or not, the comment form as a
reader allowed to post sees it, the header as one reader sees it on every page). Each is
keyed by what it depends on, never by who reads unless it shows who reads, so that keys
are shared across readers and pages. The CSRF token, which differs per request, is kept as
a stand-in replaced per request. A kept part may hold request parts of its own (the comment
thread inside the comments section), filled in per request in the same way.
"""

import copy
import hashlib
import re
import secrets

from django import template
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.template import RequestContext, engines
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from .page_cache import remember

# Context keys the tag reads while a shared page is being built.
PARTS = "_assembly_parts"
MARKER = "_assembly_marker"
# The CSRF token's stand-in in a kept part (the token gets a new mask on every request),
# drawn per process: no text can carry it, and it never leaves the process.
TOKEN = f"nr-part-token-{secrets.token_hex(8)}"

register = template.Library()


class RequestPartNode(template.Node):
    def __init__(self, name):
        self.name = name

    def render(self, context):
        parts = context.get(PARTS)
        if parts is None:
            return context.template.engine.get_template(self.name).render(context)
        parts.append(self.name)
        return mark_safe(f"<!--{context[MARKER]}:{len(parts) - 1}-->")  # noqa: S308 (a marker of our own)


@register.tag
def request_part(parser, token):
    """`{% request_part "template.html" %}`: a part of the page that depends on the request."""
    bits = token.split_contents()
    if len(bits) != 2 or bits[1][0] not in "\"'" or bits[1][0] != bits[1][-1]:
        raise template.TemplateSyntaxError(f"{bits[0]} takes one template name, in quotes")
    return RequestPartNode(bits[1][1:-1])


def shared_page(request, template_name, context, *, key, generation):
    """The page's HTML as every reader gets it, split around its request parts: a tuple of
    HTML, then a part's template name, then HTML… Built once per process and `generation`;
    `key` names what the shared HTML depends on besides the content (the text shown, the
    language), and the address and host are added here."""
    versioned = f"shared-page:{request.get_host()}:{request.scheme}:{request.path}:{key}"
    return remember(
        versioned,
        lambda: _build(request, template_name, context),
        generation=generation,
        seconds=settings.NEWSREADER_PAGE_CACHE_SECONDS,
    )


def _build(request, template_name, context):
    marker = f"nr-part-{secrets.token_hex(8)}"
    parts = []
    # Rendered as for nobody: the context processors see an anonymous visitor, no token is
    # drawn and no message is consumed. Whatever is the reader's shows only in their parts.
    nobody = copy.copy(request)
    nobody.user = AnonymousUser()
    seen_by_nobody = {"user": nobody.user, "csrf_token": "", "messages": (), PARTS: parts, MARKER: marker}
    page = engines["django"].get_template(template_name).template
    html = page.render(RequestContext(nobody, {**context, **seen_by_nobody}))
    return _split(html, marker, parts)


def _split(html, marker, parts):
    """HTML with the markers of `parts` → HTML, a part's template name, HTML…"""
    pieces = re.split(rf"<!--{marker}:(\d+)-->", html)
    pieces[1::2] = [parts[int(number)] for number in pieces[1::2]]
    return tuple(pieces)


def complete(request, pieces, context, *, status=200, kept=None):
    """The response for this request: the shared HTML with this request's parts in place,
    all in one template context (the context processors run once).

    `kept` maps a part's template name to a key naming everything that part's HTML depends
    on besides the address's host, the language and the CSRF token; a part with a key is
    rendered once per process and key, kept as long as the shared page, and only its token
    is filled in per request. A key of None, or no key, renders the part every time."""
    if len(pieces) == 1:
        return HttpResponse(pieces[0], status=status)
    engine = engines["django"].engine
    request_context = RequestContext(request, context)
    filling = _Filling(request, request_context, kept or {})
    with request_context.bind_template(engine.get_template(pieces[1])):
        html = filling.fill(pieces)
    return HttpResponse(html, status=status)


class _Filling:
    """One request's parts, rendered or taken from the kept ones."""

    def __init__(self, request, context, kept):
        self.request, self.context, self.kept = request, context, kept
        self.prefix = f"{request.get_host()}:{request.scheme}:{get_language()}"
        self._token = None

    def fill(self, pieces):
        html = list(pieces)
        for number in range(1, len(pieces), 2):
            name = pieces[number]
            key = self.kept.get(name)
            if key is None:
                html[number] = self.context.template.engine.get_template(name).render(self.context)
                continue
            part = remember(
                "request-part:" + hashlib.blake2b(f"{self.prefix}:{name}:{key}".encode(), digest_size=16).hexdigest(),
                lambda name=name: self._build(name),
                generation="",
                seconds=settings.NEWSREADER_PAGE_CACHE_SECONDS,
            )
            if any(TOKEN in piece for piece in part[::2]):
                part = [piece if index % 2 else piece.replace(TOKEN, self.token) for index, piece in enumerate(part)]
            html[number] = self.fill(part)
        return "".join(html)

    @property
    def token(self):
        """The request's CSRF token, the one the parts rendered for it show too (the context
        processor's, drawn once per request; drawing it has the cookie set)."""
        if self._token is None:
            self._token = str(self.context.get("csrf_token") or get_token(self.request))
        return self._token

    def _build(self, name):
        """A kept part: rendered with the token's stand-in, its own parts left as markers."""
        marker = f"nr-part-{secrets.token_hex(8)}"
        parts = []
        with self.context.push({"csrf_token": TOKEN, PARTS: parts, MARKER: marker}):
            html = self.context.template.engine.get_template(name).render(self.context)
        return _split(html, marker, parts)
