"""What this visit to an article page gives the reader: the access rule's decision, and the
free article of the month spent when the rule says one would open the piece."""

from subscriptions.access import free_article_spend, reading_for

# Browsers and proxies announce speculative loads: they must not spend a free article.
PREFETCH_HEADERS = {"Sec-Purpose": "prefetch", "Purpose": "prefetch", "X-Moz": "prefetch", "X-Purpose": "preview"}


def is_real_visit(request):
    """A reader opening the page: a GET that is not a prefetch (a HEAD is not a visit)."""
    if request.method != "GET":
        return False
    return not any(value in request.headers.get(name, "").lower() for name, value in PREFETCH_HEADERS.items())


def reading_of_visit(request, *, article):
    reading = reading_for(user=request.user, article=article)
    if reading.spends_free_article and is_real_visit(request):
        return free_article_spend(user=request.user, article=article)
    return reading
