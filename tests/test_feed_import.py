"""Importing feeds end to end, from a real server on loopback to the articles readers see."""

from datetime import UTC, datetime, timedelta
from io import BytesIO

import pytest
from django.core.files.storage import default_storage
from django.db import connection
from django.db.models.signals import post_save
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from PIL import Image

from aggregator import services
from aggregator.models import Feed, ImportedItem
from articles.models import Article, ArticleTransition, Tag

from .factories import SectionFactory, SourceFactory
from .feed_server import fixture

pytestmark = pytest.mark.django_db


def jpeg(width=1200, height=800, color=(30, 90, 160)):
    buffer = BytesIO()
    Image.new("RGB", (width, height), color).save(buffer, "JPEG")
    return buffer.getvalue()


def png(width=1000, height=600):
    buffer = BytesIO()
    Image.new("RGB", (width, height), (200, 40, 40)).save(buffer, "PNG")
    return buffer.getvalue()


def make_feed(server, name, *, path=None, source=None, etag="", **options):
    url = server.serve_fixture(path or f"/{name}", name, etag=etag)
    return services.feed_create(source=source or SourceFactory(name="Le Quotidien du Centre"), url=url, **options)


def run(feed, **options):
    result = services.feed_import(
        feed=Feed.objects.select_related("source", "section").get(pk=feed.pk), force=True, **options
    )
    feed.refresh_from_db()
    return result


def article(title_start):
    return Article.objects.get(title__startswith=title_start)


# What arrives -------------------------------------------------------------------------------


def test_rss_items_arrive_for_review_with_everything_the_feed_says(feed_server):
    feed_server.serve("/images/horlogerie.jpg", jpeg(), content_type="image/jpeg")
    section = SectionFactory(name="Économie")
    feed = make_feed(feed_server, "rss.xml", section=section, full_text=True, paywall_category="Abonnés")

    result = run(feed)

    assert str(result.report) == "3 new, 0 updated, 0 skipped, 0 errors"
    assert (feed.last_status, feed.last_new, feed.error_count, feed.format) == (200, 3, 0, Feed.Format.RSS)
    assert feed.title == "Le Quotidien du Centre – À la une"
    assert feed.next_fetch_at == feed.last_fetched_at + timedelta(minutes=30)

    piece = article("Dans le Jura")
    assert piece.status == Article.Status.REVIEW and not piece.is_published()
    assert piece.source == feed.source and piece.section == section
    assert piece.original_url == "https://quotidien-du-centre.example/economie/horlogerie-jura"
    assert piece.published_at == datetime(2025, 6, 10, 6, 0, tzinfo=UTC)
    assert piece.standfirst == "Les ateliers de la vallée de Joux cherchent deux cents apprentis."
    assert [a.name for a in piece.authors.all()] == ["Claire Dubosc"]
    assert sorted(t.name for t in piece.tags.all()) == ["Emploi", "Économie"]
    assert "<h2>« Un métier d'avenir »</h2>" in piece.body_html
    # Relative to the piece's own address at its source, where the markup came from.
    assert '<a href="https://quotidien-du-centre.example/ecole" rel="nofollow noopener noreferrer">' in piece.body_html
    assert piece.hero_image and piece.hero_renditions["width"] == 1200
    assert piece.hero_alt == piece.title
    assert piece.hero_credit == "Studio Lumière / Le Quotidien du Centre"

    step = ArticleTransition.objects.get(article=piece)
    assert (step.user, step.from_status, step.to_status) == (None, Article.Status.DRAFT, Article.Status.REVIEW)
    assert "Importé du flux" in step.note
    assert piece.history.count() == 1


def test_the_sources_own_marks_make_pieces_subscriber_only(feed_server):
    feed = make_feed(feed_server, "rss.xml", paywall_category="abonnés", paywall_field="lqc:premium")
    run(feed)
    assert article("Municipales").access == Article.Access.SUBSCRIBERS  # by its category
    assert article("Le festival").access == Article.Access.SUBSCRIBERS  # by its field
    assert article("Dans le Jura").access == Article.Access.PUBLIC
    assert not Tag.objects.filter(name__iexact="abonnés").exists()  # a mark, not a topic


def test_a_field_marker_may_require_a_value(feed_server):
    feed = make_feed(feed_server, "rss.xml", paywall_field="lqc:premium=non")
    run(feed)
    assert article("Le festival").access == Article.Access.PUBLIC


