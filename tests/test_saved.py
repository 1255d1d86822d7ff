""" "Ma liste": saving and removing with and without the page's script, the anonymous
reader's way through sign-in, what the list page and the state document show, the data
download, and what must stay out of shared caches."""

import json

import pytest
from django.test import Client
from django.urls import reverse

from articles.models import Article
from saved.models import SavedArticle
from subscriptions.models import MeteredRead

from .factories import ArticleFactory, UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"
GATED_BODY = "Paragraphe public.\n\nLe secret des abonnés, jamais ailleurs."


def item_url(article):
    return reverse("saved:item", kwargs={"slug": article.slug})


@pytest.fixture
def reader():
    return UserFactory()


@pytest.fixture
def signed_in(reader):
    client = Client(enforce_csrf_checks=True)
    client.force_login(reader)
    return client


def csrf_from(client, path):
    """The token the page's own form carries, as a reader's browser would post it."""
    html = client.get(path).content.decode()
    marker = 'name="csrfmiddlewaretoken" value="'
    start = html.index(marker) + len(marker)
    return html[start : html.index('"', start)]


def test_the_article_page_button_saves_and_comes_back_with_a_message(signed_in, reader):
    article = ArticleFactory(title="La vallée retrouve son train")
    token = csrf_from(signed_in, article.get_absolute_url())

    response = signed_in.post(
        item_url(article), {"action": "save", "csrfmiddlewaretoken": token}, HTTP_REFERER=article.get_absolute_url()
    )

    assert response.status_code == 302 and response["Location"] == article.get_absolute_url()
    page = signed_in.get(article.get_absolute_url()).content.decode()
    assert "« La vallée retrouve son train » est dans Ma liste." in page
    assert 'aria-pressed="true"' in page and "Sauvegardé · Retirer" in page
    assert SavedArticle.objects.filter(user=reader, article=article).count() == 1


def test_removing_takes_it_out(signed_in, reader):
    article = ArticleFactory()
    SavedArticle.objects.create(user=reader, article=article)
    token = csrf_from(signed_in, article.get_absolute_url())

    signed_in.post(item_url(article), {"action": "remove", "csrfmiddlewaretoken": token})

    assert not SavedArticle.objects.filter(user=reader).exists()
    assert 'aria-pressed="false"' in signed_in.get(article.get_absolute_url()).content.decode()


def test_saving_twice_keeps_one_entry(signed_in, reader):
    article = ArticleFactory()
    token = csrf_from(signed_in, article.get_absolute_url())
    for _ in range(2):
        signed_in.post(item_url(article), {"action": "save", "csrfmiddlewaretoken": token})
    assert SavedArticle.objects.filter(user=reader).count() == 1


@pytest.mark.parametrize("state", ["draft", "scheduled"])
def test_only_published_articles_can_be_saved(signed_in, reader, state):
    from datetime import timedelta

    from django.utils import timezone

    if state == "draft":
        article = ArticleFactory(status=Article.Status.DRAFT)
    else:
        article = ArticleFactory(published_at=timezone.now() + timedelta(days=1))
    assert signed_in.post(item_url(article), {"action": "save"}).status_code == 404
    assert not SavedArticle.objects.exists()


def test_a_post_without_token_changes_nothing_and_leads_to_the_confirmation_step(signed_in, reader):
    """A list card's button carries no token (it sits in fragments shared by every reader):
    without the page's script the reader confirms on a page that has one."""
    article = ArticleFactory(title="Un titre à garder")

    response = signed_in.post(item_url(article), {"action": "save"})

    assert response.status_code == 302 and response["Location"] == item_url(article)
    assert not SavedArticle.objects.exists()
    confirmation = signed_in.get(item_url(article)).content.decode()
    assert "Sauvegarder cet article dans Ma liste ?" in confirmation
    assert "csrfmiddlewaretoken" in confirmation and "Un titre à garder" in confirmation


def test_a_get_never_saves(signed_in):
    article = ArticleFactory()
    signed_in.get(item_url(article))
    signed_in.get(item_url(article) + "?action=save")
    assert not SavedArticle.objects.exists()


def test_anonymous_reader_signs_in_and_comes_back_with_the_article_saved(client, reader):
    article = ArticleFactory(title="Le col rouvre au printemps")

    response = client.post(item_url(article), {"action": "save"}, HTTP_REFERER=article.get_absolute_url())

    login = reverse("account_login")
    assert response.status_code == 302 and response["Location"].startswith(login)
    assert not SavedArticle.objects.exists()
    signed = client.post(response["Location"], {"login": reader.email, "password": PASSWORD}, follow=True)
    assert signed.redirect_chain[-1][0] == article.get_absolute_url()
    page = signed.content.decode()
    assert "« Le col rouvre au printemps » est dans Ma liste." in page
    assert SavedArticle.objects.filter(user=reader, article=article).exists()


def test_another_site_cannot_plant_a_save_for_later(client, reader):
    article = ArticleFactory()

    response = client.post(item_url(article), {"action": "save"}, HTTP_SEC_FETCH_SITE="cross-site")

    assert response.status_code == 302
    client.post(reverse("account_login"), {"login": reader.email, "password": PASSWORD})
    assert not SavedArticle.objects.exists()


