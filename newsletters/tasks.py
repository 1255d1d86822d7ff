"""The letters' e-mails, sent by the background worker (`manage.py db_worker`), never
inside a request: confirmations of new addresses, and editions batch by batch."""

from django.conf import settings
from django.core.mail import mailers
from django.tasks import task

from .mailing import confirmation_message
from .models import Newsletter
from .sending import edition_deliver_batch


@task()
def confirmation_send(email, newsletter_ids, language):
    newsletters = list(Newsletter.objects.filter(pk__in=newsletter_ids, is_active=True))
    if not newsletters:
        return False
    mailers.default.send_messages([confirmation_message(email=email, newsletters=newsletters, language=language)])
    return True


@task()
def edition_deliver(edition_id):
    """One batch of an edition; enqueues the next one while readers still wait, so other
    work (a reply notification, an audio file) runs between batches."""
    remaining = edition_deliver_batch(edition_id=edition_id, size=settings.NEWSREADER_NEWSLETTER_BATCH_SIZE)
    if remaining:
        edition_deliver.enqueue(edition_id)
    return remaining
