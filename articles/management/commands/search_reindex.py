from django.core.management.base import BaseCommand

from articles.search import reindex


class Command(BaseCommand):
    help = "Writes every article's search entry again (after a change to how texts are indexed, or a bulk import)."

    def handle(self, *args, **options):
        count = reindex()
        self.stdout.write(f"{count} article(s) indexed.")
