from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from articles.models import Section

from ... import services
from ...fetching import FetchError, fetch
from ...models import Feed
from ...parsing import ParseError, PaywallMarker, parse


class Command(BaseCommand):
    help = (
        "Fetch one feed once and import its items, creating its source and feed if they are new. "
        "Ends with `N new, M updated, K skipped, E errors`; exits non-zero, with the reason, if the "
        "feed cannot be fetched or read."
    )

    def add_arguments(self, parser):
        parser.add_argument("url", help="The feed's address (RSS, Atom or JSON Feed).")
        parser.add_argument("--source", help="The source newspaper's name (default: the feed's own title).")
        parser.add_argument("--publish", action="store_true", help="Publish the pieces at once, not for review.")
        parser.add_argument("--section", metavar="SLUG", help="The section the pieces go in.")

    def handle(self, url, source=None, publish=False, section=None, **options):
        section = self._section(section)
        feed = Feed.objects.select_related("source", "section").filter(url=url).first()
        fetched = None
        if feed is None:
            # Fetched and read before anything is written: a bad address creates nothing.
            try:
                fetched = fetch(url)
                parsed = parse(
                    fetched.content, url=fetched.url, content_type=fetched.content_type, marker=PaywallMarker()
                )
            except (FetchError, ParseError) as error:
                raise CommandError(str(error)) from None
            try:
                with transaction.atomic():
                    feed = services.feed_add(
                        feed=Feed(
                            source=self._source(source or parsed.title or urlsplit(url).hostname),
                            url=url,
                            section=section,
                            publish_directly=publish,
                        )
                    )
            except ValidationError as error:
                raise CommandError(" ".join(error.messages)) from None
            self.stderr.write(f"New feed of {feed.source}: {url}")
        elif source and source.casefold() != feed.source.name.casefold():
            self.stderr.write(f"This feed belongs to {feed.source}: --source is ignored.")
        result = services.feed_import(
            feed=feed,
            force=True,
            publish=publish or None,
            section=section,
            fetched=fetched,
            progress=self._progress if self.stderr.isatty() else None,
        )
        if result is None:
            raise CommandError("Another worker is importing this feed right now: try again in a moment.")
        if result.error:
            raise CommandError(result.error)
        for problem in result.report.problems:
            self.stderr.write(problem)
        self.stdout.write(str(result.report))

    def _section(self, slug):
        if not slug:
            return None
        section = Section.objects.filter(slug=slug).first()
        if section is None:
            known = ", ".join(Section.objects.values_list("slug", flat=True)) or "none"
            raise CommandError(f"No section with the slug {slug!r} (known: {known}).")
        return section

    def _source(self, name):
        return services.source_for_name(name=name)

    def _progress(self, stage, done, total):
        width = 30
        filled = round(width * done / total) if total else width
        label = {"images": "images  ", "articles": "articles"}.get(stage, stage)
        self.stderr.write(f"\r{label} [{'#' * filled}{'.' * (width - filled)}] {done}/{total}", ending="")
        self.stderr.flush()
        if done == total:
            self.stderr.write("")
