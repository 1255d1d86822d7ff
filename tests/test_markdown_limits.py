"""Markdown as a weapon: what a stranger types costs time in proportion to its length.

Before the bounds, 5,000 `[` took 5 to 12 seconds to render (comments and article bodies
alike) and `"1. "` repeated 497 times raised a RecursionError: a 500 when posted. The
timings below are generous ceilings on a shared machine (honest text renders in
milliseconds); what they catch is time in the square of the length.
"""

import time

import pytest
from pytest_django.asserts import assertContains

from articles.rendering import MAX_BODY_LENGTH, render_markdown
from comments.formatting import render_comment
from comments.models import Comment
from infrastructure.markdown_limits import MAX_DEPTH

from .factories import ArticleFactory, UserFactory, moderation_rules, staff_member

PATHOLOGICAL = {
    "brackets": "[" * 5000,
    "brackets-and-parentheses": "[](" * 1666,
    "link-text-opened": "[a](" * 1250,
    "parenthesis-brackets": "([" * 2500,
    "footnote-like": "[^" * 2500,
    "nested-links": "[" * 1000 + "a" + "](https://example.org)" * 150,
    "ordered-list-nesting": "1. " * 497,
    "bullet-nesting": "+ " * 1000 + "x",
    "quote-nesting": "> " * 2000 + "x",
    "mixed-nesting": "* 1. > " * 700,
}
RENDERERS = {"comment": render_comment, "article": render_markdown}


def rendering_time(render, text):
    start = time.perf_counter()
    html = render(text)
    return time.perf_counter() - start, html


@pytest.mark.parametrize("renderer", RENDERERS)
@pytest.mark.parametrize("name", PATHOLOGICAL)
def test_pathological_input_renders_fast_and_keeps_its_text(renderer, name):
    seconds, html = rendering_time(RENDERERS[renderer], PATHOLOGICAL[name])
    assert seconds < 1
    assert html  # shown as text, not lost


@pytest.mark.parametrize(
    ("renderer", "text", "tag"),
    [
        ("article", "1. " * 497 + "fin", "<ol"),
        ("article", "> " * 497 + "fin", "<blockquote"),
        ("comment", "> " * 497 + "fin", "<blockquote"),  # comments have no lists
    ],
)
def test_nesting_stops_at_the_bound_and_the_rest_stays_text(renderer, text, tag):
    html = RENDERERS[renderer](text)
    assert 1 <= html.count(tag) <= MAX_DEPTH
    assert "fin" in html


@pytest.mark.parametrize("renderer", RENDERERS)
def test_honest_markdown_is_untouched_by_the_bounds(renderer):
    text = "Un [lien](https://example.org) et *un mot*.\n\n> Une citation\n> > dans une citation"
    html = RENDERERS[renderer](text)
    assert '<a href="https://example.org"' in html and "<em>un mot</em>" in html
    assert html.count("<blockquote>") == 2


def test_link_after_a_long_text_is_still_a_link():
    text = "Du texte. " * 900 + "[la source](https://example.org)"
    assert '<a href="https://example.org"' in render_markdown(text)


@pytest.mark.django_db
@pytest.mark.usefixtures("no_comment_rate_limits")
@pytest.mark.parametrize("name", ["brackets", "ordered-list-nesting", "quote-nesting"])
def test_posting_a_pathological_comment_is_no_500(client, name):
    moderation_rules(new_commenter_threshold=0)
    client.force_login(UserFactory())
    article = ArticleFactory()
    response = client.post(f"/commentaires/articles/{article.slug}/", {"text": PATHOLOGICAL[name][:5000]})
    assert response.status_code == 302
    assert Comment.objects.get().body_html
    assert client.get(article.get_absolute_url()).status_code == 200


@pytest.mark.django_db
def test_the_markdown_preview_is_bounded_capped_and_rate_limited(client):
    client.force_login(staff_member("Authors"))
    url = "/admin/articles/article/apercu-markdown/"
    response = client.post(url, {"body": PATHOLOGICAL["brackets"]})
    assert response.status_code == 200 and "[[[" in response.json()["html"]
    too_long = client.post(url, {"body": "mot " * (MAX_BODY_LENGTH // 4 + 1)})
    assert too_long.status_code == 400
    assert "60000 au plus" in too_long.json()["errors"][0]
    statuses = [client.post(url, {"body": "Un mot."}).status_code for _ in range(59)]  # 60 a minute in all
    assert statuses[-2:] == [200, 429]


@pytest.mark.django_db
def test_the_article_form_refuses_a_body_longer_than_the_cap(client):
    client.force_login(staff_member("Editors"))
    response = client.get("/admin/articles/article/add/")
    assertContains(response, f'maxlength="{MAX_BODY_LENGTH}"')
