"""The infrastructure every app stands on: the page and fragment caches, the scopes that
retire them when content changes (and purge the edge cache), rate limits, the shared
cache that degrades instead of failing, the database router (replica reads, the reader's
own writes from the primary), the health answer, the middleware around each request, and
the bounds that keep Markdown rendering linear whatever a stranger types.

It is the bottom layer. It knows nothing of articles, comments or subscriptions, so every
app may import it and it imports none of them; what a scope *means* (which article,
which lists) is decided by the apps that call `content_changed()`.
"""