def test_strangers_posting_saves_again_and_again_store_nothing_past_the_limit(settings):
    """An anonymous save writes a session (a database row): a script posting without
    cookies could write one per request. Past the limit per address, the post still leads
    to the sign-in page, but nothing is stored."""
    settings.NEWSREADER_SAVED_PENDING_PER_HOUR = 2
    article = ArticleFactory()

    stored = []
    for _attempt in range(3):
        response = Client().post(item_url(article), {"action": "save"})
        assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))
        stored.append(settings.SESSION_COOKIE_NAME in response.cookies)

    assert stored == [True, True, False]


def test_an_old_pending_save_is_forgotten(client, reader, monkeypatch):
    article = ArticleFactory()
    client.post(item_url(article), {"action": "save"})
    import saved.services

    monkeypatch.setattr(saved.services, "PENDING_SECONDS", -1)
    client.post(reverse("account_login"), {"login": reader.email, "password": PASSWORD})
    assert not SavedArticle.objects.exists()


def test_the_page_script_saves_in_place_with_json(signed_in, reader):
    article = ArticleFactory()
    state = signed_in.get(reverse("saved:state"), {"ids": str(article.pk)}).json()

    response = signed_in.post(
        item_url(article), {"action": "save"}, HTTP_ACCEPT="application/json", HTTP_X_CSRFTOKEN=state["csrf"]
    )

    assert response.status_code == 200
    assert response.json() == {"saved": True, "message": f"« {article.title} » est dans Ma liste."}
    assert signed_in.get(reverse("saved:state"), {"ids": str(article.pk)}).json()["saved"] == [article.pk]


def test_the_state_document_is_the_readers_alone_and_never_stored(signed_in, reader, client):
    mine, other = ArticleFactory(), ArticleFactory()
    SavedArticle.objects.create(user=reader, article=mine)

    response = signed_in.get(reverse("saved:state"), {"ids": f"{mine.pk},{other.pk}"})

    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    state = response.json()
    assert state["saved"] == [mine.pk]
    assert state["offline"] == [{"url": mine.get_absolute_url(), "title": mine.title}]
    assert len(state["reader"]) == 32 and reader.email not in json.dumps(state)
    assert client.get(reverse("saved:state")).json() == {"reader": None}
    assert signed_in.get(reverse("saved:state"), {"ids": "1,abc"}).status_code == 400


@pytest.mark.parametrize("ids", ["99999999999999999999999", "1,9223372036854775808", "0", "-3"])
def test_an_id_no_article_can_have_is_a_bad_request_not_a_server_error(signed_in, ids):
    """The ids come from the page's cards, but anyone can type the address: a number past
    the database's integers once reached the query (an OverflowError, a 500)."""
    assert signed_in.get(reverse("saved:state"), {"ids": ids}).status_code == 400
    assert signed_in.get(reverse("saved:state"), {"ids": str(2**63 - 1)}).json()["saved"] == []


def test_list_cards_carry_no_reader_state_so_anonymous_pages_stay_cached(client, settings, reader):
    """The cards' button is the same for everyone: no token, not pressed. The page cache
    keeps the anonymous front page, and a reader who saved the lead still gets the plain
    card from the shared fragment (the page's script marks it)."""
    settings.NEWSREADER_PAGE_CACHE_SECONDS = 60
    article = ArticleFactory(illustrated=True)
    SavedArticle.objects.create(user=reader, article=article)

    assert client.get("/")["X-Page-Cache"] == "miss"
    cached = client.get("/")
    assert cached["X-Page-Cache"] == "hit"
    assert f'action="{item_url(article)}"' in cached.content.decode()
    client.force_login(reader)
    page = client.get("/").content.decode()
    card = page[page.index(f'action="{item_url(article)}"') :][:600]
    assert "csrfmiddlewaretoken" not in card and 'aria-pressed="false"' in card


def test_search_results_and_lists_offer_the_button(client):
    article = ArticleFactory(title="Élections régionales")
    assert f'action="{item_url(article)}"' in client.get(article.section.get_absolute_url()).content.decode()
    assert f'action="{item_url(article)}"' in client.get("/recherche/", {"q": "élections"}).content.decode()


def test_my_list_shows_newest_first_and_only_the_public_view(signed_in, reader):
    older = ArticleFactory(title="Le plus ancien")
    gated = ArticleFactory(title="Le réservé", access=Article.Access.SUBSCRIBERS, teaser_paragraphs=1, body=GATED_BODY)
    SavedArticle.objects.create(user=reader, article=older)
    SavedArticle.objects.create(user=reader, article=gated)

    page = signed_in.get(reverse("saved:list")).content.decode()

    assert page.index("Le réservé") < page.index("Le plus ancien")
    assert "Paragraphe public" in page
    assert "Le secret des abonnés" not in page
    assert "Réservé aux abonnés" in page


