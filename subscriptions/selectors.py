from django.db.models import Count, Q
from django.utils import timezone

from .models import Plan, PrivateFeed, Subscription


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


def private_feed_owner(*, token):
    """The reader whose private feed this secret opens, or None (unknown or revoked)."""
    if not token or len(token) > 100:
        return None
    feed = PrivateFeed.objects.filter(digest=PrivateFeed.digest_of(token)).select_related("user").first()
    return feed.user if feed is not None and feed.user.is_active else None


def private_feed_address(*, user):
    """The secret of this reader's private feed address, or None if they have none."""
    feed = PrivateFeed.objects.filter(user=user).only("salt").first()
    return PrivateFeed.token_for(feed.salt) if feed is not None else None
