from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = _("Articles")

    def ready(self):
        from infrastructure import readcounts, scopes

        from . import signals, tasks  # noqa: F401
        from .models import Article

        # Reads counted in the cache go to the background worker, a batch per window.
        readcounts.on_drain(tasks.enqueue_drained)

        # A scheduled article appears in the lists at its time: the lists scope retires then.
        scopes.schedule_retirement(scopes.LISTS, Article.objects.next_publication_time)