def test_an_unpublished_article_drops_out_of_the_list(signed_in, reader):
    article = ArticleFactory(title="Retiré par la rédaction")
    SavedArticle.objects.create(user=reader, article=article)
    Article.objects.filter(pk=article.pk).update(status=Article.Status.DRAFT)
    assert "Retiré par la rédaction" not in signed_in.get(reverse("saved:list")).content.decode()


@pytest.mark.parametrize("entries", [1, 12])
def test_my_list_costs_the_same_whatever_its_length(signed_in, reader, django_assert_max_num_queries, entries):
    """Each entry shows its article, source and section, fetched in the page's one query
    (no query per entry): the session's user with their e-mail addresses (2), the count for
    the pagination (1) and the page (1). 4 at most."""
    for article in ArticleFactory.create_batch(entries):
        SavedArticle.objects.create(user=reader, article=article)
    signed_in.get("/")  # the cached section menu, as any earlier page would have warmed it
    with django_assert_max_num_queries(4):
        assert signed_in.get(reverse("saved:list")).status_code == 200


def test_my_list_is_paginated(signed_in, reader, settings):
    settings.NEWSREADER_PAGE_SIZE = 2
    for article in ArticleFactory.create_batch(3):
        SavedArticle.objects.create(user=reader, article=article)
    assert signed_in.get(reverse("saved:list"), {"page": 2}).status_code == 200
    assert signed_in.get(reverse("saved:list"), {"page": 9}).status_code == 404


def test_removing_the_last_entry_of_the_last_page_returns_to_a_page_that_exists(signed_in, reader, settings):
    """The remove button on "Ma liste" sends the reader back to the page they were on; when
    that page has just emptied, they land on the last page left, not on a 404."""
    settings.NEWSREADER_PAGE_SIZE = 2
    first, second, third = ArticleFactory.create_batch(3)
    for article in (first, second, third):
        SavedArticle.objects.create(user=reader, article=article)
    last_page = reverse("saved:list") + "?page=2"
    oldest = SavedArticle.objects.of(reader).newest_first().last().article
    token = csrf_from(signed_in, last_page)  # the token of the list page's own remove button
    response = signed_in.post(
        item_url(oldest), {"action": "remove", "next": last_page, "csrfmiddlewaretoken": token}, follow=True
    )
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == reverse("saved:list") + "?page=1"
    assert f"« {oldest.title} » est retiré de Ma liste." in response.content.decode().replace("&#x27;", "'")


def test_a_full_list_refuses_more_gracefully(signed_in, reader, settings):
    settings.NEWSREADER_SAVED_MAX = 1
    first, second = ArticleFactory(), ArticleFactory()
    SavedArticle.objects.create(user=reader, article=first)
    state = signed_in.get(reverse("saved:state")).json()

    response = signed_in.post(
        item_url(second), {"action": "save"}, HTTP_ACCEPT="application/json", HTTP_X_CSRFTOKEN=state["csrf"]
    )

    assert response.status_code == 400
    assert "Ma liste est pleine (1 articles)" in response.json()["message"]
    assert SavedArticle.objects.filter(user=reader).count() == 1


def test_the_data_download_includes_my_list(signed_in, reader):
    article = ArticleFactory(title="À relire ce soir")
    SavedArticle.objects.create(user=reader, article=article)
    data = json.loads(signed_in.get(reverse("accounts:export")).content)
    assert data["saved_articles"][0]["article"] == "À relire ce soir"
    assert data["saved_articles"][0]["url"] == article.get_absolute_url()


def test_the_account_pages_lead_to_my_list(signed_in, reader):
    SavedArticle.objects.create(user=reader, article=ArticleFactory())
    dashboard = signed_in.get(reverse("accounts:dashboard")).content.decode()
    assert f'href="{reverse("saved:list")}"' in dashboard
    assert "1 article à lire plus tard." in dashboard


def test_the_offline_prefetch_of_a_gated_piece_gets_the_teaser_and_spends_nothing(signed_in, reader):
    """The service worker keeps what the server answers this reader, fetched as a
    prefetch: a reader with free articles left is not made to spend one, and gets the
    teaser only, never the text past it."""
    gated = ArticleFactory(access=Article.Access.SUBSCRIBERS, teaser_paragraphs=1, body=GATED_BODY)
    SavedArticle.objects.create(user=reader, article=gated)

    response = signed_in.get(gated.get_absolute_url(), HTTP_PURPOSE="prefetch")

    assert "Paragraphe public." in response.content.decode()
    assert "Le secret des abonnés" not in response.content.decode()
    assert not MeteredRead.objects.filter(user=reader).exists()


@pytest.mark.parametrize("cards", [1, 40])
def test_the_state_document_costs_the_same_whatever_the_page(signed_in, reader, django_assert_max_num_queries, cards):
    """Asked on every signed-in page with cards: the session's user (1), which of the
    page's cards are saved (1, one IN query whatever their number) and the newest saved
    pieces for the offline copies (1). 3 at most."""
    articles = ArticleFactory.create_batch(cards)
    for article in articles[::2]:
        SavedArticle.objects.create(user=reader, article=article)
    ids = ",".join(str(article.pk) for article in articles)
    with django_assert_max_num_queries(3):
        assert signed_in.get(reverse("saved:state"), {"ids": ids}).status_code == 200