def test_without_the_licence_only_title_standfirst_and_link_are_taken(feed_server, client):
    feed = make_feed(feed_server, "rss.xml", full_text=False, publish_directly=True)
    run(feed)
    piece = article("Dans le Jura")
    assert piece.body == "" and piece.standfirst
    page = client.get(piece.get_absolute_url()).content.decode()
    assert "vallée cherchent deux cents apprentis d'ici la rentrée" not in page
    assert "Lire l'article sur Le Quotidien du Centre" in page
    assert 'href="https://quotidien-du-centre.example/economie/horlogerie-jura"' in page


def test_atom_entries(feed_server):
    before = timezone.now()
    feed = make_feed(feed_server, "atom.xml", full_text=True)
    run(feed)
    assert feed.format == Feed.Format.ATOM
    tide = article("La marée verte")
    assert tide.title == "La marée verte recule en baie de Saint-Brieuc"  # markup in a title is dropped
    assert sorted(a.name for a in tide.authors.all()) == ["Soizic Morvan", "Yannick Le Goff"]
    assert [t.name for t in tide.tags.all()] == ["Environnement"]
    assert tide.body_html.count("<p>") == 2
    port = article("Le port de Brest")
    assert port.original_url == feed_server.url("/mer/brest-geant")  # relative to the feed
    assert before <= port.published_at <= timezone.now()  # a date in 2099 is clamped to the fetch


def test_rss_1_0_items(feed_server):
    feed = make_feed(feed_server, "rdf.xml")
    run(feed)
    assert feed.format == Feed.Format.RDF
    piece = article("Les refuges")
    assert piece.published_at == datetime(2025, 6, 8, 8, 0, tzinfo=UTC)
    assert [a.name for a in piece.authors.all()] == ["Pierre Arnaud"]


def test_json_feed_items(feed_server):
    feed_server.serve("/images/rugby.png", png(), content_type="image/png")
    before = timezone.now()
    feed = make_feed(feed_server, "feed.json", full_text=True, paywall_field="_paywall.premium")
    run(feed)
    assert feed.format == Feed.Format.JSON and feed.title == "Le Courrier du Sud"
    rugby = article("Rugby")
    assert rugby.imported_item.guid == "4242"
    assert rugby.original_url == "https://courrier-du-sud.example/sport/rugby-finale"
    assert rugby.access == Article.Access.PUBLIC and rugby.hero_image
    assert [a.name for a in rugby.authors.all()] == ["Julie Sarrat"]
    water = article("Enquête")
    assert water.access == Article.Access.SUBSCRIBERS
    assert [a.name for a in water.authors.all()] == ["La rédaction"]  # the feed's authors
    assert "&lt;des chevrons&gt;" in water.body_html  # plain text stays text
    assert before <= water.published_at <= timezone.now()  # "not a date"


def test_a_feed_that_publishes_directly_puts_pieces_on_the_site(feed_server, client):
    feed = make_feed(feed_server, "rss.xml", publish_directly=True)
    run(feed)
    piece = article("Dans le Jura")
    assert piece.is_published()
    step = ArticleTransition.objects.get(article=piece)
    assert (step.user, step.to_status) == (None, Article.Status.PUBLISHED)
    assert client.get(piece.get_absolute_url()).status_code == 200
    assert piece.get_absolute_url() in client.get("/").content.decode()


# Conditional requests and changes ---------------------------------------------------------


def _writes(queries):
    return [q["sql"] for q in queries if not q["sql"].lstrip().upper().startswith(("SELECT", "SAVEPOINT", "RELEASE"))]


def test_an_unchanged_feed_costs_one_conditional_request_and_no_writes(feed_server):
    feed = make_feed(feed_server, "rss.xml", etag='"v1"')
    run(feed)
    feed = Feed.objects.select_related("source", "section").get(pk=feed.pk)
    with CaptureQueriesContext(connection) as queries:
        result = services.feed_import(feed=feed, force=True)
    assert result.status == 304 and str(result.report) == "0 new, 0 updated, 0 skipped, 0 errors"
    assert len(feed_server.hits("/rss.xml")) == 2
    # The claim and the record of the fetch on the feed's own row: nothing else.
    assert len(queries) == 2
    assert all('"aggregator_feed"' in sql for sql in _writes(queries))


def test_an_unchanged_document_without_validators_writes_nothing_either(feed_server):
    feed = make_feed(feed_server, "rss.xml")
    run(feed)
    feed = Feed.objects.select_related("source", "section").get(pk=feed.pk)
    with CaptureQueriesContext(connection) as queries:
        result = services.feed_import(feed=feed, force=True)
    assert str(result.report) == "0 new, 0 updated, 3 skipped, 0 errors"
    assert all('"aggregator_feed"' in sql for sql in _writes(queries))
    assert len(queries) == 3  # claim, what is known of these items, record


