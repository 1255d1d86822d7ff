"""The newsletters' send rate, in process: `python scripts/bench_newsletters.py --recipients 2000`.

On a throw-away database (a fresh SQLite file under bench-results/, or DATABASE_URL),
builds an edition of six pieces (two for subscribers only) and a list of recipients: a
quarter subscribers, a quarter readers with an account and no subscription, half
addresses without an account. Then sends it as the worker does, batch by batch
(`newsletters.sending.edition_deliver_batch`), once to memory (the locmem backend: what
our side costs) and once to files (the file backend: each mail written out), and prints
mails per second, SQL queries per mail and the mean size of a mail.
"""

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def setup():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsreader.settings.dev")
    os.environ["DJANGO_DEBUG"] = "0"
    results = ROOT / "bench-results"
    results.mkdir(exist_ok=True)
    database = results / "newsletters.sqlite3"
    if "DATABASE_URL" not in os.environ:
        database.unlink(missing_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def build(recipients):
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from articles.models import Article, Section, Source
    from newsletters.models import Delivery, Edition, Newsletter, Subscriber
    from newsletters.services import edition_assemble
    from subscriptions.models import Subscription

    Delivery.objects.all().delete()
    Edition.objects.all().delete()
    Subscriber.objects.all().delete()
    get_user_model().objects.filter(email__startswith="bench-").delete()
    source, _ = Source.objects.get_or_create(slug="bench", defaults={"name": "Le Banc d'essai"})
    section, _ = Section.objects.get_or_create(slug="bench", defaults={"name": "Essais"})
    body = "\n\n".join(f"Paragraphe {n} : une phrase assez longue pour ressembler à un article." for n in range(12))
    for number in range(6):
        Article.objects.update_or_create(
            slug=f"bench-{number}",
            defaults={
                "title": f"Article d'essai {number}",
                "standfirst": "Un chapô d'une phrase.",
                "body": body,
                "source": source,
                "section": section,
                "status": Article.Status.PUBLISHED,
                "published_at": timezone.now() - timezone.timedelta(hours=number + 1),
                "access": Article.Access.SUBSCRIBERS if number % 3 == 0 else Article.Access.PUBLIC,
            },
        )
    letter = Newsletter.objects.get(slug="la-matinale")
    User = get_user_model()
    now = timezone.now()
    users = User.objects.bulk_create(User(email=f"bench-{n}@example.com") for n in range(recipients // 2))
    Subscription.objects.bulk_create(
        Subscription(user=user, starts_at=now - timezone.timedelta(days=1), ends_at=now + timezone.timedelta(days=30))
        for user in users[: recipients // 4]
    )
    Subscriber.objects.bulk_create(
        [Subscriber(newsletter=letter, email=user.email, user=user, confirmed_at=now) for user in users]
        + [
            Subscriber(newsletter=letter, email=f"adresse-{n}@example.net", confirmed_at=now)
            for n in range(recipients - len(users))
        ]
    )
    return edition_assemble(newsletter=letter, day=timezone.localdate())


def send(edition, *, mailer, batch):
    from django.db import connection
    from django.test.utils import override_settings
    from django.utils import timezone

    from newsletters.models import Delivery, Edition, Send
    from newsletters.sending import edition_deliver_batch

    Delivery.objects.filter(edition=edition).delete()
    Send.objects.filter(edition=edition).delete()
    Edition.objects.filter(pk=edition.pk).update(status=Edition.Status.SENDING)
    now = timezone.now()
    Send.objects.create(edition=edition, recipients=0, started_at=now, progress_at=now)  # as `edition_send()` does
    queries = []

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    with override_settings(MAILERS={"default": mailer}), connection.execute_wrapper(count):
        started = time.perf_counter()
        while edition_deliver_batch(edition_id=edition.pk, size=batch):
            pass
        seconds = time.perf_counter() - started
    return seconds, len(queries)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--recipients", type=int, default=2000)
    parser.add_argument("--batch", type=int, default=200)
    options = parser.parse_args()
    setup()
    from django.core import mail

    edition = build(options.recipients)
    mail.outbox = []
    with tempfile.TemporaryDirectory() as folder:
        for name, mailer in [
            ("memory (locmem)", {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}),
            (
                "files",
                {"BACKEND": "django.core.mail.backends.filebased.EmailBackend", "OPTIONS": {"file_path": folder}},
            ),
        ]:
            seconds, queries = send(edition, mailer=mailer, batch=options.batch)
            sent = edition.deliveries.filter(sent_at__isnull=False).count()
            size = ""
            if name == "files":
                total = sum(path.stat().st_size for path in Path(folder).iterdir())
                size = f", {total / sent / 1024:.1f} KB a mail"
            print(
                f"{name}: {sent} mails in {seconds:.2f} s = {sent / seconds:.0f} mails/s, "
                f"{queries / sent:.1f} queries a mail{size}"
            )


if __name__ == "__main__":
    main()
