from django import template
from django.core.files.storage import default_storage
from django.urls import translate_url
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html

from ..ages import relative_age
from ..images import srcset

register = template.Library()


@register.simple_tag
def age(moment):
    """A <time> element: machine-readable ISO date, localized relative age, full date on hover."""
    if moment is None:
        return ""
    local = timezone.localtime(moment)
    return format_html(
        '<time datetime="{}" title="{}">{}</time>',
        local.isoformat(timespec="seconds"),
        date_format(local, "DATETIME_FORMAT"),
        relative_age(moment),
    )


@register.inclusion_tag("articles/includes/picture.html")
def article_image(article, sizes="100vw", priority=False):
    """The article's image with its WebP renditions in srcset and its intrinsic size."""
    renditions = article.hero_renditions or {}
    return {
        "src": article.hero_image.url if article.hero_image else "",
        "srcset": srcset(renditions, default_storage),
        "sizes": sizes,
        "width": renditions.get("width"),
        "height": renditions.get("height"),
        "alt": article.hero_alt,
        "priority": priority,
    }


@register.simple_tag(takes_context=True)
def url_in_language(context, language_code):
    """The address of the current page in another language."""
    request = context["request"]
    return translate_url(request.get_full_path(), language_code)