def test_a_changed_item_updates_its_article_with_a_new_version(feed_server):
    feed = make_feed(feed_server, "rss.xml", full_text=True, etag='"v1"')
    run(feed)
    piece = article("Dans le Jura")
    feed_server.serve_fixture("/rss.xml", "rss-updated.xml", etag='"v2"')

    result = run(feed)

    assert str(result.report) == "0 new, 1 updated, 2 skipped, 0 errors"
    updated = Article.objects.get(pk=piece.pk)
    assert updated.title == "Dans le Jura, l'horlogerie recrute encore plus"
    assert "11 %" in updated.body_html and "8 %" not in updated.body_html
    assert updated.slug == piece.slug  # the address readers know stays
    assert Article.objects.count() == 3
    versions = list(updated.history.all())
    assert len(versions) == 2 and "Mis à jour depuis le flux" in versions[0].history_change_reason
    assert versions[1].title == "Dans le Jura, l'horlogerie recrute à tour de bras"


def test_an_editors_correction_stands_until_the_source_changes_that_field(feed_server):
    feed = make_feed(feed_server, "rss.xml", full_text=True)
    run(feed)
    piece = article("Dans le Jura")
    piece.standfirst = "Un chapô réécrit par la rédaction."
    piece.save()
    feed_server.serve_fixture("/rss.xml", "rss-updated.xml")
    run(feed)
    piece.refresh_from_db()
    assert piece.title.endswith("encore plus")
    assert piece.standfirst == "Un chapô réécrit par la rédaction."


def test_the_feeds_settings_apply_to_pieces_already_imported(feed_server):
    feed = make_feed(feed_server, "rss.xml", full_text=False)
    run(feed)
    assert article("Dans le Jura").body == ""
    Feed.objects.filter(pk=feed.pk).update(full_text=True)
    result = run(feed)
    assert result.report.updated == 1  # the only item with a text
    assert "apprentis d'ici la rentrée" in article("Dans le Jura").body_html


# Dedupe --------------------------------------------------------------------------------------


def test_the_same_piece_in_two_feeds_of_a_source_is_imported_once(feed_server):
    source = SourceFactory(name="Le Quotidien du Centre")
    first = make_feed(feed_server, "rss.xml", source=source)
    second = make_feed(feed_server, "rss-updated.xml", source=source)
    run(first)
    result = run(second)
    assert str(result.report) == "0 new, 0 updated, 3 skipped, 0 errors"
    assert Article.objects.count() == 3
    assert ImportedItem.objects.count() == 3


def test_dedupe_by_guid_whatever_the_link_and_by_link_without_guid(feed_server):
    feed = make_feed(feed_server, "rss.xml")
    run(feed)
    moved = (
        fixture("rss.xml")
        .replace(b"economie/horlogerie-jura?utm_source=rss", b"eco/jura-horlogerie?utm_source=autre")
        .replace(
            b"<link>https://quotidien-du-centre.example/culture/nuits-ete</link>",
            b"<link>https://QUOTIDIEN-du-centre.example:443/culture/nuits-ete?utm_campaign=x#haut</link>",
        )
    )
    feed_server.serve("/rss.xml", moved)
    result = run(feed)
    assert (result.report.new, Article.objects.count()) == (0, 3)
    assert article("Dans le Jura").original_url == "https://quotidien-du-centre.example/eco/jura-horlogerie"


def test_a_piece_first_seen_without_guid_keeps_its_article_when_a_guid_appears(feed_server):
    feed = make_feed(feed_server, "rss.xml")
    run(feed)
    with_guid = fixture("rss.xml").replace(
        b"<lqc:premium>oui</lqc:premium>", b'<lqc:premium>oui</lqc:premium><guid isPermaLink="false">lqc-nuits</guid>'
    )
    feed_server.serve("/rss.xml", with_guid)
    run(feed)
    assert Article.objects.filter(title__startswith="Le festival").count() == 1
    assert article("Le festival").imported_item.guid == "lqc-nuits"


def test_an_item_repeated_in_one_document_is_imported_once(feed_server):
    body = fixture("rss.xml")
    start, end = body.index(b"<item>"), body.index(b"</item>") + len(b"</item>")
    feed_server.serve("/twice.xml", body[:end] + body[start:end] + body[end:])
    feed = services.feed_create(source=SourceFactory(), url=feed_server.url("/twice.xml"))
    result = run(feed)
    assert str(result.report) == "3 new, 0 updated, 1 skipped, 0 errors"


