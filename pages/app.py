"""The installable app (a progressive web app): its manifest, its service worker and the
page it shows when there is no network.

The worker is served by a view, not as a static file: it must live at the site's root
(its address is its scope), name the static files' current addresses (hashed in
production) to keep them for offline use, and carry a version that changes with them, so
browsers install the new worker when the site's assets change.
"""

import hashlib
import json

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render
from django.template.loader import get_template
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from infrastructure import scopes
from infrastructure.scopes import depends_on

# What the worker keeps at installation: the page shown offline and what pages are made of.
PRECACHED_STATIC = [
    "css/site.css",
    "js/app.js",
    "js/saved.js",
    "js/offline.js",
    "img/favicon.svg",
    "img/app-icon-192.png",
]
ICONS = [
    ("img/app-icon-192.png", "192x192", "any"),
    ("img/app-icon-512.png", "512x512", "any"),
    ("img/app-icon-maskable-512.png", "512x512", "maskable"),
]
# The home page as the app opens it: `utm_source` is a tracking parameter, which the page
# cache leaves out of a page's key (infrastructure/page_cache.py), so this is the cached
# front page, while statistics can still tell the app's visits apart.
START_URL = "/?utm_source=pwa"


@require_GET
def manifest(request):
    data = {
        "name": "Newsreader",
        "short_name": "Newsreader",
        "description": _("L'actualité des grands journaux, créditée à sa source, à lire et à discuter."),
        "lang": "fr",
        "dir": "ltr",
        "id": "/",
        "start_url": START_URL,
        "scope": "/",
        "display": "standalone",
        "theme_color": settings.NEWSREADER_APP_THEME_COLOR,
        "background_color": settings.NEWSREADER_APP_BACKGROUND_COLOR,
        "icons": [
            {"src": static(path), "sizes": sizes, "type": "image/png", "purpose": purpose}
            for path, sizes, purpose in ICONS
        ],
    }
    response = JsonResponse(data, content_type="application/manifest+json", json_dumps_params={"ensure_ascii": False})
    response["Cache-Control"] = "public, max-age=86400"
    return response


@require_GET
def service_worker(request):
    """The worker's script. `no-cache`: the browser checks it at every visit (it would anyway
    within a day), so a fixed worker reaches readers at once."""
    assets = [static(path) for path in PRECACHED_STATIC]
    offline_url = reverse("articles:offline")
    version = hashlib.sha256(json.dumps([assets, offline_url, _worker_source_version()]).encode()).hexdigest()[:12]
    config = {
        "version": version,
        "offline": offline_url,
        "assets": assets,
        "static": settings.STATIC_URL,
        "never": [f"/{settings.ADMIN_PATH}", "/compte/", "/comptes/", "/abonnement/", "/en/compte/", "/en/comptes/"],
        "articles": ["/articles/", "/en/articles/"],
    }
    # Every value here is the site's own (addresses, a hash): JSON is the script's literal.
    response = render(
        request, "pages/sw.js", {"config": json.dumps(config)}, content_type="text/javascript; charset=utf-8"
    )
    response["Cache-Control"] = "no-cache"
    return response


def _worker_source_version():
    """A change to the worker's own code is a new worker too."""
    return hashlib.sha256(get_template("pages/sw.js").template.source.encode()).hexdigest()


def offline(request):
    """ "Vous êtes hors ligne": the page the worker shows when a page cannot be reached. The
    worker fetches it without cookies, so what it keeps is the anonymous page, the same for
    everyone; the reader's saved articles are listed by the page's script from their own cache."""
    depends_on(request, scopes.SITE)
    return render(request, "pages/offline.html")
