import pytest
from django.test import SimpleTestCase

from articles.rendering import render_markdown, split_blocks, truncate_words


class MarkdownRenderingTests(SimpleTestCase):
    def test_subheadings_quotes_lists_and_links(self):
        html = render_markdown(
            "## « Un intertitre »\n\n> « Une citation », dit-elle.\n\n- un\n- deux\n\n[Lien](https://example.org)"
        )
        self.assertHTMLEqual(
            html,
            "<h2>« Un intertitre »</h2>"
            "<blockquote><p>« Une citation », dit-elle.</p></blockquote>"
            "<ul><li>un</li><li>deux</li></ul>"
            '<p><a href="https://example.org" rel="nofollow noopener noreferrer">Lien</a></p>',
        )

    def test_links_get_nofollow_and_noopener(self):
        """Every article is credited to another newspaper: its links are not our endorsement."""
        self.assertIn('rel="nofollow noopener noreferrer"', render_markdown("[x](https://example.org)"))


@pytest.mark.parametrize(
    "payload",
    [
        "<script>alert(1)</script>",
        '<img src=x onerror="alert(1)">',
        "[clic](javascript:alert(1))",
        '<a href="javascript:alert(1)">x</a>',
        "<svg onload=alert(1)>",
        '<iframe src="https://evil.example"></iframe>',
        '<p style="background:url(javascript:alert(1))">x</p>',
        "<details open ontoggle=alert(1)>",
        '<a href="&#106;avascript:alert(1)">x</a>',
        "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    ],
)
def test_markdown_body_never_yields_executable_markup(payload):
    html = render_markdown(payload).lower()
    for dangerous in ("<script", "onerror", "onload", "ontoggle", "javascript:", "<iframe", "<svg", "style=", "<img"):
        assert dangerous not in html


def test_split_blocks_keeps_each_top_level_element():
    html = render_markdown("Un.\n\nDeux.\n\n## Titre\n\n> Cité\n>\n> sur deux\n\n- a\n- b")
    blocks = split_blocks(html)
    assert blocks == [
        "<p>Un.</p>",
        "<p>Deux.</p>",
        "<h2>Titre</h2>",
        "<blockquote>\n<p>Cité</p>\n<p>sur deux</p>\n</blockquote>",
        "<ul>\n<li>a</li>\n<li>b</li>\n</ul>",
    ]


def test_truncate_words():
    assert truncate_words("un deux trois", 5) == "un deux trois"
    assert truncate_words("un deux, trois", 2) == "un deux…"
