from django.core.management.base import BaseCommand, CommandError

from ... import services


class Command(BaseCommand):
    help = (
        "Fetch every due feed once (every active one with --all) and import what changed. "
        "The background worker does this by itself; this is for a one-off run."
    )

    def add_arguments(self, parser):
        parser.add_argument("--all", action="store_true", help="Fetch every active feed, due or not.")

    def handle(self, all=False, **options):
        results = services.feeds_import_due(force=all)
        failed = 0
        totals = {"new": 0, "updated": 0, "skipped": 0, "errors": 0}
        for result in results:
            if result.error:
                failed += 1
                self.stdout.write(f"{result.feed}: error: {result.error}")
                continue
            for name in totals:
                totals[name] += getattr(result.report, name)
            self.stdout.write(f"{result.feed}: {result.report}")
        self.stdout.write(
            f"{len(results)} feed(s): {totals['new']} new, {totals['updated']} updated, "
            f"{totals['skipped']} skipped, {totals['errors']} errors"
        )
        if failed:
            raise CommandError(f"{failed} feed(s) could not be fetched or read (see above).")