def test_a_piece_the_newsroom_deleted_does_not_come_back(feed_server):
    feed = make_feed(feed_server, "rss.xml")
    run(feed)
    article("Dans le Jura").delete()
    feed_server.serve_fixture("/rss.xml", "rss-updated.xml")
    result = run(feed)
    assert result.report.new == 0
    assert not Article.objects.filter(title__startswith="Dans le Jura").exists()


def test_two_titles_alike_get_two_addresses(feed_server):
    Article.objects.create(
        title="Existant", slug="dans-le-jura-lhorlogerie-recrute-a-tour-de-bras", source=SourceFactory(name="Autre")
    )
    feed = make_feed(feed_server, "rss.xml")
    run(feed)
    assert article("Dans le Jura").slug.startswith("dans-le-jura-lhorlogerie-recrute-a-tour-de-bras-")


# Items and images that are refused --------------------------------------------------------


def test_items_without_title_or_identity_are_counted_as_errors_and_the_rest_arrive(feed_server):
    broken = fixture("rss.xml").replace(
        b"<item>",
        b"<item><description></description></item><item><title>Sans lien ni guid</title></item><item>",
        1,
    )
    feed_server.serve("/rss.xml", broken)
    feed = services.feed_create(source=SourceFactory(), url=feed_server.url("/rss.xml"))
    result = run(feed)
    assert str(result.report) == "3 new, 0 updated, 0 skipped, 2 errors"
    assert "ni identifiant ni lien" in feed.last_problems


@pytest.mark.parametrize(
    ("body", "content_type", "reason"),
    [
        (b"not an image at all", "image/jpeg", "pas une image lisible"),
        (None, "image/jpeg", "trop petite"),
        (b"GIF89a", "image/gif", "pas une image lisible"),
    ],
)
def test_a_bad_picture_leaves_the_piece_without_one(feed_server, body, content_type, reason):
    feed_server.serve("/images/horlogerie.jpg", body or jpeg(width=120, height=80), content_type=content_type)
    feed = make_feed(feed_server, "rss.xml")
    result = run(feed)
    assert result.report.new == 3
    assert not article("Dans le Jura").hero_image
    assert reason in feed.last_problems


def test_a_missing_picture_is_reported(feed_server):
    feed = make_feed(feed_server, "rss.xml")
    run(feed)
    assert "404" in feed.last_problems and "horlogerie.jpg" in feed.last_problems


# Failures: recorded, backed off, the others go on ---------------------------------------------

FAILURES = {
    "dns": ("http://flux.invalid/rss.xml", None, "(DNS)"),
    "timeout": ("/slow.xml", {"body": b"<rss/>", "delay": 1.5}, "délai de lecture dépassé"),
    "not found": ("/gone.xml", {"status": 404}, "404 (Not Found)"),
    "server error": ("/broken.xml", {"status": 503}, "503"),
    "redirect loop": ("/loop-a", "loop", "Boucle de redirections"),
    "not a feed": ("/sitemap.xml", "sitemap.xml", "ni RSS, ni Atom, ni JSON Feed"),
    "web page": ("/page.html", "page.html", "La page annonce le flux http://127.0.0.1:"),
    "bad xml": ("/bad.xml", "bad.xml", "XML mal formé, ligne 12 : no element found"),
    "wrong encoding": ("/wrong-encoding.xml", "wrong-encoding.xml", "Encodage incorrect : le document se dit en utf-8"),
    "too big": ("/big.xml", {"body": b"<rss>" + b" " * 3000 + b"</rss>"}, "dépasse la taille permise"),
    "bad json": (
        "/bad.json",
        {
            "body": b'{"version": "https://jsonfeed.org/version/1.1", "items": [',
            "content_type": "application/feed+json",
        },
        "JSON mal formé",
    ),
    "billion laughs": ("/lol.xml", "lol", "XML mal formé"),
}
LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa">'
    + b"".join(f'<!ENTITY {chr(98 + n)} "{("&" + chr(97 + n) + ";") * 10}">'.encode() for n in range(8))
    + b']><rss version="2.0"><channel><title>&i;</title></channel></rss>'
)


