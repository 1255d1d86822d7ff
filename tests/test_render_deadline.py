"""A text too costly to format is shown as plain paragraphs, within a deadline, never lost."""

import time

import pytest

from articles import rendering
from articles.rendering import render_markdown
from infrastructure import deadline


def slow(seconds):
    time.sleep(seconds)
    return "<p>fini</p>"


def test_a_computation_past_its_deadline_is_stopped():
    started = time.monotonic()
    with pytest.raises(deadline.DeadlinePassed):
        deadline.within(0.3, slow, 30)
    assert time.monotonic() - started < 5


def test_a_computation_within_its_deadline_gives_its_result_and_its_errors():
    assert deadline.within(5, slow, 0) == "<p>fini</p>"
    with pytest.raises(ZeroDivisionError):
        deadline.within(5, divmod, 1, 0)


def test_a_body_that_takes_too_long_to_format_is_kept_as_plain_paragraphs(monkeypatch):
    monkeypatch.setattr(rendering, "RENDER_DEADLINE_SECONDS", 0.3)
    monkeypatch.setattr(rendering, "_markdown_to_html", lambda text: slow(30))
    text = "Premier *paragraphe* <script>x</script>.\n\n" + "Deuxième paragraphe. " * 300
    html = render_markdown(text)
    assert html.fell_back
    assert html.startswith("<p>Premier *paragraphe* &lt;script&gt;x&lt;/script&gt;.</p>")
    assert html.count("<p>") == 2


def test_pathological_html_in_a_long_body_is_bounded():
    """Unclosed tags cost Python-Markdown minutes at this length before the deadline."""
    started = time.monotonic()
    html = render_markdown("<a " * 20_000)
    assert time.monotonic() - started < rendering.RENDER_DEADLINE_SECONDS + 3
    assert "<script" not in html


def test_an_ordinary_long_body_is_formatted():
    html = render_markdown("Un paragraphe avec de l'*emphase*.\n\n" * 200)
    assert not html.fell_back
    assert "<em>emphase</em>" in html
