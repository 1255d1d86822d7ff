"""Which addresses a change makes stale at the edge cache: the page layer knows them."""

from django.urls import reverse
from django.utils import translation

from articles.models import Article, Section
from infrastructure import edge, scopes


def paths_for(changed):
    """The addresses, in every language, of the pages built from these scopes.

    An article's page for its own scope; the front page, the news feed and each section's
    first page for the lists (deeper pages and the tag, source and author lists are not
    named here: they expire at the edge after their max-age).
    """
    names = []
    slugs = [scope.split(":", 1)[1] for scope in changed if scope.startswith("article:")]
    if slugs:
        for slug in Article.objects.filter(pk__in=slugs).values_list("slug", flat=True):
            names.append(("articles:detail", {"slug": slug}))
    if scopes.LISTS in changed or scopes.SITE in changed:
        names += [("articles:home", {}), ("articles:latest", {})]
        names += [("articles:section", {"slug": slug}) for slug in Section.objects.values_list("slug", flat=True)]
    paths = []
    for language in ("fr", "en"):
        with translation.override(language):
            paths += [reverse(name, kwargs=kwargs) for name, kwargs in names]
    return paths


def purge_scopes(changed):
    edge.purge(paths_for(changed))
