"""Every change to the letters: who receives them, which editions exist, when they go."""

import hashlib
from datetime import timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import mailers
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from infrastructure.ratelimit import allow

from . import tasks
from .mailing import edition_message
from .models import Edition, EditionArticle, Newsletter, Send, Subscriber
from .selectors import automatic_selection, edition_articles, editions_due, previous_send_moment, sends_stalled

# An edition is put together this long before it goes, so editors can change it first...
ASSEMBLE_AHEAD = timedelta(hours=1)
# ...and is still sent this late (a worker that was down); a later one is not sent at all.
SEND_LATE_AT_MOST = timedelta(hours=3)
# A send with no batch done for this long lost its worker: it is taken up again.
STALLED_AFTER = timedelta(minutes=10)


class TooManyRequests(Exception):
    """This requester asked too often; the view says so, nothing is sent."""


def address_is_verified(*, user, email):
    return EmailAddress.objects.filter(user=user, email__iexact=email, verified=True).exists()


def subscription_request(*, email, newsletters, language, requester, user=None):
    """Someone asked for these letters at this address. A signed-in reader asking for their
    own verified address receives them at once (returns True); any other address gets a
    confirmation e-mail, and nothing is stored until its link is used (returns False).

    The answer does not depend on whether the address already receives anything, so the
    form tells no one who reads us. At most NEWSREADER_NEWSLETTER_REQUESTS_PER_HOUR
    requests per requester (TooManyRequests), and at most
    NEWSREADER_NEWSLETTER_CONFIRMATIONS_PER_DAY confirmation e-mails to one address, past
    which requests are answered alike and send nothing: the form is no way to flood an inbox.
    """
    email = get_user_model().objects.normalize_email(email).lower()
    newsletters = [letter for letter in newsletters if letter.is_active]
    if user is not None and user.is_authenticated and address_is_verified(user=user, email=email):
        subscribers_enrol(email=email, newsletters=newsletters, language=language, user=user)
        return True
    if not allow(
        f"newsletter-request:{requester}", limit=settings.NEWSREADER_NEWSLETTER_REQUESTS_PER_HOUR, seconds=3600
    ):
        raise TooManyRequests
    address_key = hashlib.blake2b(email.encode(), digest_size=16).hexdigest()
    per_day = settings.NEWSREADER_NEWSLETTER_CONFIRMATIONS_PER_DAY
    if newsletters and allow(f"newsletter-confirm:{address_key}", limit=per_day, seconds=24 * 3600):
        ids = [letter.pk for letter in newsletters]
        transaction.on_commit(lambda: tasks.confirmation_send.enqueue(email, ids, language))
    return False


def subscribers_enrol(*, email, newsletters, language, user=None, now=None):
    """These letters go to this address from now on (its owner said yes). An address that
    is an account's is tied to it, so its letters carry what that reader may read."""
    now = now or timezone.now()
    email = email.lower()
    user = user or get_user_model().objects.filter(email__iexact=email).first()
    for newsletter in newsletters:
        Subscriber.objects.update_or_create(
            newsletter=newsletter,
            email=email,
            defaults={"user": user, "language": language, "confirmed_at": now, "unsubscribed_at": None},
        )


def subscription_confirm(*, email, newsletter_ids, language):
    """The address's owner followed the confirmation link."""
    newsletters = list(Newsletter.objects.filter(pk__in=newsletter_ids, is_active=True))
    subscribers_enrol(email=email, newsletters=newsletters, language=language)
    return newsletters


def subscriber_unsubscribe(*, subscriber, now=None):
    """No more of this letter to this address. Returns the letter's name for the page."""
    Subscriber.objects.filter(pk=subscriber.pk, unsubscribed_at__isnull=True).update(
        unsubscribed_at=now or timezone.now()
    )
    return subscriber.newsletter


def account_newsletters_set(*, user, newsletters, requester):
    """ "Mon compte": exactly these letters for this reader (the others stop)."""
    chosen = {letter.pk for letter in newsletters}
    for subscriber in Subscriber.objects.filter(user=user).active().exclude(newsletter_id__in=chosen):
        subscriber_unsubscribe(subscriber=subscriber)
    receiving = set(Subscriber.objects.filter(user=user).active().values_list("newsletter_id", flat=True))
    added = [letter for letter in newsletters if letter.pk not in receiving]
    if added:
        return subscription_request(
            email=user.email, newsletters=added, language=user.language, requester=requester, user=user
        )
    return True


