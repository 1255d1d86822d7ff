"""The newsroom's side of the letters: editions listed and previewed as each kind of reader
receives them, a test to oneself, sending through the service, sends kept as records."""

import pytest
from django.core import mail
from django.utils import timezone

from articles.models import Article
from newsletters import services
from newsletters.models import Edition, Send

from .factories import ArticleFactory, NewsletterFactory, SubscriberFactory, staff_member

pytestmark = pytest.mark.django_db

GATED = "Cette phrase est réservée aux abonnés."


@pytest.fixture
def editor(client):
    user = staff_member("Editors")
    client.force_login(user)
    return user


@pytest.fixture
def edition():
    ArticleFactory(
        title="Une enquête",
        access=Article.Access.SUBSCRIBERS,
        body="Premier paragraphe.\n\nDeuxième paragraphe.\n\n" + GATED,
    )
    letter = NewsletterFactory()
    SubscriberFactory(newsletter=letter)
    return services.edition_assemble(newsletter=letter, day=timezone.localdate())


def test_editors_list_editions_and_preview_them_as_a_subscriber_and_as_a_non_subscriber(client, editor, edition):
    listing = client.get("/admin/newsletters/edition/").content.decode()
    assert "La matinale" in listing and "programmée" in listing
    as_subscriber = client.get(f"/admin/newsletters/edition/{edition.pk}/apercu/abonne/")
    as_reader = client.get(f"/admin/newsletters/edition/{edition.pk}/apercu/non-abonne/")
    assert "Une enquête" in as_subscriber.content.decode() and "Une enquête" in as_reader.content.decode()
    assert GATED.rstrip(".") in as_subscriber.content.decode()
    assert GATED.rstrip(".") not in as_reader.content.decode()
    assert "Réservé aux abonnés" in as_reader.content.decode()
    # The e-mail's own inline styles are allowed one by one, by hash; no script may run.
    policy = as_reader["Content-Security-Policy"]
    assert policy.startswith("default-src 'none'") and "'sha256-" in policy and "unsafe-inline" not in policy


def test_an_editor_sends_a_test_to_themselves_and_nothing_is_recorded(client, editor, edition):
    client.post("/admin/newsletters/edition/", {"action": "send_test", "_selected_action": [edition.pk]})
    assert [message.to for message in mail.outbox] == [[editor.email], [editor.email]]
    assert [message.subject.split("]")[0] for message in mail.outbox] == ["[TEST", "[TEST · non abonné"]
    assert GATED.rstrip(".") in mail.outbox[0].body and GATED.rstrip(".") not in mail.outbox[1].body
    edition.refresh_from_db()
    assert edition.status == Edition.Status.SCHEDULED and not Send.objects.exists()


def test_send_now_goes_through_the_service_and_the_send_is_a_read_only_record(
    client, editor, edition, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/admin/newsletters/edition/", {"action": "send_now", "_selected_action": [edition.pk]})
    send = Send.objects.get(edition=edition)
    assert send.started_by == editor and send.recipients == 1
    page = client.get(f"/admin/newsletters/send/{send.pk}/change/")
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    assert client.get("/admin/newsletters/send/add/").status_code == 403
    # An edition that left is a record too: its pieces can no longer be changed.
    form = client.get(f"/admin/newsletters/edition/{edition.pk}/change/").content.decode()
    assert 'name="items-0-article"' not in form


def test_moderators_do_not_see_the_letters(client):
    client.force_login(staff_member("Moderators"))
    assert client.get("/admin/newsletters/edition/").status_code == 403
