"""The newsroom's side of the aggregator: feeds in the admin (add, import now, pause, resume,
OPML in and out) and the "Dépêches à relire" desk."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tasks_db.models import DBTaskResult

from aggregator import services, tasks
from aggregator.models import Feed
from articles.models import Article, ArticleTransition

from .factories import ArticleFactory, SectionFactory, SourceFactory, staff_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor_client(client):
    client.force_login(staff_member("Editors"))
    return client


def imported(server, *, name="rss.xml", **options):
    feed = services.feed_create(source=SourceFactory(), url=server.serve_fixture(f"/{name}", name), **options)
    services.feed_import(feed=feed, force=True)
    feed.refresh_from_db()
    return feed


# Feeds ------------------------------------------------------------------------------------


def test_an_editor_adds_a_feed_and_the_worker_is_asked_to_fetch_it(
    editor_client, feed_server, django_capture_on_commit_callbacks
):
    source = SourceFactory()
    section = SectionFactory()
    url = feed_server.serve_fixture("/rss.xml", "rss.xml")
    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(
            "/admin/aggregator/feed/add/",
            {
                "source": source.pk,
                "url": url,
                "section": section.pk,
                "access": "public",
                "interval": 15,
                "full_text": "on",
            },
        )
    assert response.status_code == 302, response.content.decode()[:2000]
    feed = Feed.objects.get()
    assert (feed.source, feed.section, feed.interval, feed.full_text, feed.is_active) == (
        source,
        section,
        15,
        True,
        True,
    )
    assert DBTaskResult.objects.filter(task_path=tasks.fetch_feed.module_path, args_kwargs__args=[feed.pk]).exists()


def test_editing_a_feed_goes_through_its_service_and_a_new_address_drops_the_old_validators(editor_client, feed_server):
    feed = services.feed_create(
        source=SourceFactory(), url=feed_server.serve_fixture("/rss.xml", "rss.xml"), access="public", interval=15
    )
    Feed.objects.filter(pk=feed.pk).update(etag='"v1"', last_modified="Wed, 25 Nov 2026 08:00:00 GMT")
    fields = {"source": feed.source_id, "url": feed.url, "access": "public", "interval": 30, "full_text": "on"}
    response = editor_client.post(f"/admin/aggregator/feed/{feed.pk}/change/", fields)
    assert response.status_code == 302, response.content.decode()[:2000]
    feed.refresh_from_db()
    assert (feed.interval, feed.etag) == (30, '"v1"')

    moved = feed_server.serve_fixture("/atom.xml", "atom.xml")
    response = editor_client.post(f"/admin/aggregator/feed/{feed.pk}/change/", {**fields, "url": moved})
    assert response.status_code == 302, response.content.decode()[:2000]
    feed.refresh_from_db()
    assert (feed.url, feed.etag, feed.last_modified) == (moved, "", "")


def test_a_feed_of_an_unknown_source_credits_one_source_whatever_the_case():
    first = services.source_for_name(name="Le Courrier du Jura", website="https://courrier.example/")
    again = services.source_for_name(name="le courrier du jura")
    other = services.source_for_name(name="Le Courrier du Jura !")
    assert again == first and first.website == "https://courrier.example/"
    assert other != first and other.slug == "le-courrier-du-jura-2"


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("http://127.0.0.1:9/rss", "adresse de bouclage"),
        ("http://10.0.0.8/rss", "privée"),
        ("http://flux.invalid/rss", "DNS"),
    ],
)
def test_the_form_refuses_an_address_the_importer_would_refuse(editor_client, settings, url, words):
    settings.NEWSREADER_IMPORT_ALLOW_PRIVATE_ADDRESSES = False
    response = editor_client.post(
        "/admin/aggregator/feed/add/", {"source": SourceFactory().pk, "url": url, "access": "public", "interval": 30}
    )
    assert response.status_code == 200 and words in response.content.decode()
    assert url in response.content.decode()  # what was typed is kept
    assert not Feed.objects.exists()


def test_the_feed_page_tells_how_its_fetches_go(editor_client, feed_server):
    feed = imported(feed_server)
    page = editor_client.get(f"/admin/aggregator/feed/{feed.pk}/change/").content.decode()
    assert "HTTP 200" in page and "3 / 0 / 0 / 0" in page
    assert "Importer maintenant" in page and "Mettre en pause" in page

    feed_server.serve("/rss.xml", b"", status=404)
    services.feed_import(feed=feed, force=True)
    page = editor_client.get(f"/admin/aggregator/feed/{feed.pk}/change/").content.decode()
    assert "Le serveur a répondu 404 (Not Found)." in page and "En erreur (1 relevé)" in page

    listing = editor_client.get("/admin/aggregator/feed/?etat=erreur").content.decode()
    assert "En erreur (1 relevé)" in listing and "Exporter en OPML" in listing


def test_import_now_pause_and_resume_from_the_feed_page(editor_client, feed_server, django_capture_on_commit_callbacks):
    feed = imported(feed_server)
    DBTaskResult.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(f"/admin/aggregator/feed/{feed.pk}/importer/", follow=True)
    assert "le travailleur de fond s&#x27;en charge" in response.content.decode()
    assert DBTaskResult.objects.filter(task_path=tasks.fetch_feed.module_path).count() == 1

    editor_client.post(f"/admin/aggregator/feed/{feed.pk}/pause/")
    feed.refresh_from_db()
    assert not feed.is_active
    assert "Reprendre" in editor_client.get(f"/admin/aggregator/feed/{feed.pk}/change/").content.decode()
    editor_client.post(f"/admin/aggregator/feed/{feed.pk}/reprendre/")
    feed.refresh_from_db()
    assert feed.is_active
    assert editor_client.get(f"/admin/aggregator/feed/{feed.pk}/pause/").status_code == 405


def test_the_list_actions_call_the_services(editor_client, feed_server):
    feed = imported(feed_server)
    editor_client.post("/admin/aggregator/feed/", {"action": "pause", "_selected_action": [feed.pk]})
    assert not Feed.objects.get(pk=feed.pk).is_active
    editor_client.post("/admin/aggregator/feed/", {"action": "resume", "_selected_action": [feed.pk]})
    assert Feed.objects.get(pk=feed.pk).is_active


def test_the_feed_list_costs_the_same_for_many_feeds(editor_client, feed_server, django_assert_max_num_queries):
    """The page of feeds comes with their sources in one query (no query per row for its
    source), so twelve feeds cost what one does."""
    for number in range(12):
        services.feed_create(source=SourceFactory(), url=f"https://journal{number}.example/rss")
    with django_assert_max_num_queries(9):
        assert editor_client.get("/admin/aggregator/feed/").status_code == 200


def test_moderators_and_authors_have_no_feeds_or_dispatches(client):
    for group in ("Moderators", "Authors"):
        client.force_login(staff_member(group))
        assert client.get("/admin/aggregator/feed/").status_code == 403
        assert client.get("/admin/aggregator/dispatch/").status_code == 403


# OPML --------------------------------------------------------------------------------------


def test_opml_export_and_import_round_trip_keeps_every_setting(editor_client):
    section = SectionFactory(slug="culture")
    source = SourceFactory(name="La Gazette de l'Ouest", website="https://gazette-ouest.example/")
    services.feed_create(
        source=source,
        url="https://gazette-ouest.example/rss/culture.xml",
        section=section,
        access="subscribers",
        paywall_category="Abonnés",
        full_text=True,
        publish_directly=True,
        interval=45,
    )
    exported = editor_client.get("/admin/aggregator/feed/opml/export/")
    assert exported["Content-Type"].startswith("text/x-opml")
    document = exported.content
    assert b'xmlUrl="https://gazette-ouest.example/rss/culture.xml"' in document
    assert b'text="La Gazette de l\'Ouest"' in document or b"La Gazette de l&apos;Ouest" in document

    Feed.objects.all().delete()
    source.delete()
    response = editor_client.post(
        "/admin/aggregator/feed/opml/import/", {"file": SimpleUploadedFile("flux.opml", document)}, follow=True
    )
    assert "1 flux ajouté(s), 0 déjà présent(s), 0 refusé(s)." in response.content.decode()
    feed = Feed.objects.select_related("source").get()
    assert feed.source.name == "La Gazette de l'Ouest" and feed.source.website == "https://gazette-ouest.example/"
    assert (feed.section, feed.access, feed.paywall_category, feed.full_text, feed.publish_directly, feed.interval) == (
        section,
        "subscribers",
        "Abonnés",
        True,
        True,
        45,
    )


OTHER_READER = """<?xml version="1.0" encoding="UTF-8"?>
<opml version="1.0"><head><title>Mes abonnements</title></head><body>
  <outline text="Presse">
    <outline type="rss" text="Le Journal alpin" title="Le Journal alpin" xmlUrl="https://journal-alpin.example/rss" htmlUrl="https://journal-alpin.example/"/>
    <outline type="rss" text="Pas un flux" xmlUrl="javascript:alert(1)"/>
  </outline>
  <outline type="rss" text="Le Courrier du Sud" xmlUrl="https://courrier-du-sud.example/feed.json"/>
  <outline type="rss" text="Déjà là" xmlUrl="https://deja.example/rss"/>
