from django.core.management.base import BaseCommand

from articles.aids import reading_aids_backfill


class Command(BaseCommand):
    help = (
        "Compute L'essentiel for articles saved before the reading aids existed, and have the "
        "background worker read aloud every published article whose audio is missing or stale."
    )

    def handle(self, *args, **options):
        computed, requested = reading_aids_backfill()
        self.stdout.write(f"{computed} summary(ies) computed, {requested} audio rendition(s) requested.")
