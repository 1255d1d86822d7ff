from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SavedConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "saved"
    verbose_name = _("Ma liste")

    def ready(self):
        from . import signals  # noqa: F401
