"""`manage.py check` warns about a Stripe set-up that cannot work."""

from django.conf import settings
from django.core.checks import Warning, register


def _mode(key):
    return "test" if "_test_" in key else "live"


@register("payments", deploy=False)
def stripe_settings(app_configs, **kwargs):
    secret, publishable = settings.STRIPE_SECRET_KEY, settings.STRIPE_PUBLISHABLE_KEY
    problems = []
    if secret and not settings.STRIPE_WEBHOOK_SECRET:
        problems.append(
            Warning(
                "STRIPE_SECRET_KEY is set but STRIPE_WEBHOOK_SECRET is not: payments would never be confirmed.",
                hint="Add the webhook endpoint /abonnement/stripe/webhook/ in Stripe and copy its signing secret.",
                id="subscriptions.W001",
            )
        )
    if secret and publishable and _mode(secret) != _mode(publishable):
        problems.append(
            Warning(
                "STRIPE_SECRET_KEY and STRIPE_PUBLISHABLE_KEY are from different modes (test and live).",
                id="subscriptions.W002",
            )
        )
    return problems
