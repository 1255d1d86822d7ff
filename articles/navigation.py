"""The section menu every page shows, cached so that it costs no query per page."""

from infrastructure.page_cache import remember


def navigation_sections(*, generation):
    from .models import Section

    # Names and slugs only: URLs depend on the language of the request.
    return remember("navigation:sections", lambda: list(Section.objects.values("name", "slug")), generation=generation)
