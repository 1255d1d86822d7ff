"""What this visit to an article page gives the reader: the access rule's decision, and the
free article of the month spent when the rule says one would open the piece."""

from infrastructure.readcounts import is_real_visit
from subscriptions.access import free_article_spend, reading_for


def reading_of_visit(request, *, article):
    # A prefetch or a HEAD (`is_real_visit`) must not spend a free article.
    reading = reading_for(user=request.user, article=article)
    if reading.spends_free_article and is_real_visit(request):
        return free_article_spend(user=request.user, article=article)
    return reading
