"""The headers that tell browsers what the site may do: CSP without inline code, and the rest."""

import re
from pathlib import Path

import pytest
from django.conf import settings

from .factories import ArticleFactory, UserFactory

pytestmark = pytest.mark.django_db

TEMPLATES = Path(settings.BASE_DIR) / "templates"


def policy(response):
    return {
        directive.split()[0]: directive.split()[1:]
        for directive in response["Content-Security-Policy"].split(";")
        if directive.strip()
    }


@pytest.fixture
def pages():
    article = ArticleFactory()
    return ["/", article.get_absolute_url(), article.section.get_absolute_url(), "/comptes/login/", "/robots.txt"]


def test_every_page_forbids_inline_code_and_foreign_sources(client, pages):
    for url in pages:
        csp = policy(client.get(url))
        assert csp["default-src"] == ["'self'"], url
        assert csp["frame-ancestors"] == ["'none'"] and csp["object-src"] == ["'none'"], url
        for directive in ("script-src", "style-src"):
            assert "'unsafe-inline'" not in csp[directive], url
            assert "'unsafe-eval'" not in csp[directive], url


def test_public_pages_need_no_nonce_so_they_can_be_cached_whole(client, pages):
    for url in pages:
        assert "nonce-" not in client.get(url)["Content-Security-Policy"], url


def test_signed_in_pages_too(client, pages):
    client.force_login(UserFactory())
    for url in [*pages, "/compte/"]:
        response = client.get(url)
        assert "'unsafe-inline'" not in response["Content-Security-Policy"], url


def test_browser_features_and_windows_are_locked_down(client):
    response = client.get("/")
    assert "camera=()" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]
    assert "publickey-credentials" not in response["Permissions-Policy"]  # passkeys keep working
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"


def page_templates():
    """Every template a browser renders (e-mails are not subject to a CSP)."""
    return [path for path in TEMPLATES.rglob("*.html") if "email" not in path.parts]


@pytest.mark.parametrize("template", page_templates(), ids=lambda path: str(path.relative_to(TEMPLATES)))
def test_no_template_has_inline_script_style_or_handler(template):
    """Under the CSP an inline script, style or on…= handler would silently do nothing."""
    source = template.read_text()
    assert not re.search(r"<style\b", source), "inline <style>: use a static CSS file"
    assert not re.search(r"\sstyle=", source), "style attribute: use a class"
    assert not re.search(r"\son[a-z]+=", source), "inline event handler: use a static script"
    for tag in re.findall(r"<script\b[^>]*>", source):
        assert "src=" in tag or "application/ld+json" in tag or "application/json" in tag, tag