def signup_newsletters_request(*, user, newsletters):
    """Asked for at sign-up: the letters wait for the address to be verified
    (`account_email_verified()`), which is the opt-in."""
    for newsletter in newsletters:
        Subscriber.objects.get_or_create(
            newsletter=newsletter, email=user.email.lower(), defaults={"user": user, "language": user.language}
        )


def account_email_verified(*, user, email, now=None):
    """A reader verified this address: the letters they asked for at sign-up start."""
    Subscriber.objects.filter(
        user=user, email__iexact=email, confirmed_at__isnull=True, unsubscribed_at__isnull=True
    ).update(confirmed_at=now or timezone.now())


def edition_assemble(*, newsletter, day):
    """The edition of `day`, with its pieces chosen automatically if it is new."""
    send_at = newsletter.send_moment(day)
    with transaction.atomic():
        edition, created = Edition.objects.get_or_create(newsletter=newsletter, date=day, defaults={"send_at": send_at})
        if created:
            since = previous_send_moment(newsletter=newsletter, before=send_at)
            chosen = automatic_selection(newsletter=newsletter, since=since)
            EditionArticle.objects.bulk_create(
                EditionArticle(edition=edition, article=article, position=position)
                for position, article in enumerate(chosen, start=1)
            )
    return edition


def editions_prepare(*, now):
    """Put together every edition due within ASSEMBLE_AHEAD (or late by less than
    SEND_LATE_AT_MOST) that does not exist yet."""
    prepared = []
    for newsletter in Newsletter.objects.filter(is_active=True).select_related("section"):
        moment = newsletter.next_send(now - SEND_LATE_AT_MOST)
        if moment is not None and moment <= now + ASSEMBLE_AHEAD:
            prepared.append(edition_assemble(newsletter=newsletter, day=timezone.localdate(moment)))
    return prepared


def edition_send(*, edition, by=None, now=None):
    """Start sending an edition: once only (a conditional update), to the letter's active
    subscribers at this moment; the worker then sends it batch by batch. An edition with
    nothing published in it is cancelled instead. Returns the send, or None."""
    now = now or timezone.now()
    if not edition_articles(edition=edition):
        edition_cancel(edition=edition)
        return None
    with transaction.atomic():
        started = Edition.objects.filter(pk=edition.pk, status=Edition.Status.SCHEDULED).update(
            status=Edition.Status.SENDING
        )
        if not started:
            return None
        edition.status = Edition.Status.SENDING
        send = Send.objects.create(
            edition=edition,
            started_by=by,
            recipients=Subscriber.objects.filter(newsletter_id=edition.newsletter_id).active().count(),
            started_at=now,
            progress_at=now,
        )
        transaction.on_commit(lambda: tasks.edition_deliver.enqueue(edition.pk))
    return send


def edition_cancel(*, edition):
    return bool(
        Edition.objects.filter(pk=edition.pk, status=Edition.Status.SCHEDULED).update(status=Edition.Status.CANCELLED)
    )


def newsletters_send_due(*, now=None):
    """The periodic step (`manage.py send_newsletters`, e.g. each minute): prepare what
    comes up, start what is due, and take up sends whose worker died."""
    now = now or timezone.now()
    prepared = editions_prepare(now=now)
    started = [send for edition in editions_due(now=now) if (send := edition_send(edition=edition, now=now))]
    stalled = list(sends_stalled(now=now, quiet=STALLED_AFTER))
    for edition in stalled:
        Send.objects.filter(edition=edition).update(progress_at=now)
        tasks.edition_deliver.enqueue(edition.pk)
    return {"prepared": len(prepared), "started": len(started), "resumed": len(stalled)}


def edition_send_test(*, edition, user):
    """Send the edition to an editor only: as they would receive it, and as a reader who
    may not read the subscribers' pieces would. Records nothing."""
    articles = edition_articles(edition=edition)
    as_reader = Subscriber(newsletter=edition.newsletter, email=user.email, user=user, language=user.language)
    as_stranger = Subscriber(newsletter=edition.newsletter, email=user.email, language=user.language)
    with translation.override(user.language):
        prefixes = [_("[TEST] "), _("[TEST · non abonné] ")]
    messages = [
        edition_message(edition=edition, subscriber=subscriber, articles=articles, subject_prefix=prefix)[0]
        for subscriber, prefix in zip([as_reader, as_stranger], prefixes, strict=True)
    ]
    mailers.default.send_messages(messages)
    return len(messages)
