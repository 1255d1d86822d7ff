from django.core.management.base import BaseCommand

from newsletters.schedule import schedule_ensure
from newsletters.services import newsletters_send_due


class Command(BaseCommand):
    help = (
        "Prepares the editions coming up, starts sending those that are due and takes up "
        "sends a dead worker left, once; the worker (db_worker) mails them. The worker also "
        "does this by itself on the letters' schedule: this starts that chain if none waits."
    )

    def handle(self, *args, **options):
        done = newsletters_send_due()
        schedule_ensure()
        self.stdout.write(f"{done['prepared']} prepared, {done['started']} started, {done['resumed']} resumed")
