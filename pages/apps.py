from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PagesConfig(AppConfig):
    name = "pages"
    verbose_name = _("Pages")

    def ready(self):
        from infrastructure import scopes

        from .edge import purge_scopes

        # Every committed change purges its pages at the edge cache (when there is one).
        scopes.on_change(purge_scopes)

        from . import signals  # noqa: F401  (a publisher's page retires the site's scope)
