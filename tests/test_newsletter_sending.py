"""Editions go out on their schedule, batch by batch, once per reader whatever happens to
the worker, in each reader's language, with a one-click way out (RFC 8058)."""

import smtplib
from collections import Counter
from datetime import datetime, time
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from articles.services import front_page_arrange
from newsletters import schedule, services
from newsletters.models import Edition, Newsletter, Send
from newsletters.selectors import edition_articles
from newsletters.sending import edition_deliver_batch
from newsletters.tokens import unsubscribe_token

from .factories import ArticleFactory, NewsletterFactory, SectionFactory, SubscriberFactory, UserFactory
from .mail_backends import WorkerKilled

pytestmark = pytest.mark.django_db(transaction=True)


def paris(day, hour, minute=0):
    return timezone.make_aware(datetime.combine(day, time(hour, minute)), timezone.get_default_timezone())


def run_worker():
    call_command("db_worker", batch=True, verbosity=0)


def edition_with_readers(count, **newsletter):
    ArticleFactory(title="La une du jour")
    letter = NewsletterFactory(**newsletter)
    readers = SubscriberFactory.create_batch(count, newsletter=letter)
    return services.edition_assemble(newsletter=letter, day=timezone.localdate()), readers


def mails_per_reader():
    return Counter(message.to[0] for message in mail.outbox)


def test_la_matinale_is_assembled_an_hour_ahead_from_the_front_page_and_sent_at_seven_paris_time():
    older, lead = ArticleFactory(title="Plus ancien"), ArticleFactory(title="À la une")
    front_page_arrange(user=UserFactory(is_staff=True, is_superuser=True), articles=[lead])
    letter = NewsletterFactory()
    SubscriberFactory(newsletter=letter)
    day = timezone.localdate()
    assert services.newsletters_send_due(now=paris(day, 5, 59)) == {"prepared": 0, "started": 0, "resumed": 0}
    assert services.newsletters_send_due(now=paris(day, 6, 0))["prepared"] == 1
    edition = Edition.objects.get(newsletter=letter, date=day)
    assert edition.send_at == paris(day, 7, 0)
    assert [article.title for article in edition_articles(edition=edition)] == [
        lead.title,
        older.title,
    ]
    assert services.newsletters_send_due(now=paris(day, 6, 59))["started"] == 0
    assert services.newsletters_send_due(now=paris(day, 7, 0))["started"] == 1
    assert services.newsletters_send_due(now=paris(day, 7, 1))["started"] == 0  # once


def test_a_weekly_section_letter_goes_on_its_day_with_the_sections_newest_pieces():
    section = SectionFactory(name="Sciences")
    ArticleFactory(section=section, title="Une découverte")
    ArticleFactory(title="Ailleurs")
    letter = NewsletterFactory(
        name="La lettre Sciences",
        slug="lettre-sciences",
        section=section,
        frequency=Newsletter.Frequency.WEEKLY,
        weekday=Newsletter.Weekday.SATURDAY,
        send_time=time(9, 0),
    )
    today = timezone.localdate()
    saturday = letter.next_send(paris(today, 0, 0))
    assert timezone.localtime(saturday).weekday() == 5 and timezone.localtime(saturday).hour == 9
    edition = services.edition_assemble(newsletter=letter, day=timezone.localdate(saturday))
    assert [article.title for article in edition.articles.all()] == ["Une découverte"]


def test_an_edition_goes_out_in_batches_once_to_each_reader(settings):
    settings.NEWSREADER_NEWSLETTER_BATCH_SIZE = 2
    edition, readers = edition_with_readers(5)
    send = services.edition_send(edition=edition)
    assert services.edition_send(edition=edition) is None  # a second start does nothing
    assert mail.outbox == []  # the worker sends, never the caller
    run_worker()
    assert mails_per_reader() == {reader.email: 1 for reader in readers}
    send.refresh_from_db()
    edition.refresh_from_db()
    assert send.recipients == 5 and send.finished_at is not None
    assert edition.status == Edition.Status.SENT
    assert edition.deliveries.filter(sent_at__isnull=False).count() == 5


