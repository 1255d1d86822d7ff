from django.core.management.base import BaseCommand

from demo.seed import seed_demo


class Command(BaseCommand):
    help = "Write the demo content and the four demo accounts (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--password", help="Password for the four demo accounts (default: a random one).")

    def handle(self, *args, password=None, **options):
        for line in seed_demo(password=password):
            self.stdout.write(line)
