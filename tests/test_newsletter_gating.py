"""Each letter carries what its recipient may read, and nothing more.

Ghost once mailed members text their tier did not open (TryGhost/Ghost#27893): one mixed
batch here holds a subscriber, a reader without a subscription, a reader whose
subscription ended and an address without an account, and every sentence past the teaser
of a subscriber-only piece must reach the subscriber alone, in the plain text and the HTML.
"""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from articles.models import Article
from newsletters import services

from .factories import ArticleFactory, NewsletterFactory, SubscriptionFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

PARAGRAPHS = [f"Phrase numéro {n} du corps réservé." for n in range(1, 8)]
BODY = "\n\n".join(PARAGRAPHS)
PUBLIC, GATED = PARAGRAPHS[:2], PARAGRAPHS[2:]


def morning():
    return NewsletterFactory()


def enrol(email, user=None):
    services.subscribers_enrol(email=email, newsletters=[morning()], language="fr", user=user)


def parts(message):
    return {"text": message.body, "html": message.alternatives[0].content}


def test_a_mixed_batch_gets_gated_text_only_in_the_subscribers_mail():
    gated = ArticleFactory(access=Article.Access.SUBSCRIBERS, body=BODY, standfirst="Chapô de tous.")
    public = ArticleFactory(title="Un article ouvert à tous", body="Texte libre pour tout le monde.")
    subscriber = SubscriptionFactory().user
    reader = UserFactory()
    expired = SubscriptionFactory(
        starts_at=timezone.now() - timedelta(days=60), ends_at=timezone.now() - timedelta(days=1)
    ).user
    for user in (subscriber, reader, expired):
        enrol(user.email, user)
    enrol("sans-compte@example.com")
    edition = services.edition_assemble(newsletter=morning(), day=timezone.localdate())
    assert set(edition.articles.all()) == {gated, public}

    services.edition_send(edition=edition)
    call_command("db_worker", batch=True, verbosity=0)

    mails = {message.to[0]: parts(message) for message in mail.outbox}
    assert set(mails) == {subscriber.email, reader.email, expired.email, "sans-compte@example.com"}
    for address, received in mails.items():
        for part, content in received.items():
            assert "Chapô de tous." in content, (address, part)
            # The public excerpt ends on an ellipsis where the text goes on: no final stop.
            assert all(sentence.rstrip(".") in content for sentence in PUBLIC), (address, part)
            assert "Texte libre pour tout le monde." in content, (address, part)
            if address == subscriber.email:
                assert all(sentence in content for sentence in GATED), part
            else:
                leaked = [sentence for sentence in GATED if sentence.rstrip(".") in content]
                assert leaked == [], (address, part, leaked)
                assert "Réservé aux abonnés" in content
    assert edition.deliveries.filter(full_text=True).get().subscriber.user == subscriber


def test_a_reader_whose_address_has_an_account_is_sent_what_the_account_may_read():
    """An address confirmed without signing in is tied to its account: a subscriber who
    signed up for the letter from the box gets the subscribers' text too."""
    ArticleFactory(access=Article.Access.SUBSCRIBERS, body=BODY)
    subscriber = SubscriptionFactory().user
    enrol(subscriber.email.upper())
    edition = services.edition_assemble(newsletter=morning(), day=timezone.localdate())
    services.edition_send(edition=edition)
    call_command("db_worker", batch=True, verbosity=0)
    assert GATED[-1] in mail.outbox[0].body