def test_each_letter_is_plain_text_and_html_in_the_readers_language_with_one_click_unsubscribe():
    edition, _ = edition_with_readers(0)
    english = SubscriberFactory(newsletter=edition.newsletter, user=UserFactory(language="en"), language="en")
    services.edition_send(edition=edition)
    run_worker()
    message = mail.outbox[0]
    assert message.to == [english.user.email]
    assert message.subject.startswith("La matinale of ")
    assert "La une du jour" in message.body and "La une du jour" in message.alternatives[0].content
    assert message.alternatives[0].mimetype == "text/html"
    assert "Unsubscribe" in message.alternatives[0].content
    url = f"{settings_site()}/en/lettres/desinscription/{unsubscribe_token(english)}/"
    assert message.extra_headers["List-Unsubscribe"].startswith(f"<{url}>, <mailto:")
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert url in message.body


def settings_site():
    from django.conf import settings

    return settings.NEWSREADER_SITE_URL


def crashing_server(settings, backend, limit):
    settings.MAILERS = {"default": {"BACKEND": f"tests.mail_backends.{backend}", "OPTIONS": {"limit": limit}}}


def locmem(settings):
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}


def test_a_send_cut_short_by_the_mail_server_goes_on_where_it_stopped(settings):
    edition, readers = edition_with_readers(6)
    services.edition_send(edition=edition)
    crashing_server(settings, "ServerDropsAfter", limit=3)
    with pytest.raises(smtplib.SMTPServerDisconnected):
        edition_deliver_batch(edition_id=edition.pk, size=10)
    assert len(mail.outbox) == 3
    locmem(settings)
    assert edition_deliver_batch(edition_id=edition.pk, size=10) == 0
    assert mails_per_reader() == {reader.email: 1 for reader in readers}


def test_a_worker_killed_mid_batch_never_mails_anyone_twice(settings):
    """Killed between handing mail 3 to the server and recording it: run again, every reader
    has exactly one mail (the third one's claim stays, so it is not sent again)."""
    edition, readers = edition_with_readers(6)
    services.edition_send(edition=edition)
    crashing_server(settings, "WorkerKilledAfter", limit=2)
    with pytest.raises(WorkerKilled):
        edition_deliver_batch(edition_id=edition.pk, size=10)
    locmem(settings)
    # The periodic step takes up a send whose worker went quiet; the worker finishes it.
    later = timezone.now() + services.STALLED_AFTER * 2
    assert services.newsletters_send_due(now=later)["resumed"] == 1
    run_worker()
    assert mails_per_reader() == {reader.email: 1 for reader in readers}
    assert edition.deliveries.filter(sent_at__isnull=True).count() == 1  # the one in flight: unrecorded
    assert Send.objects.get(edition=edition).finished_at is not None


def test_one_click_unsubscribe_needs_no_sign_in_and_no_csrf_token():
    subscriber = SubscriberFactory()
    url = f"/lettres/desinscription/{unsubscribe_token(subscriber)}/"
    client = Client(enforce_csrf_checks=True)
    page = client.get(url)
    assert "Ne plus recevoir « La matinale » ?" in page.content.decode()
    subscriber.refresh_from_db()
    assert subscriber.is_active  # opening the link (a mail scanner) changes nothing
    response = client.post(url, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200 and not response.cookies
    subscriber.refresh_from_db()
    assert not subscriber.is_active
    assert client.post("/lettres/desinscription/forged:token/").status_code == 400


def test_an_unsubscribed_reader_is_not_sent_the_next_edition():
    edition, (leaving, staying) = edition_with_readers(2)
    services.subscriber_unsubscribe(subscriber=leaving)
    services.edition_send(edition=edition)
    run_worker()
    assert mails_per_reader() == {staying.email: 1}


def test_an_edition_with_nothing_published_is_cancelled_not_sent():
    letter = NewsletterFactory()
    SubscriberFactory(newsletter=letter)
    edition = services.edition_assemble(newsletter=letter, day=timezone.localdate())
    assert services.edition_send(edition=edition) is None
    edition.refresh_from_db()
    assert edition.status == Edition.Status.CANCELLED
    assert mail.outbox == []


def test_the_worker_keeps_the_letters_clock_with_no_cron():
    """Each tick does the periodic step and enqueues the next one for the next moment that
    matters (here 7:00), or in ten minutes at most (a stalled send to take up), one waiting
    at a time."""
    NewsletterFactory()
    day = timezone.localdate()
    assert schedule.next_tick(now=paris(day, 6, 55)) == paris(day, 7, 0)
    assert schedule.next_tick(now=paris(day, 5, 0)) == paris(day, 5, 10)
    call_command("send_newsletters", stdout=StringIO())
    assert schedule.schedule_ensure() is False  # one waits already
    waiting = DBTaskResult.objects.filter(task_path=schedule.newsletters_tick.module_path, status="READY")
    assert waiting.count() == 1
