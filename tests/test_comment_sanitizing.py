"""Readers' comments never yield executable markup, whatever they type."""

from html.parser import HTMLParser

import pytest

from comments.formatting import render_comment

PAYLOADS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    "<img src=x onerror=alert(1)//",
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "<svg><animate onbegin=alert(1) attributeName=x dur=1s>",
    "<body onload=alert(1)>",
    "<iframe src=javascript:alert(1)>",
    "<iframe srcdoc='<script>alert(1)</script>'>",
    "<object data=javascript:alert(1)>",
    "<embed src=javascript:alert(1)>",
    "<a href=javascript:alert(1)>x</a>",
    "<a href='JaVaScRiPt:alert(1)'>x</a>",
    "<a href='&#106;avascript:alert(1)'>x</a>",
    "<a href='&#x6A;avascript:alert(1)'>x</a>",
    "<a href='java\tscript:alert(1)'>x</a>",
    "<a href=' javascript:alert(1)'>x</a>",
    "[clic](javascript:alert(1))",
    "[clic](JAVASCRIPT:alert(1))",
    "[clic](&#106;avascript:alert(1))",
    "[clic](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[clic](vbscript:msgbox(1))",
    "![x](javascript:alert(1))",
    '![x](https://evil.example/x.png" onerror="alert(1))',
    '[x](https://example.org "title" onmouseover=alert(1))',
    "<div style='background:url(javascript:alert(1))'>x</div>",
    '<p style="behavior:url(x.htc)">x</p>',
    "<style>*{background:url(javascript:alert(1))}</style>",
    "<link rel=stylesheet href=javascript:alert(1)>",
    "<meta http-equiv=refresh content='0;url=javascript:alert(1)'>",
    "<base href=javascript:alert(1)//>",
    "<form action=javascript:alert(1)><button>x</button></form>",
    "<input onfocus=alert(1) autofocus>",
    "<select onfocus=alert(1) autofocus>",
    "<textarea onfocus=alert(1) autofocus>",
    "<details open ontoggle=alert(1)>",
    "<marquee onstart=alert(1)>",
    "<video><source onerror=alert(1)></video>",
    "<audio src=x onerror=alert(1)>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    "<!--<img src=x onerror=alert(1)>-->",
    "<![CDATA[<script>alert(1)</script>]]>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "<<script>alert(1)//<</script>",
    '"><script>alert(1)</script>',
    "'><img src=x onerror=alert(1)>",
    '<a href="https://example.org" onclick="alert(1)">ok</a>',
    "<strong onmouseover=alert(1)>gras</strong>",
    "<em style=color:red>x</em>",
    "<blockquote cite=javascript:alert(1)>x</blockquote>",
    "<template><script>alert(1)</script></template>",
    "%3Cscript%3Ealert(1)%3C/script%3E",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    '<a href="//evil.example">protocol-relative</a>',
    "<isindex type=image src=1 onerror=alert(1)>",
    "<x onclick=alert(1)>click</x>",
]

SAFE_TAGS = {"p", "br", "em", "strong", "a", "blockquote"}
SAFE_SCHEMES = ("http://", "https://", "mailto:")


class MarkupInspector(HTMLParser):
    """Collects every element and attribute a browser would build from the HTML."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems = []

    def handle_starttag(self, tag, attrs):
        if tag not in SAFE_TAGS:
            self.problems.append(f"element <{tag}>")
        for name, value in attrs:
            if name.startswith("on") or name in ("style", "src", "srcdoc", "action", "formaction"):
                self.problems.append(f"attribute {name}")
            if name == "href" and not (value or "").strip().lower().startswith(SAFE_SCHEMES):
                self.problems.append(f"href {value!r}")


def executable_markup(html):
    inspector = MarkupInspector()
    inspector.feed(html)
    inspector.close()
    return inspector.problems


def test_the_corpus_is_large_enough():
    assert len(PAYLOADS) >= 50


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payload_never_yields_executable_markup(payload):
    html = render_comment(payload)
    assert executable_markup(html) == [], html


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payload_wrapped_in_text_stays_harmless(payload):
    html = render_comment(f"Avant {payload} après **gras**")
    assert executable_markup(html) == [], html


def test_light_formatting_is_kept():
    html = render_comment("*italique*, **gras** et [un lien](https://example.org)\n\n> une citation")
    assert "<em>italique</em>" in html
    assert "<strong>gras</strong>" in html
    assert '<a href="https://example.org" rel="nofollow ugc noopener">un lien</a>' in html
    assert "<blockquote>" in html


def test_raw_html_is_shown_as_text():
    assert "&lt;b&gt;" in render_comment("<b>pas du HTML</b>")


def test_comment_page_escapes_names(client, django_user_model, db):
    from .factories import CommentFactory, UserFactory

    comment = CommentFactory(author=UserFactory(display_name="<script>alert('nom')</script>"))
    html = client.get(comment.article.get_absolute_url()).content.decode()
    assert "<script>alert('nom')" not in html
    assert "&lt;script&gt;" in html
