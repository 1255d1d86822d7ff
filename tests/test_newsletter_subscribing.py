"""Subscribing: from the box under articles (a page cached for everyone), from "Mon
compte" and at sign-up; double opt-in for an address without an account, and no answer
that tells a stranger whether an address already receives our letters."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.management import call_command
from django.test import Client

from newsletters.models import Subscriber

from .factories import ArticleFactory, NewsletterFactory, SectionFactory, SubscriberFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def letters():
    section = SectionFactory(name="Sciences")
    return {
        "morning": NewsletterFactory(),
        "section": NewsletterFactory(name="La lettre Sciences", slug="lettre-sciences", section=section),
        "article": ArticleFactory(section=section),
    }


def run_worker():
    call_command("db_worker", batch=True, verbosity=0)


def confirmation_link():
    (message,) = mail.outbox
    return re.search(r"http://[^\s]+/lettres/confirmer/[^\s]+/", message.body).group(0)


def test_the_box_under_articles_is_the_same_for_every_anonymous_reader_and_keeps_the_page_cached(
    client, settings, letters
):
    settings.NEWSREADER_PAGE_CACHE_SECONDS = 60
    url = letters["article"].get_absolute_url()
    first = client.get(url)
    html = first.content.decode()
    assert 'method="post" action="/lettres/choix/"' in html and 'name="email"' in html
    assert 'value="la-matinale" checked' in html and 'value="lettre-sciences"' in html
    assert "csrfmiddlewaretoken" not in html and not first.cookies
    assert Client().get(url)["X-Page-Cache"] == "hit"


def test_the_box_fills_in_the_form_without_a_token_and_changes_nothing(letters):
    """The box's POST comes from a cached page without a CSRF token: it only fills in the
    form (which has one), and keeps the address out of the URL, history and logs."""
    browser = Client(enforce_csrf_checks=True)
    form = browser.post("/lettres/choix/", {"email": "camille@example.org", "lettre": ["lettre-sciences"]})
    html = form.content.decode()
    assert form.status_code == 200 and "no-cache" in form["Cache-Control"]
    assert 'value="camille@example.org"' in html
    assert re.search(r'<input[^>]*value="lettre-sciences"[^>]*checked>', html)
    assert not re.search(r'<input[^>]*value="la-matinale"[^>]*checked>', html)
    assert "csrfmiddlewaretoken" in html
    assert not Subscriber.objects.exists() and mail.outbox == []
    assert browser.post("/lettres/", {"email": "camille@example.org", "lettre": ["lettre-sciences"]}).status_code == 403
    assert "camille@example.org" not in Client().get("/lettres/?email=camille%40example.org").content.decode()


def test_an_address_without_an_account_is_stored_only_once_its_owner_confirms(client, letters):
    form = client.post("/lettres/choix/", {"email": "camille@example.org", "lettre": ["lettre-sciences"]})
    assert 'value="camille@example.org"' in form.content.decode()
    response = client.post("/lettres/", {"email": "camille@example.org", "lettre": ["lettre-sciences"]})
    assert response.status_code == 302 and response["Location"] == "/lettres/demande-envoyee/"
    assert not Subscriber.objects.exists() and mail.outbox == []
    run_worker()
    link = confirmation_link()
    assert mail.outbox[0].to == ["camille@example.org"]
    path = link.split("8000", 1)[1]
    assert "Oui, je confirme" in client.get(path).content.decode()
    assert not Subscriber.objects.exists()  # opening the link (a mail scanner) is not a yes
    assert "Inscription confirmée" in client.post(path).content.decode()
    (subscriber,) = Subscriber.objects.all()
    assert (subscriber.email, subscriber.newsletter, subscriber.is_active) == (
        "camille@example.org",
        letters["section"],
        True,
    )


def test_the_answer_does_not_tell_whether_an_address_already_receives_letters(client, letters):
    SubscriberFactory(newsletter=letters["morning"], email="known@example.org")
    answers = [
        client.post("/lettres/", {"email": email, "lettre": ["la-matinale"]})
        for email in ["known@example.org", "unknown@example.org"]
    ]
    assert [(a.status_code, a["Location"]) for a in answers] == [(302, "/lettres/demande-envoyee/")] * 2


def test_strangers_asking_too_often_are_told_to_wait(client, settings, letters):
    settings.NEWSREADER_NEWSLETTER_REQUESTS_PER_HOUR = 2
    statuses = [
        client.post("/lettres/", {"email": f"n{n}@example.org", "lettre": ["la-matinale"]}).status_code
        for n in range(3)
    ]
    assert statuses == [302, 302, 429]


def test_one_address_gets_few_confirmation_mails_however_often_it_is_asked_for(client, settings, letters):
    settings.NEWSREADER_NEWSLETTER_CONFIRMATIONS_PER_DAY = 2
    for _ in range(4):
        client.post("/lettres/", {"email": "victim@example.org", "lettre": ["la-matinale"]})
    run_worker()
    assert len(mail.outbox) == 2


def test_bad_input_is_a_clear_error(client, letters):
    response = client.post("/lettres/", {"email": "pas-une-adresse", "lettre": ["inconnue"]})
    assert response.status_code == 400
    assert response.content.decode().count('class="errorlist" role="alert"') == 2
    assert client.get("/lettres/confirmer/abimé/").status_code == 400


def test_the_letters_to_choose_are_a_group_named_by_its_legend(client, letters):
    """A group of checkboxes has no one control for a <label for> to name: the page once
    had `<label for="">`, naming nothing, and screen readers did not say what the group was."""
    page = client.get("/lettres/").content.decode()
    assert re.search(r"<fieldset[^>]*>\s*<legend>Les lettres à recevoir</legend>", page)
    assert 'for=""' not in page


def test_a_signed_in_reader_with_a_verified_address_needs_no_confirmation(client, letters):
    reader = UserFactory()
    client.force_login(reader)
    response = client.post("/lettres/", {"email": reader.email, "lettre": ["la-matinale"]})
    assert response["Location"] == "/compte/#newsletters-heading"
    assert Subscriber.objects.get(user=reader).is_active
    run_worker()
    assert mail.outbox == []


def test_mon_compte_lists_the_letters_with_checkboxes_and_saves_the_choice(client, letters):
    reader = UserFactory()
    SubscriberFactory(newsletter=letters["morning"], user=reader)
    client.force_login(reader)
    page = client.get("/compte/").content.decode()
    assert "Mes lettres d'information" in page
    assert 'value="la-matinale" checked' in page and 'value="lettre-sciences">' in page
    client.post("/lettres/mon-compte/", {"lettre": ["lettre-sciences"]})
    active = Subscriber.objects.filter(user=reader).active()
    assert [subscriber.newsletter for subscriber in active] == [letters["section"]]


def test_a_letter_chosen_at_sign_up_starts_when_the_address_is_verified(client, letters):
    signup = client.get("/comptes/signup/").content.decode()
    assert "Recevoir La matinale" in signup
    client.post(
        "/comptes/signup/",
        {
            "email": "nouveau@example.org",
            "password1": "un long mot de passe",
            "password2": "un long mot de passe",
            "newsletter": "on",
        },
    )
    subscriber = Subscriber.objects.get(email="nouveau@example.org")
    assert subscriber.user is not None and not subscriber.is_active  # not before verification
    key = re.search(r"/comptes/confirm-email/([^/\s]+)/", mail.outbox[-1].body).group(1)
    client.post(f"/comptes/confirm-email/{key}/")
    assert EmailAddress.objects.get(email="nouveau@example.org").verified
    subscriber.refresh_from_db()
    assert subscriber.is_active


def test_my_letters_are_in_my_data_and_leave_with_my_account(client, letters):
    reader = UserFactory()
    SubscriberFactory(newsletter=letters["morning"], user=reader)
    client.force_login(reader)
    data = client.get("/compte/mes-donnees.json").json()
    assert [entry["newsletter"] for entry in data["newsletters"]] == ["La matinale"]
    from accounts.services import account_delete

    account_delete(user=reader)
    assert not Subscriber.objects.exists()


def test_a_reader_receives_the_letter_in_the_language_their_account_now_has(letters):
    from django.utils import timezone

    from newsletters.mailing import edition_message
    from newsletters.services import edition_assemble

    reader = UserFactory(language="fr")
    subscriber = SubscriberFactory(newsletter=letters["morning"], user=reader, language="fr")
    reader.language = "en"
    reader.save(update_fields=["language"])
    edition = edition_assemble(newsletter=letters["morning"], day=timezone.localdate())
    message, _ = edition_message(edition=edition, subscriber=subscriber, articles=list(edition.articles.all()))
    assert "Unsubscribe" in message.alternatives[0].content
