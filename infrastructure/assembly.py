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
"""

import copy
import re
import secrets

from django import template
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponse
from django.template import RequestContext, engines
from django.utils.safestring import mark_safe

from .page_cache import remember

# Context keys the tag reads while a shared page is being built.
PARTS = "_assembly_parts"
MARKER = "_assembly_marker"

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
    pieces = re.split(rf"<!--{marker}:(\d+)-->", html)
    pieces[1::2] = [parts[int(number)] for number in pieces[1::2]]
    return tuple(pieces)


def complete(request, pieces, context, *, status=200):
    """The response for this request: the shared HTML with this request's parts rendered in
    place, all in one template context (the context processors run once)."""
    engine = engines["django"].engine
    parts = [engine.get_template(name) for name in pieces[1::2]]
    html = list(pieces)
    if parts:
        request_context = RequestContext(request, context)
        with request_context.bind_template(parts[0]):
            html[1::2] = [part.render(request_context) for part in parts]
    return HttpResponse("".join(html), status=status)
