"""Reads of the page layer's own content: the publisher's pages."""

from infrastructure.page_cache import remember

from .models import InfoPage


def footer_links(*, language, generation):
    """The publisher's pages as the footer lists them, in this language: kept per process
    under the site's generation, so the footer costs no query once built (one when it is
    built; any change retires it)."""

    def build():
        pages = InfoPage.objects.only("slug", "title", "title_en", "body_en_html")
        return [{"url": page.get_absolute_url(), "title": page.title_in(language)} for page in pages]

    return remember(f"footer-links:{language}", build, generation=generation)
