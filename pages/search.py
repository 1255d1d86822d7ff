"""The search page: `/recherche/?q=…`, with filters, two orders and pages.

What a reader may search whole is `subscriptions.access`'s decision (`read_in_full_filter`):
anyone else matches and is quoted on a gated piece's public text only. Nothing here
spends a free article.

Result pages are never kept by the page cache: `q` is not one of its parameters
(NEWSREADER_PAGE_CACHE_PARAMETERS), so endless different questions cannot fill it; the
empty search page is kept like any other.
"""

from django.conf import settings
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone

from articles import search as catalogue_search
from articles.navigation import filter_choices
from infrastructure import scopes
from infrastructure.scopes import depends_on
from subscriptions.access import read_in_full_filter

from .forms import SearchForm


def search(request):
    generations = depends_on(request, scopes.SITE, scopes.LISTS)
    form = SearchForm(request.GET, **filter_choices(generation=scopes.token(generations)))
    context = {"form": form, "query": None}
    question = form.question()
    if question["text"].strip():
        context.update(search_results(request, question=question))
    context["filtered"] = form.filtered()
    return render(request, "pages/search.html", context)


def search_results(request, *, question):
    """One page of results for this reader, or what to try when there is none."""
    since = timezone.now() - question["period"] if question["period"] else None
    results = catalogue_search.search_articles(
        text=question["text"],
        reads_in_full=read_in_full_filter(user=request.user),
        section=question["section"],
        source=question["source"],
        since=since,
        order=catalogue_search.NEWEST if question["newest_first"] else catalogue_search.RELEVANCE,
    )
    parsed = catalogue_search.parse_query(question["text"])
    # A bad page number shows the nearest page: a search never ends on an error page.
    page = Paginator(results, settings.NEWSREADER_PAGE_SIZE).get_page(request.GET.get("page"))
    empty = not page.object_list
    return {
        "query": question["text"],
        "searchable": parsed.is_searchable,
        "page": page,
        "capped": results.capped,
        "page_query": _without_page(request),
        "suggestions": catalogue_search.similar_titles(text=question["text"]) if empty and parsed.is_searchable else [],
    }


def _without_page(request):
    """The address's query string without its page number, for the pagination links."""
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()
