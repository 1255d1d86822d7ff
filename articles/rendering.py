"""Markdown to safe HTML, and the small text helpers the article pages need.

Bodies are written by people we do not all trust, so the rendered HTML always goes
through nh3 with an allow-list; nothing else reaches a template unescaped.
"""

import logging
import re
from html import escape, unescape
from html.parser import HTMLParser

import markdown
import nh3

from infrastructure import deadline
from infrastructure.markdown_limits import Limits

logger = logging.getLogger(__name__)

ALLOWED_TAGS = {
    "p",
    "h2",
    "h3",
    "h4",
    "blockquote",
    "ul",
    "ol",
    "li",
    "a",
    "em",
    "strong",
    "b",
    "i",
    "code",
    "pre",
    "hr",
    "br",
    "figure",
    "figcaption",
    "sup",
    "sub",
    "abbr",
    "q",
    "cite",
}
# About 10,000 words, a very long read. The admin's form and preview refuse longer bodies:
# rendering costs time in their length, and past the link and nesting bounds
# (`infrastructure.markdown_limits`) some Markdown still costs more than linear time.
MAX_BODY_LENGTH = 60_000
ALLOWED_ATTRIBUTES = {"a": {"href", "title", "hreflang"}, "abbr": {"title"}, "q": {"cite"}}
URL_SCHEMES = {"http", "https", "mailto"}
# Every article is credited to another newspaper and may carry its links (imported pieces
# carry nothing else): no endorsement for search engines, no door back to this page.
LINK_REL = "nofollow noopener noreferrer"


def sanitize_html(html, *, link_rel=LINK_REL, base_url=None):
    """Keep only harmless markup; links open no door back to this page.

    With `base_url` (markup from a feed), relative links are made absolute against it.
    """
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel=link_rel,
        strip_comments=True,
        url_relative=("rewrite_with_base", base_url) if base_url else None,
    )


# A long body is rendered in a child process that is stopped at the deadline: beyond the
# link patterns `Limits` bounds, Python-Markdown's raw-HTML, abbreviation and heading
# handling still have slow paths (minutes for 60,000 crafted characters). Short texts
# cannot go far wrong and are rendered in place, without the fork's few milliseconds.
RENDER_DEADLINE_SECONDS = 3
RENDER_IN_CHILD_FROM = 4_000


class RenderedMarkdown(str):
    """Sanitized HTML; `fell_back` says the text was shown as plain paragraphs because
    formatting it took too long."""

    fell_back = False


def _markdown_to_html(text):
    return markdown.markdown(text, extensions=["extra", "sane_lists", "smarty", Limits()], output_format="html")


def _plain_paragraphs(text):
    return "\n".join(f"<p>{escape(block.strip())}</p>" for block in re.split(r"\n\s*\n", text) if block.strip())


def render_markdown(text):
    """Render an article body written in Markdown to sanitized HTML, within a deadline: a
    text too costly to format is kept, as plain paragraphs, never lost."""
    text = text or ""
    fell_back = False
    try:
        if len(text) < RENDER_IN_CHILD_FROM:
            html = _markdown_to_html(text)
        else:
            html = deadline.within(RENDER_DEADLINE_SECONDS, _markdown_to_html, text)
    except deadline.DeadlinePassed:
        logger.warning("A text of %s characters took too long to format: shown as plain paragraphs.", len(text))
        html, fell_back = _plain_paragraphs(text), True
    rendered = RenderedMarkdown(sanitize_html(html))
    rendered.fell_back = fell_back
    return rendered


class _BlockSplitter(HTMLParser):
    """Finds where each top-level element of an HTML fragment ends."""

    VOID = {"br", "hr", "img", "input", "meta", "link", "wbr"}

    def __init__(self):
        super().__init__(convert_charrefs=False)
        self.depth = 0
        self.ends = []

    def handle_starttag(self, tag, attrs):
        if tag in self.VOID:
            if self.depth == 0:
                self.ends.append(self.getpos())
        else:
            self.depth += 1

    def handle_endtag(self, tag):
        if tag in self.VOID:
            return
        self.depth -= 1
        if self.depth == 0:
            self.ends.append(self.getpos())


def split_blocks(html):
    """Split sanitized HTML into its top-level blocks (paragraphs, headings, quotes…)."""
    splitter = _BlockSplitter()
    splitter.feed(html)
    splitter.close()
    line_starts = [0]
    for line in html.splitlines(keepends=True):
        line_starts.append(line_starts[-1] + len(line))
    blocks, start = [], 0
    for line, column in splitter.ends:
        offset = line_starts[line - 1] + column
        end = html.index(">", offset) + 1
        block = html[start:end].strip()
        if block:
            blocks.append(block)
        start = end
    return blocks


_TAG = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"\s+")


def plain_text(html):
    """The words of an HTML fragment, without markup."""
    return _SPACE.sub(" ", unescape(_TAG.sub(" ", html))).strip()


def truncate_words(text, count, *, ellipsis=None):
    """Cut at a word boundary; an ellipsis says the text goes on (by default: when it was cut;
    `ellipsis=True` for a text that continues beyond what is given)."""
    words = text.split()
    cut = len(words) > count
    shown = " ".join(words[:count])
    if ellipsis or (ellipsis is None and cut):
        return shown.rstrip(",;:.!?—–-… ") + "…" if shown else ""
    return shown


def count_words(text):
    return len(text.split())
