from django.db.models import Count, Q
from django.utils import timezone

from .models import Plan, Subscription


def current_subscription(*, user):
    """The active subscription that ends last, if any."""
    return Subscription.objects.filter(user=user).active().select_related("plan").order_by("-ends_at").first()


def offered_plans():
    return list(Plan.objects.filter(is_active=True))


def plans_with_subscriber_counts():
    now = timezone.now()
    active = Q(subscription__starts_at__lte=now, subscription__ends_at__gt=now)
    return Plan.objects.annotate(subscribers=Count("subscription__user", filter=active, distinct=True))


def active_subscriber_count():
    return Subscription.objects.active().values("user").distinct().count()