</body></opml>""".encode()


def test_opml_from_another_reader_gets_the_forms_defaults(editor_client):
    section = SectionFactory()
    services.feed_create(source=SourceFactory(), url="https://deja.example/rss")
    response = editor_client.post(
        "/admin/aggregator/feed/opml/import/",
        {"file": SimpleUploadedFile("abonnements.opml", OTHER_READER), "section": section.pk, "publish_directly": "on"},
        follow=True,
    )
    page = response.content.decode()
    assert "2 flux ajouté(s), 1 déjà présent(s), 1 refusé(s)." in page
    assert "Pas un flux : adresse invalide" in page
    alpine = Feed.objects.select_related("source").get(url="https://journal-alpin.example/rss")
    assert alpine.source.name == "Presse"  # the group it sits in names the source
    assert alpine.section == section and alpine.publish_directly
    assert Feed.objects.get(url="https://courrier-du-sud.example/feed.json").source.name == "Le Courrier du Sud"


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"<html><body>no</body></html>", "pas un OPML"),
        (b"<opml><body><outline", "pas un OPML lisible"),
        (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><opml><body/></opml>', "DOCTYPE"),
    ],
)
def test_a_bad_opml_file_is_refused_with_a_reason(editor_client, content, words):
    response = editor_client.post(
        "/admin/aggregator/feed/opml/import/", {"file": SimpleUploadedFile("x.opml", content)}
    )
    assert response.status_code == 200 and words in response.content.decode()
    assert not Feed.objects.exists()


def test_an_odd_interval_in_an_opml_file_falls_back_to_the_default(editor_client):
    """ "²" passes str.isdigit() but not int(): it once made the import a 500."""
    content = """<opml xmlns:nr="https://newsreader.example/ns/opml/1"><body>
  <outline type="rss" text="Le Petit Carré" xmlUrl="https://petit-carre.example/rss" nr:interval="²"/>
