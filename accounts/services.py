"""What a reader can do with their own account: see their data, take it away, close it."""

from allauth.account.models import EmailAddress
from django.db import transaction
from django.utils import timezone

from comments.models import Comment
from newsletters.models import Subscriber
from saved.models import SavedArticle
from subscriptions.billing import card_subscriptions_stop
from subscriptions.models import Gift, MeteredRead, Payment, Redemption, Subscription


def account_export(*, user):
    """Everything we hold about this person, as plain data (the "download my data" file)."""

    def moment(value):
        return value.isoformat() if value else None

    return {
        "exported_at": moment(timezone.now()),
        "account": {
            "email": user.email,
            "display_name": user.display_name,
            "date_joined": moment(user.date_joined),
            "last_login": moment(user.last_login),
        },
        "email_addresses": [
            {"email": address.email, "verified": address.verified, "primary": address.primary}
            for address in EmailAddress.objects.filter(user=user)
        ],
        "subscriptions": [
            {
                "plan": subscription.plan.name if subscription.plan else None,
                "starts_at": moment(subscription.starts_at),
                "ends_at": moment(subscription.ends_at),
                "origin": subscription.origin,
            }
            for subscription in Subscription.objects.filter(user=user).select_related("plan")
        ],
        "payments": [
            {
                "amount": str(payment.amount),
                "currency": payment.currency,
                "status": payment.status,
                "date": moment(payment.occurred_at),
            }
            for payment in Payment.objects.filter(user=user)
        ],
        "gifts_bought": [
            {
                "recipient_email": gift.recipient_email,
                "months": gift.offer.months,
                "status": gift.status,
                "paid_at": moment(gift.paid_at),
            }
            for gift in Gift.objects.filter(buyer=user).select_related("offer")
        ],
        "access_codes_redeemed": [
            {"code": redemption.access_code.code, "redeemed_at": moment(redemption.redeemed_at)}
            for redemption in Redemption.objects.filter(user=user).select_related("access_code")
        ],
        "free_articles_read": [
            {"article": read.article.title, "read_at": moment(read.read_at)}
            for read in MeteredRead.objects.filter(user=user).select_related("article")
        ],
        "newsletters": [
            {
                "newsletter": subscriber.newsletter.name,
                "email": subscriber.email,
                "confirmed_at": moment(subscriber.confirmed_at),
                "unsubscribed_at": moment(subscriber.unsubscribed_at),
            }
            for subscriber in Subscriber.objects.filter(user=user).select_related("newsletter")
        ],
        "saved_articles": [
            {
                "article": entry.article.title,
                "url": entry.article.get_absolute_url(),
                "saved_at": moment(entry.saved_at),
            }
            for entry in SavedArticle.objects.of(user).newest_first().select_related("article")
        ],
        "comments": [
            {
                "article": comment.article.title,
                "text": comment.body,
                "status": comment.status,
                "written_at": moment(comment.created_at),
            }
            for comment in Comment.objects.filter(author=user).select_related("article")
        ],
    }


@transaction.atomic
def account_delete(*, user):
    """Close the account. Comments stay in their threads, signed by nobody; card
    subscriptions are stopped at Stripe so nothing more is charged."""
    card_subscriptions_stop(user=user)
    Comment.objects.filter(author=user).update(author=None)
    user.delete()
