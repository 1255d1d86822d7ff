"""A page of the discussion rendered once and shared by every reader, each reader's own
parts filled in per request without rendering anything again.

Why: an article page is never page-cached for a signed-in reader, and rendering a page of
threads (twenty top-level comments and their replies, several template includes each) cost
more than the rest of the page together: a 500-comment article cost a signed-in reader's
request about twice the server time of an ordinary one (`scripts/bench.py --comments`).
Now the thread's HTML is built once per generation of the article's scopes (any comment
posted, edited, recommended, reported or moderated retires it, see `signals` and
`services._thread_changed`) and per process; a reader's page then costs one join over a
list of strings. Together with the first five replies only under each thread
(`selectors.REPLIES_SHOWN`), that cost no longer grows with the discussion.

What differs between readers never enters the shared HTML. Where the controls under a
comment go, the shared HTML holds a marker; each comment's controls are rendered once in
each variant ("anonymous", someone else's comment recommended or not, one's own), and a
request picks a variant per comment from who reads (`CachedThread.html_for`). The CSRF
token appears only in those variants, as a placeholder replaced per request, so it is
substituted in the site's own markup and never in a reader's text. A reader's comments
awaiting moderation are theirs alone: the page renders them for them (`selectors.own_parts`).

The cache itself is `selectors.discussion`'s.

Markers are HTML comments carrying a random nonce drawn for each build; no reader's text can
produce one (bodies are sanitized with comments stripped, names are escaped), and every
marker is consumed before the page is sent.
"""

import re
import secrets
from dataclasses import dataclass

from django.template.loader import get_template, render_to_string
from django.utils.safestring import mark_safe

# The CSRF token's stand-in in the cached controls (the token itself differs per reader).
CSRF_PLACEHOLDER = "nr-csrf-token-placeholder"
# Someone else's comment, recommended by this reader or not, then one's own.
READER_VARIANTS = ("other", "recommended", "own")


@dataclass(frozen=True)
class CachedThread:
    """One page of threads: the shared HTML with the places of each reader's controls."""

    pieces: tuple  # HTML, then the pk of the comment whose controls go next, then HTML…
    controls: dict  # pk → {variant: HTML}
    authors: dict  # pk → author's pk (or None), for "own" and "other"
    anonymous: str  # the whole page as anyone not signed in sees it
    page: int
    has_next: bool
    sort: str
    sorts: dict
    alone: int | None  # the top-level comment shown alone with all its replies

    @property
    def shown(self):
        """The pks of the comments on this page that carry controls."""
        return list(self.controls)

    def html_for(self, *, user, recommended, csrf_token):
        """The thread as this reader sees it; `recommended`, the pks they recommended."""
        if not user.is_authenticated:
            return mark_safe(self.anonymous)  # noqa: S308 (rendered by our templates, autoescaped)
        token = str(csrf_token)
        html = []
        for number, piece in enumerate(self.pieces):
            if number % 2 == 0:
                html.append(piece)
                continue
            variant = self.controls[piece][_variant(self.authors[piece], piece, user=user, recommended=recommended)]
            html.append(variant.replace(CSRF_PLACEHOLDER, token))
        return mark_safe("".join(html))  # noqa: S308 (rendered by our templates, autoescaped)


def _variant(author_pk, pk, *, user, recommended):
    if author_pk == user.pk:
        return "own"
    return "recommended" if pk in recommended else "other"


def build(thread):
    """`selectors.comment_thread()`'s page of threads, rendered for every reader at once."""
    marker = f"nr-controls-{secrets.token_hex(8)}"
    html = render_to_string("comments/includes/thread.html", {"thread": thread, "controls_marker": marker})
    pieces = re.split(rf"<!--{marker}:(\d+)-->", html)
    pieces[1::2] = [int(pk) for pk in pieces[1::2]]
    actions = get_template("comments/includes/actions.html")
    controls, authors = {}, {}
    for root in thread["comments"]:
        for comment in (root, *root.thread_replies):
            if comment.is_deleted:
                continue  # "Commentaire supprimé" has no controls
            controls[comment.pk] = {
                variant: actions.render({"comment": comment, "viewer": variant, "csrf_token": CSRF_PLACEHOLDER})
                for variant in ("anonymous", *READER_VARIANTS)
            }
            authors[comment.pk] = comment.author_id
    anonymous = "".join(
        piece if number % 2 == 0 else controls[piece]["anonymous"] for number, piece in enumerate(pieces)
    )
    for variants in controls.values():
        del variants["anonymous"]
    return CachedThread(
        pieces=tuple(pieces),
        controls=controls,
        authors=authors,
        anonymous=anonymous,
        page=thread["page"],
        has_next=thread["has_next"],
        sort=thread["sort"],
        # Labels translated now (the thread is kept per language): a lazy translation in the
        # cached thread cost a new class at every unpickling, three per page.
        sorts={key: (order, str(label)) for key, (order, label) in thread["sorts"].items()},
        alone=thread["alone"],
    )


def comment_html(*, comment, viewer):
    """One comment rendered for one reader (a comment just posted, one awaiting moderation)."""
    return render_to_string("comments/includes/comment.html", {"comment": comment, "replies": None, "viewer": viewer})
