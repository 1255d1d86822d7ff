"""Readers' comments: plain text with light formatting, rendered safely.

Markdown for *emphasis*, **strong**, [links](https://…) and > quotes, with raw HTML
switched off, then nh3 with a small allow-list; links are marked as user content. The
Markdown is bounded (`infrastructure.markdown_limits`): a comment costs time in proportion
to its length, however it is written.
"""

import markdown
import nh3

from infrastructure.markdown_limits import Limits

COMMENT_TAGS = {"p", "br", "em", "strong", "a", "blockquote"}
COMMENT_ATTRIBUTES = {"a": {"href"}}


def _markdown():
    md = markdown.Markdown(extensions=["nl2br", Limits()], output_format="html")
    # Raw HTML typed by a reader is shown as text, never interpreted.
    md.preprocessors.deregister("html_block")
    md.inlinePatterns.deregister("html")
    for name in ("image_link", "image_reference", "short_image_ref"):
        md.inlinePatterns.deregister(name)
    return md


def render_comment(text):
    html = _markdown().convert(text or "")
    return nh3.clean(
        html,
        tags=COMMENT_TAGS,
        attributes=COMMENT_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow ugc noopener",
        strip_comments=True,
    )
