"""What a page says of itself to search engines and social networks: its canonical address,
its other languages, its share card (OpenGraph, Twitter) and its structured data.

An article's card is built from `Article.public_view` alone: a gated piece is described
by its standfirst, never by a word of what it keeps for subscribers.
"""

import json
from urllib.parse import quote, urlencode

from django import template
from django.conf import settings
from django.templatetags.static import static
from django.urls import reverse, translate_url
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

register = template.Library()

# Query parameters that name a different page (the rest, like utm_*, never does).
CANONICAL_PARAMETERS = ("q", "rubrique", "source", "periode", "tri", "page")
SHARE_CARD = ("img/share-card.png", 1200, 630)
OG_LOCALES = {"fr": "fr_FR", "en": "en_GB"}
JSON_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def canonical_path(request):
    """This page's address without tracking parameters, nor `page=1`."""
    kept = [
        (name, request.GET[name])
        for name in CANONICAL_PARAMETERS
        if request.GET.get(name) and not (name == "page" and request.GET[name] == "1")
    ]
    return request.path + (f"?{urlencode(kept)}" if kept else "")


@register.inclusion_tag("pages/includes/share_meta.html", takes_context=True)
def share_meta(context, title="", description="", article=None):
    request = context["request"]
    path = canonical_path(request)
    absolute = request.build_absolute_uri
    language = get_language()
    card = {
        "type": "website",
        "title": title or _("Newsreader : l'actualité, sourcée"),
        "description": description or _("L'actualité des grands journaux, créditée à sa source, à lire et à discuter."),
        "image": absolute(static(SHARE_CARD[0])),
        "image_width": SHARE_CARD[1],
        "image_height": SHARE_CARD[2],
        "image_alt": "Newsreader",
    }
    if article is not None:
        view = article.public_view
        card.update(type="article", title=view.title, description=view.standfirst or view.excerpt)
        renditions = article.hero_renditions or {}
        if view.image and renditions.get("width"):
            card.update(
                image=absolute(view.image.url),
                image_width=renditions["width"],
                image_height=renditions["height"],
                image_alt=view.image_alt,
            )
    alternates = [(code, absolute(translate_url(path, code))) for code, _name in settings.LANGUAGES]
    return {
        "card": card,
        "canonical": absolute(path),
        "alternates": alternates,
        "x_default": absolute(translate_url(path, settings.LANGUAGE_CODE)),
        "locale": OG_LOCALES.get(language, "fr_FR"),
        "other_locales": [locale for code, locale in OG_LOCALES.items() if code != language],
    }


def json_ld(data):
    payload = json.dumps(data, ensure_ascii=False).translate(JSON_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(payload))  # noqa: S308


def _organization(request):
    return {
        "@type": "NewsMediaOrganization",
        "@id": request.build_absolute_uri("/#organization"),
        "name": "Newsreader",
        "url": request.build_absolute_uri("/"),
        "logo": {"@type": "ImageObject", "url": request.build_absolute_uri(static("img/favicon.svg"))},
    }


@register.simple_tag(takes_context=True)
def site_json_ld(context):
    """schema.org Organization and WebSite, with the SearchAction that points at our search."""
    request = context["request"]
    search = request.build_absolute_uri(reverse("articles:search"))
    return json_ld(
        {
            "@context": "https://schema.org",
            "@graph": [
                _organization(request),
                {
                    "@type": "WebSite",
                    "name": "Newsreader",
                    "url": request.build_absolute_uri("/"),
                    "inLanguage": "fr",
                    "publisher": {"@id": request.build_absolute_uri("/#organization")},
                    "potentialAction": {
                        "@type": "SearchAction",
                        "target": {"@type": "EntryPoint", "urlTemplate": f"{search}?q={{search_term_string}}"},
                        "query-input": "required name=search_term_string",
                    },
                },
            ],
        }
    )


@register.simple_tag(takes_context=True)
def breadcrumb_json_ld(context, article):
    """schema.org BreadcrumbList: home, the section, the article."""
    request = context["request"]
    trail = [(_("Accueil"), reverse("articles:home"))]
    if article.section:
        trail.append((article.section.name, article.section.get_absolute_url()))
    trail.append((article.title, article.get_absolute_url()))
    return json_ld(
        {
            "@context": "https://schema.org",
            "@type": "BreadcrumbList",
            "itemListElement": [
                {"@type": "ListItem", "position": position, "name": name, "item": request.build_absolute_uri(url)}
                for position, (name, url) in enumerate(trail, start=1)
            ],
        }
    )


@register.inclusion_tag("pages/includes/share_buttons.html", takes_context=True)
def share_buttons(context, article):
    """Plain links to share an article: no third-party script, nothing loaded until a click."""
    request = context["request"]
    url = request.build_absolute_uri(article.get_absolute_url())
    title = article.title
    encoded_url, encoded_title = quote(url, safe=""), quote(title, safe="")
    return {
        "url": url,
        "title": title,
        "links": [
            (_("E-mail"), f"mailto:?subject={encoded_title}&body={encoded_url}", "email"),
            ("X", f"https://x.com/intent/post?text={encoded_title}&url={encoded_url}", "x"),
            ("Facebook", f"https://www.facebook.com/sharer/sharer.php?u={encoded_url}", "facebook"),
            ("LinkedIn", f"https://www.linkedin.com/sharing/share-offsite/?url={encoded_url}", "linkedin"),
            ("WhatsApp", f"https://wa.me/?text={quote(f'{title} {url}', safe='')}", "whatsapp"),
        ],
    }


@register.filter
def w3c_datetime(moment):
    """A date as sitemaps want it: ISO 8601 to the second, with the offset ("+01:00")."""
    return timezone.localtime(moment).isoformat(timespec="seconds") if moment else ""