</body></opml>""".encode()
    response = editor_client.post(
        "/admin/aggregator/feed/opml/import/", {"file": SimpleUploadedFile("x.opml", content)}, follow=True
    )
    assert response.status_code == 200
    assert Feed.objects.get(url="https://petit-carre.example/rss").interval == 30


def test_outlines_nested_deeper_than_python_recurses_are_still_read(editor_client):
    """Groups nest a level or two in real files; a crafted one nested thousands deep once
    made the import a 500 (RecursionError)."""
    depth = 5000
    content = (
        "<opml><body>"
        + '<outline text="groupe">' * depth
        + '<outline type="rss" text="Au fond" xmlUrl="https://au-fond.example/rss"/>'
        + "</outline>" * depth
        + "</body></opml>"
    ).encode()
    response = editor_client.post(
        "/admin/aggregator/feed/opml/import/", {"file": SimpleUploadedFile("x.opml", content)}, follow=True
    )
    assert response.status_code == 200
    assert Feed.objects.filter(url="https://au-fond.example/rss").exists()


# Dépêches à relire --------------------------------------------------------------------------


def test_the_desk_lists_imported_pieces_awaiting_review_only(editor_client, feed_server):
    feed = imported(feed_server, section=SectionFactory())
    ArticleFactory(title="Écrit par la rédaction", status=Article.Status.REVIEW)
    page = editor_client.get("/admin/aggregator/dispatch/").content.decode()
    assert "Dépêches à relire" in page
    assert "Dans le Jura, l&#x27;horlogerie recrute à tour de bras" in page
    assert "Écrit par la rédaction" not in page
    assert str(feed) in page
    piece = Article.objects.get(title__startswith="Dans le Jura")
    assert f"/admin/articles/article/{piece.pk}/change/" in page


def test_editors_publish_dispatches_in_bulk_through_the_workflow(editor_client, feed_server, client):
    section = SectionFactory()
    imported(feed_server, section=section)
    pieces = list(Article.objects.order_by("pk"))
    response = editor_client.post(
        "/admin/aggregator/dispatch/",
        {"action": "publish", "_selected_action": [p.pk for p in pieces[:2]]},
        follow=True,
    )
    assert "2 dépêches publiées." in response.content.decode()
    for piece in pieces[:2]:
        piece.refresh_from_db()
        assert piece.is_published()
        step = ArticleTransition.objects.filter(article=piece).first()
        assert (step.to_status, step.user.groups.first().name) == (Article.Status.PUBLISHED, "Editors")
    assert Article.objects.get(pk=pieces[2].pk).status == Article.Status.REVIEW
    client.logout()
    assert client.get(pieces[0].get_absolute_url()).status_code == 200


def test_a_dispatch_with_warnings_is_held_back(editor_client, feed_server):
    imported(feed_server)  # no default section
    piece = Article.objects.first()
    response = editor_client.post(
        "/admin/aggregator/dispatch/", {"action": "publish", "_selected_action": [piece.pk]}, follow=True
    )
    assert "n&#x27;est pas publié" in response.content.decode()
    assert Article.objects.get(pk=piece.pk).status == Article.Status.REVIEW


def test_a_dispatch_set_aside_leaves_the_desk_and_is_not_brought_back(editor_client, feed_server):
    feed = imported(feed_server, section=SectionFactory())
    piece = Article.objects.first()
    editor_client.post("/admin/aggregator/dispatch/", {"action": "return_to_draft", "_selected_action": [piece.pk]})
    assert Article.objects.get(pk=piece.pk).status == Article.Status.DRAFT
    assert piece.title not in editor_client.get("/admin/aggregator/dispatch/").content.decode()
    services.feed_import(feed=feed, force=True)
    assert Article.objects.get(pk=piece.pk).status == Article.Status.DRAFT


def test_the_desk_costs_the_same_for_many_dispatches(editor_client, feed_server, django_assert_max_num_queries):
    """Source, section and feed come with each piece in the list's own query: no query per
    row for the feed's name, however many pieces wait."""
    imported(feed_server, name="rss.xml", section=SectionFactory())
    imported(feed_server, name="atom.xml", section=SectionFactory())
    with django_assert_max_num_queries(8):
        assert editor_client.get("/admin/aggregator/dispatch/").status_code == 200
