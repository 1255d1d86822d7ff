"""Work for the background worker (`manage.py db_worker`): everything that e-mails a reader
or calls Stripe, so that no page and no webhook waits on either."""

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.tasks import task
from django.template.loader import render_to_string
from django.utils import timezone, translation

from . import card_state, payments
from .models import Gift, Subscription
from .services import format_code, gift_mark_sent

logger = logging.getLogger(__name__)


def _send(*, to, language, template, context):
    with translation.override(language):
        context = {**context, "site_url": settings.NEWSREADER_SITE_URL}
        subject = render_to_string(f"subscriptions/email/{template}_subject.txt", context).strip()
        text = render_to_string(f"subscriptions/email/{template}_message.txt", context)
        html = render_to_string(f"subscriptions/email/{template}_message.html", context)
    send_mail(subject, text, None, [to], html_message=html)


@task()
def subscription_sync(stripe_subscription_id):
    """Ask Stripe for the subscription just bought, for its exact period."""
    data = payments.subscription_fetch(subscription_id=stripe_subscription_id)
    return card_state.subscription_state_apply(data=data, at=timezone.now())


@task()
def renewal_send(subscription_id, renew):
    """Tell Stripe the reader's choice (stop or resume renewal). If Stripe cannot be told,
    the page must not claim otherwise: the choice is undone and the reader is e-mailed."""
    subscription = Subscription.objects.select_related("user").filter(pk=subscription_id).first()
    if subscription is None or not subscription.stripe_subscription_id:
        return False
    try:
        data = payments.subscription_set_cancel_at_period_end(
            subscription_id=subscription.stripe_subscription_id, cancel=not renew
        )
    except payments.PaymentError:
        logger.exception("Stripe did not take the renewal choice for subscription %s.", subscription_id)
        Subscription.objects.filter(pk=subscription_id).update(cancel_at_period_end=renew)
        user = subscription.user
        _send(to=user.email, language=user.language, template="renewal_failed", context={"renew": renew})
        return False
    return card_state.subscription_state_apply(data=data, at=timezone.now())


@task()
def stripe_subscription_end(stripe_subscription_id):
    """End a card subscription at Stripe now (its account was closed)."""
    payments.subscription_cancel_now(subscription_id=stripe_subscription_id)
    return True


@task()
def payment_failed_notify(subscription_id):
    subscription = Subscription.objects.select_related("user", "plan").filter(pk=subscription_id).first()
    if subscription is None or not subscription.in_grace or not subscription.user.is_active:
        return False
    user = subscription.user
    _send(to=user.email, language=user.language, template="payment_failed", context={"subscription": subscription})
    return True


@task()
def gift_deliver(gift_id):
    """The code to the recipient, the receipt to the buyer; once."""
    gift = Gift.objects.select_related("offer", "buyer", "access_code").filter(pk=gift_id).first()
    if gift is None or gift.status != Gift.Status.PAID or gift.sent_at is not None:
        return False
    context = {"gift": gift, "code": format_code(gift.access_code.code)}
    _send(to=gift.recipient_email, language=gift.language, template="gift_code", context=context)
    if gift.buyer is not None:
        language = gift.buyer.language
        _send(to=gift.buyer.email, language=language, template="gift_receipt", context=context)
    gift_mark_sent(gift=gift)
    return True
