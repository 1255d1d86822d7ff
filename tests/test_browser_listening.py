"""Listening in a real browser: the recorded audio with its duration once the worker has
made it, and the browser's own voice until then."""

import pytest
from django.core.management import call_command

from articles.models import Article

from .browser import ARTIFACTS
from .factories import ArticleFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BODY = "\n\n".join(f"Le paragraphe numéro {n} raconte la rénovation des écoles de la ville." for n in range(1, 7))


def test_reader_listens_to_the_recorded_article(page, speech_tools):
    article = ArticleFactory(title="Les écoles rénovées", body=BODY, access=Article.Access.SUBSCRIBERS)
    call_command("db_worker", batch=True, verbosity=0)
    article.refresh_from_db()

    page.goto(page.base_url + article.get_absolute_url())
    aids = page.locator("#ecouter")
    player = aids.locator("audio")
    assert player.is_visible()
    assert aids.get_by_text(f"durée {int(article.audio.public_seconds)} s").is_visible()
    # The browser reads the file served to this reader (the public part) and finds its length.
    duration = player.evaluate(
        """audio => new Promise((resolve, reject) => {
            audio.addEventListener("loadedmetadata", () => resolve(audio.duration), { once: true });
            audio.addEventListener("error", () => reject(audio.error && audio.error.code), { once: true });
            audio.preload = "metadata";
            audio.load();
        })"""
    )
    assert abs(duration - article.audio.public_seconds) < 1
    page.get_by_role("heading", name="L'essentiel").scroll_into_view_if_needed()
    assert page.get_by_text("Résumé automatique").is_visible()
    page.locator(".aids").screenshot(path=ARTIFACTS / "reading-aids.png")


def test_until_the_file_is_ready_the_browser_reads_aloud(page):
    article = ArticleFactory(title="Un article tout frais", body=BODY)
    page.goto(page.base_url + article.get_absolute_url())
    assert page.get_by_text("La version audio de cet article est en préparation").is_visible()
    button = page.get_by_role("button", name="Écouter avec la voix de votre navigateur")
    assert button.is_visible()  # shown by the script, where the browser can speak
    button.click()
    assert page.get_by_role("button", name="Arrêter la lecture").is_visible()
    page.get_by_role("button", name="Arrêter la lecture").click()
    assert button.is_visible()
