from django.core.management.base import BaseCommand

from newsletters.services import newsletters_send_due


class Command(BaseCommand):
    help = (
        "Prepares the editions coming up, starts sending those that are due and takes up "
        "sends a dead worker left; the worker (db_worker) mails them. Run it each minute."
    )

    def handle(self, *args, **options):
        done = newsletters_send_due()
        self.stdout.write(f"{done['prepared']} prepared, {done['started']} started, {done['resumed']} resumed")
