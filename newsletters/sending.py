"""Sending an edition, batch by batch, so that no reader ever gets it twice.

Each reader's delivery row is inserted (claimed) and committed before their mail is
handed to the mail server; the database accepts one row per edition and reader. A batch
cut short by an error the server reports gives its unsent claims back, so the next run
sends them; a worker killed between handing a mail over and recording it leaves a claim
without `sent_at`, and that reader is not mailed again: at most once, never twice.
"""

import smtplib

from django.core.mail import mailers
from django.db import IntegrityError, transaction
from django.utils import timezone

from .mailing import edition_message
from .models import Delivery, Edition, Send, Subscriber
from .selectors import edition_articles


def recipients_waiting(edition):
    """The edition's readers (active subscribers of its letter, confirmed before the send
    started: the send's record counts them) with no delivery row yet."""
    claimed = Delivery.objects.filter(edition=edition).values("subscriber_id")
    return (
        Subscriber.objects.filter(newsletter_id=edition.newsletter_id, confirmed_at__lte=edition.send.started_at)
        .active()
        .exclude(pk__in=claimed)
    )


def delivery_claim(*, edition, subscriber, now):
    """The delivery row for this reader, or None when it exists already (sent, being sent
    by another worker, or lost in a crash)."""
    try:
        with transaction.atomic():
            return Delivery.objects.create(edition=edition, subscriber=subscriber, claimed_at=now)
    except IntegrityError:
        return None


def edition_deliver_batch(*, edition_id, size):
    """Mail the next `size` readers of an edition being sent; returns how many still wait.
    The edition is marked sent (and its send finished) when none does."""
    edition = Edition.objects.select_related("newsletter", "send").filter(pk=edition_id).first()
    if edition is None or edition.status != Edition.Status.SENDING:
        return 0
    articles = edition_articles(edition=edition)
    batch = list(recipients_waiting(edition).select_related("user").order_by("pk")[:size])
    with mailers.default as connection:  # one connection to the mail server for the batch
        for subscriber in batch:
            delivery = delivery_claim(edition=edition, subscriber=subscriber, now=timezone.now())
            if delivery is None:
                continue
            message, carries_gated_text = edition_message(edition=edition, subscriber=subscriber, articles=articles)
            try:
                connection.send_messages([message])
            except smtplib.SMTPRecipientsRefused:
                Delivery.objects.filter(pk=delivery.pk).update(refused=True)
                continue
            except Exception:
                # The server said no mail left: give the claim back so that the next run sends it.
                Delivery.objects.filter(pk=delivery.pk, sent_at__isnull=True).delete()
                raise
            Delivery.objects.filter(pk=delivery.pk).update(sent_at=timezone.now(), full_text=carries_gated_text)
    now = timezone.now()
    Send.objects.filter(edition=edition).update(progress_at=now)
    remaining = recipients_waiting(edition).count()
    if not remaining:
        edition_finish(edition=edition, now=now)
    return remaining


def edition_finish(*, edition, now):
    if Edition.objects.filter(pk=edition.pk, status=Edition.Status.SENDING).update(status=Edition.Status.SENT):
        Send.objects.filter(edition=edition, finished_at__isnull=True).update(finished_at=now)
