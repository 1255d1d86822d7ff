from django.db.models import Count
from django.utils import timezone

from .models import Gift, GiftOffer, Payment, Plan, PrivateFeed, Subscription, gives_access

LAST_PAYMENTS = 5


def current_subscription(*, user):
    """The active subscription that ends last, if any."""
    return Subscription.objects.filter(user=user).active().select_related("plan").order_by("-ends_at").first()


def offered_plans():
    return list(Plan.objects.filter(is_active=True))


def plans_with_subscriber_counts():
    now = timezone.now()
    active = gives_access(now, prefix="subscription__")
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


def offered_gifts():
    return list(GiftOffer.objects.filter(is_active=True))


def card_subscription(*, user):
    """The reader's card subscription that gives access now, if any."""
    return Subscription.objects.filter(user=user).paid_by_card().active().select_related("plan").first()


def subscription_from_checkout(*, user, session_id):
    """The subscription a Checkout Session opened for this reader, once Stripe confirmed it."""
    if not session_id:
        return None
    return Subscription.objects.filter(user=user, stripe_checkout_session_id=session_id).first()


def gift_from_checkout(*, buyer, session_id):
    if not session_id:
        return None
    return Gift.objects.filter(buyer=buyer, stripe_checkout_session_id=session_id).select_related("offer").first()


def billing_for(*, user):
    """What "Mon compte" shows of money: the card subscription, the last payments and the
    gifts not yet redeemed. Three queries whatever the history."""
    return {
        "card_subscription": card_subscription(user=user),
        "payments": list(
            Payment.objects.filter(user=user).select_related("subscription__plan", "gift__offer")[:LAST_PAYMENTS]
        ),
        "unredeemed_gifts": list(
            Gift.objects.filter(buyer=user, status=Gift.Status.PAID, access_code__redemption_count=0).select_related(
                "offer", "access_code"
            )
        ),
    }
