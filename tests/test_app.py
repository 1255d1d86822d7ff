"""The installable app: the manifest and its icons, the service worker served at the root,
the offline page, the reader's offline cache named for them alone, sign-out telling the
browser to forget it, and the app promotion without store links."""

import re

import pytest
from django.contrib.staticfiles import finders
from django.test import RequestFactory
from PIL import Image

from infrastructure import page_cache
from saved.selectors import offline_cache_key

from .factories import ArticleFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_the_manifest_describes_an_installable_app(client):
    response = client.get("/manifest.webmanifest")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    manifest = response.json()
    assert manifest["name"] == "Newsreader" and manifest["short_name"] == "Newsreader"
    assert manifest["lang"] == "fr"
    assert manifest["display"] == "standalone"
    assert manifest["start_url"] == "/?utm_source=pwa" and manifest["scope"] == "/"
    assert re.fullmatch(r"#[0-9a-f]{6}", manifest["theme_color"])
    assert re.fullmatch(r"#[0-9a-f]{6}", manifest["background_color"])
    sizes = {(icon["sizes"], icon["purpose"]) for icon in manifest["icons"]}
    assert sizes == {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")}


def test_the_icons_are_real_pngs_of_the_sizes_announced(client):
    for icon in client.get("/manifest.webmanifest").json()["icons"]:
        path = finders.find(icon["src"].removeprefix("/static/"))
        with Image.open(path) as image:
            assert image.format == "PNG"
            assert f"{image.width}x{image.height}" == icon["sizes"]
            if icon["purpose"] == "maskable":
                # Full bleed: the mask may cut any corner, so none is transparent.
                assert image.convert("RGBA").getpixel((0, 0))[3] == 255


def test_the_app_opens_on_the_cached_front_page():
    """`utm_source` is a tracking parameter: the app's start address shares the front
    page's cache entry instead of making one of its own."""
    factory = RequestFactory()
    assert page_cache.page_key(factory.get("/?utm_source=pwa")) == page_cache.page_key(factory.get("/"))


def test_every_page_links_the_manifest_and_theme_colour(client):
    page = client.get("/").content.decode()
    assert '<link rel="manifest" href="/manifest.webmanifest">' in page
    assert '<meta name="theme-color" content="#9b1c1c">' in page
    assert '<script src="/static/js/app.js" defer></script>' in page


def test_the_service_worker_is_served_at_the_root(client):
    response = client.get("/sw.js")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Cache-Control"] == "no-cache"
    assert "script-src 'self'" in response["Content-Security-Policy"]
    script = response.content.decode()
    assert '"offline": "/hors-ligne/"' in script
    assert "/static/css/site.css" in script
    assert 'credentials: "omit"' in script  # the offline page kept is the anonymous one


def test_the_service_worker_changes_with_the_assets_it_keeps(client, settings):
    first = re.search(r'"version": "(\w+)"', client.get("/sw.js").content.decode())[1]
    settings.STATIC_URL = "/assets/"
    second = re.search(r'"version": "(\w+)"', client.get("/sw.js").content.decode())[1]
    assert first != second


def test_the_offline_page(client):
    response = client.get("/hors-ligne/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Vous êtes hors ligne</h1>" in page
    assert "data-offline-saved hidden" in page and "/static/js/offline.js" in page


def test_each_signed_in_reader_has_an_opaque_offline_cache_of_their_own(client):
    first, second = UserFactory(email="camille@example.com"), UserFactory()
    client.force_login(first)
    page = client.get("/").content.decode()

    key = offline_cache_key(user=first)
    assert f'data-reader="{key}"' in page
    assert re.fullmatch(r"[0-9a-f]{32}", key)
    assert key != offline_cache_key(user=second)
    assert "camille" not in key and str(first.pk) != key


def test_anonymous_pages_name_no_reader(client):
    assert "data-reader" not in client.get(ArticleFactory().get_absolute_url()).content.decode()


def test_signing_out_tells_the_browser_to_forget_the_readers_copies(client):
    client.force_login(UserFactory())

    response = client.post("/comptes/logout/")

    assert response.status_code == 302
    assert response["Clear-Site-Data"] == '"cache", "storage"'
    assert "_auth_user_id" not in client.session


def test_the_sign_out_confirmation_page_clears_nothing(client):
    client.force_login(UserFactory())
    response = client.get("/comptes/logout/")
    assert response.status_code == 200 and "Clear-Site-Data" not in response


def test_the_app_promotion_offers_installing_not_stores(client):
    page = client.get(ArticleFactory().get_absolute_url()).content.decode()
    promo = page[page.index('class="promo promo--app"') :][:2500]
    assert "apps.apple.com" not in promo and "play.google.com" not in promo
    assert "<p data-install hidden>" in promo and "Installer l'application</button>" in promo
    assert "Partager, puis « Sur l'écran d'accueil »" in promo  # iOS Safari's way, shown without JavaScript
