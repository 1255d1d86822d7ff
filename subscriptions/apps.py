from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SubscriptionsConfig(AppConfig):
    name = "subscriptions"
    verbose_name = _("Abonnements")

    def ready(self):
        from . import checks  # noqa: F401  (registers the Stripe settings check)
