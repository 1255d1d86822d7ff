"""`manage.py import_feed URL` and `manage.py import_feeds`, as an operator runs them."""

import io
from datetime import timedelta

import pytest
from django.core.management import call_command, get_commands, load_command_class
from django.db import connections
from django.utils import timezone

from aggregator import services
from aggregator.models import Feed
from articles.models import Article, Source

from .factories import SectionFactory, SourceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _keep_the_test_database_open(monkeypatch):
    # `run_from_argv` closes every connection when it is done, as a process about to exit
    # may; the test's transaction must outlive it.
    monkeypatch.setattr(connections, "close_all", lambda: None)


def run_command(name, *args):
    """Run a command as `manage.py` does, exit status included; returns (status, out, err)."""
    command = load_command_class(get_commands()[name], name)
    out, err = io.StringIO(), io.StringIO()
    command.stdout._out, command.stderr._out = out, err
    try:
        command.run_from_argv(["manage.py", name, *args])
    except SystemExit as exit:
        return exit.code, out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


def test_import_feed_creates_the_source_and_feed_and_ends_with_the_counts(feed_server):
    url = feed_server.serve_fixture("/rss.xml", "rss.xml")
    status, out, _err = run_command("import_feed", url)
    assert status == 0
    assert out.strip().splitlines()[-1] == "3 new, 0 updated, 0 skipped, 0 errors"
    feed = Feed.objects.get(url=url)
    assert feed.source.name == "Le Quotidien du Centre – À la une"  # the feed's own title
    assert Article.objects.filter(source=feed.source, status=Article.Status.REVIEW).count() == 3

    status, out, _err = run_command("import_feed", url)
    assert out.strip() == "0 new, 0 updated, 3 skipped, 0 errors"
    assert Feed.objects.count() == 1


def test_import_feed_with_source_section_and_publish(feed_server):
    section = SectionFactory(slug="economie")
    existing = SourceFactory(name="Le Quotidien du Centre")
    url = feed_server.serve_fixture("/rss.xml", "rss.xml")
    status, _out, _err = run_command(
        "import_feed", url, "--source", "le quotidien du centre", "--publish", "--section", "economie"
    )
    assert status == 0
    feed = Feed.objects.get(url=url)
    assert feed.source == existing and feed.section == section and feed.publish_directly
    assert Article.objects.published().filter(section=section).count() == 3


@pytest.mark.parametrize(
    ("path", "serving", "reason"),
    [
        ("/missing.xml", None, "Le serveur a répondu 404 (Not Found)."),
        ("/page.html", "page.html", "Cette adresse renvoie une page web, pas un flux."),
        ("/bad.xml", "bad.xml", "XML mal formé, ligne 12"),
    ],
)
def test_import_feed_fails_in_one_line_and_creates_nothing(feed_server, path, serving, reason):
    if serving:
        feed_server.serve_fixture(path, serving)
    status, out, err = run_command("import_feed", feed_server.url(path))
    assert status == 1
    assert out == ""
    assert len(err.strip().splitlines()) == 1 and reason in err and "Traceback" not in err
    assert not Feed.objects.exists() and not Source.objects.exists()


def test_import_feed_of_a_known_feed_that_fails_records_it(feed_server):
    url = feed_server.serve_fixture("/rss.xml", "rss.xml")
    run_command("import_feed", url)
    feed_server.serve("/rss.xml", b"oops", status=500)
    status, _out, err = run_command("import_feed", url)
    assert status == 1 and "500" in err
    assert Feed.objects.get(url=url).error_count == 1


def test_an_unknown_section_is_refused_before_anything_is_fetched(feed_server):
    status, _out, err = run_command("import_feed", feed_server.url("/rss.xml"), "--section", "nulle-part")
    assert status == 1 and "nulle-part" in err and feed_server.requests == []


def test_import_feed_draws_a_progress_bar_on_a_terminal(feed_server):
    class Terminal(io.StringIO):
        def isatty(self):
            return True

    url = feed_server.serve_fixture("/rss.xml", "rss.xml")
    out, err = io.StringIO(), Terminal()
    call_command("import_feed", url, stdout=out, stderr=err)
    assert "articles [##############################] 3/3" in err.getvalue()
    assert out.getvalue().strip() == "3 new, 0 updated, 0 skipped, 0 errors"


def test_import_feeds_fetches_every_due_feed_once(feed_server):
    fine = services.feed_create(source=SourceFactory(), url=feed_server.serve_fixture("/rss.xml", "rss.xml"))
    broken = services.feed_create(source=SourceFactory(), url=feed_server.url("/missing.xml"))
    later = services.feed_create(source=SourceFactory(), url=feed_server.serve_fixture("/atom.xml", "atom.xml"))
    Feed.objects.filter(pk=later.pk).update(next_fetch_at=timezone.now() + timedelta(hours=1))

    status, out, err = run_command("import_feeds")

    assert status == 1 and "1 feed(s) could not be fetched or read" in err
    lines = out.strip().splitlines()
    assert f"{Feed.objects.get(pk=fine.pk)}: 3 new, 0 updated, 0 skipped, 0 errors" in lines
    assert any(line.startswith(f"{broken}: error: Le serveur a répondu 404") for line in lines)
    assert lines[-1] == "2 feed(s): 3 new, 0 updated, 0 skipped, 0 errors"
    assert feed_server.hits("/atom.xml") == []

    status, out, _err = run_command("import_feeds", "--all")
    assert len(feed_server.hits("/atom.xml")) == 1
