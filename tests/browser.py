"""Set-up for the browser tests (the `page` fixture): Debian's Chromium driven by Playwright.

Where Chromium is missing the tests skip with a reason, unless REQUIRE_BROWSER is set
(as .ci/run does), in which case they fail: CI must never pass without them.
"""

import os
from pathlib import Path

import pytest
from django.db import connections

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"


@pytest.fixture
def page(live_server, monkeypatch):
    if not Path(CHROMIUM).exists():
        message = f"Chromium not found at {CHROMIUM}: `make test` installs it where apt can."
        if os.environ.get("REQUIRE_BROWSER"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop; the test's own database calls stay synchronous.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="fr-FR")
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.base_url = live_server.url
        yield page
        # The test body ran while Playwright's event loop was current, so Django kept its
        # database connection apart: close it here, or PostgreSQL cannot drop the test database.
        connections.close_all()
        browser.close()