@pytest.mark.parametrize("kind", FAILURES)
def test_each_failure_is_recorded_in_plain_words_and_the_other_feeds_go_on(feed_server, settings, kind):
    settings.NEWSREADER_IMPORT_READ_TIMEOUT = 0.4
    settings.NEWSREADER_IMPORT_MAX_BYTES = 2000
    path, serving, words = FAILURES[kind]
    if serving == "loop":
        feed_server.redirect("/loop-a", "/loop-b")
        feed_server.redirect("/loop-b", "/loop-a")
    elif serving == "lol":
        feed_server.serve(path, LAUGHS)
    elif isinstance(serving, str):
        feed_server.serve_fixture(path, serving)
    elif serving:
        feed_server.serve(path, **serving)
    url = path if path.startswith("http") else feed_server.url(path)
    failing = services.feed_create(source=SourceFactory(), url=url, interval=30)
    healthy = make_feed(feed_server, "rdf.xml")
    Feed.objects.update(next_fetch_at=timezone.now() - timedelta(minutes=1))

    results = services.feeds_import_due()

    failing.refresh_from_db()
    healthy.refresh_from_db()
    assert words in failing.last_error, failing.last_error
    assert failing.error_count == 1 and failing.last_error_at == failing.last_fetched_at
    assert failing.next_fetch_at == failing.last_fetched_at + timedelta(minutes=60)
    assert not ImportedItem.objects.filter(feed=failing).exists()
    assert healthy.error_count == 0 and healthy.last_new == 1
    assert {r.feed.pk for r in results} == {failing.pk, healthy.pk}


def test_back_off_doubles_up_to_a_day_and_a_success_ends_it(feed_server):
    url = feed_server.serve("/rss.xml", b"", status=500)
    feed = services.feed_create(source=SourceFactory(), url=url, interval=60)
    delays = []
    for _attempt in range(7):
        run(feed)
        delays.append(feed.next_fetch_at - feed.last_fetched_at)
    assert delays[:4] == [timedelta(hours=2), timedelta(hours=4), timedelta(hours=8), timedelta(hours=16)]
    assert delays[4:] == [timedelta(hours=24)] * 3
    assert feed.error_count == 7 and feed.last_status == 500
    feed_server.serve_fixture("/rss.xml", "rss.xml")
    run(feed)
    assert feed.error_count == 0 and feed.next_fetch_at - feed.last_fetched_at == timedelta(hours=1)
    assert feed.last_error  # the last error stays readable, dated


def test_retry_after_pushes_the_next_fetch_further(feed_server):
    url = feed_server.serve("/rss.xml", b"", status=429, headers={"Retry-After": "86400"})
    feed = services.feed_create(source=SourceFactory(), url=url, interval=30)
    run(feed)
    assert feed.next_fetch_at - feed.last_fetched_at == timedelta(days=1)


def test_a_failure_while_writing_leaves_nothing_half_imported(feed_server):
    """The third piece cannot be saved: the first two and their pictures go too."""
    feed_server.serve("/images/horlogerie.jpg", jpeg(), content_type="image/jpeg")
    feed = make_feed(feed_server, "rss.xml")
    files_before = stored_files()

    def fail_on_the_third(sender, instance, created, **kwargs):
        if created and instance.title.startswith("Le festival"):
            raise RuntimeError("disk full")

    post_save.connect(fail_on_the_third, sender=Article, dispatch_uid="test-fail")
    try:
        result = run(feed)
    finally:
        post_save.disconnect(dispatch_uid="test-fail", sender=Article)

    assert "Erreur interne" in result.error and "RuntimeError" in feed.last_error
    assert Article.objects.count() == 0 and ImportedItem.objects.count() == 0
    assert stored_files() == files_before
    assert run(feed).report.new == 3  # and the next fetch brings everything


def stored_files(folder=""):
    directories, files = default_storage.listdir(folder)
    found = [f"{folder}/{name}".strip("/") for name in files]
    for directory in directories:
        found += stored_files(f"{folder}/{directory}".strip("/"))
    return found


def test_a_picture_narrower_than_the_newsrooms_minimum_is_refused(feed_server):
    """It would block every later save of the piece in the admin: refused at the door."""
    feed_server.serve("/images/horlogerie.jpg", jpeg(width=700, height=400), content_type="image/jpeg")
    feed = make_feed(feed_server, "rss.xml")
    run(feed)
    assert "trop petite (700 pixels de large)" in feed.last_problems
    assert not article("Dans le Jura").hero_image


def test_an_imported_piece_passes_the_checks_the_admin_runs_when_an_editor_saves_it(feed_server):
    feed_server.serve("/images/horlogerie.jpg", jpeg(width=900, height=600), content_type="image/jpeg")
    run(make_feed(feed_server, "rss.xml", full_text=True))
    piece = article("Dans le Jura")
    assert piece.hero_image
    piece.full_clean()
