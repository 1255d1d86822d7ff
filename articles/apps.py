from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = _("Articles")

    def ready(self):
        from infrastructure import scopes

        from . import signals  # noqa: F401
        from .models import Article

        # A scheduled article appears in the lists at its time: the lists scope retires then.
        scopes.schedule_retirement(scopes.LISTS, Article.objects.next_publication_time)
