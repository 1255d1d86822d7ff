"""The section menu every page shows, cached so that it costs no query per page."""

from infrastructure.page_cache import remember


def navigation_sections(*, generation):
    from .models import Section

    # Names and slugs only: URLs depend on the language of the request.
    return remember("navigation:sections", lambda: list(Section.objects.values("name", "slug")), generation=generation)


def filter_choices(*, generation):
    """The sections and sources a search may be narrowed to (pk, name, slug), cached like the menu."""
    from .models import Section, Source

    def build():
        return {
            "sections": list(Section.objects.values("pk", "name", "slug")),
            "sources": list(Source.objects.values("pk", "name", "slug")),
        }

    return remember("navigation:filters", build, generation=generation)
