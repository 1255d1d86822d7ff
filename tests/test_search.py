"""Search: the same cases on SQLite (FTS5) and on PostgreSQL (run with DATABASE_URL set).

A reader finds a published article by a word of it, with or without its accents and in
another form of the word; a reader not entitled to a gated piece matches and reads only
its public text.
"""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from articles.models import Article, SearchEntry
from articles.search import parse_query, search_articles
from subscriptions.access import read_in_full_filter, reading_for
from subscriptions.models import MeteredRead

from .factories import (
    ArticleFactory,
    MeteredReadFactory,
    SectionFactory,
    SourceFactory,
    SubscriptionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

TEASER = "Premier paragraphe où chacun lit que les négociations avancent.\n\nDeuxième paragraphe ouvert."
HIDDEN = "Troisième paragraphe : le ministre évoque un accord secret sur les hydrocarbures."
GATED_BODY = f"{TEASER}\n\n{HIDDEN}\n\nDernier paragraphe."


def titles(client, query, **params):
    response = client.get("/recherche/", {"q": query, **params})
    assert response.status_code == 200
    html = response.content.decode()
    return re.findall(r'class="card__title"><a href="[^"]+" lang="fr">([^<]+)</a>', html), html


def found(client, query, **params):
    return titles(client, query, **params)[0]


# Words, accents, stems ---------------------------------------------------------------------


def test_a_word_without_its_accents_finds_the_article_and_the_other_way_round(client):
    ArticleFactory(title="Élections municipales : la campagne s'ouvre")
    ArticleFactory(title="Les elections du conseil, écrites sans accent", slug="sans-accent")
    assert sorted(found(client, "election")) == [
        "Les elections du conseil, écrites sans accent",
        "Élections municipales : la campagne s&#x27;ouvre",
    ]
    assert len(found(client, "ÉLECTION")) == 2


def test_another_form_of_the_word_finds_it(client):
    ArticleFactory(title="Présidentielles : les sondages se resserrent")
    assert found(client, "présidentielle") == ["Présidentielles : les sondages se resserrent"]
    assert found(client, "presidentiel") == ["Présidentielles : les sondages se resserrent"]


def test_stop_words_alone_are_no_question(client):
    ArticleFactory(title="Le pont de la rivière")
    _titles, html = titles(client, "le la de")
    assert "ne contient aucun mot à chercher" in html


def test_a_title_match_ranks_above_a_body_match(client):
    ArticleFactory(title="Un article sur autre chose", body="On y parle aussi de vendanges, en passant.")
    ArticleFactory(title="Les vendanges commencent", body="Rien d'autre.")
    assert found(client, "vendanges") == ["Les vendanges commencent", "Un article sur autre chose"]


def test_quotes_ask_for_the_words_together(client):
    ArticleFactory(title="Le prix de l'énergie s'envole")
    ArticleFactory(title="L'énergie du prix Nobel", slug="nobel")
    assert found(client, '"prix de l\'énergie"') == ["Le prix de l&#x27;énergie s&#x27;envole"]


def test_a_minus_leaves_a_word_out_and_or_offers_a_choice(client):
    ArticleFactory(title="Climat : les glaciers reculent")
    ArticleFactory(title="Climat : la sécheresse s'installe", slug="secheresse")
    ArticleFactory(title="Vendanges précoces", slug="vendanges")
    assert found(client, "climat -glaciers") == ["Climat : la sécheresse s&#x27;installe"]
    assert sorted(found(client, "glaciers or vendanges")) == ["Climat : les glaciers reculent", "Vendanges précoces"]


def test_only_published_articles_are_ever_found(client):
    ArticleFactory(title="Tarifs publiés")
    ArticleFactory(title="Tarifs en brouillon", slug="draft", status=Article.Status.DRAFT)
    ArticleFactory(title="Tarifs relus", slug="review", status=Article.Status.REVIEW)
    ArticleFactory(title="Tarifs retirés", slug="gone", status=Article.Status.UNPUBLISHED)
    ArticleFactory(title="Tarifs de demain", slug="later", published_at=timezone.now() + timedelta(hours=1))
    client.force_login(SubscriptionFactory().user)
    assert found(client, "tarifs") == ["Tarifs publiés"]


# Gating --------------------------------------------------------------------------------------


@pytest.fixture
def gated():
    return ArticleFactory(
        title="Diplomatie : un tournant", access=Article.Access.SUBSCRIBERS, body=GATED_BODY, standfirst="Un chapô."
    )


def test_anonymous_reader_matches_only_the_public_text_and_is_quoted_from_it(client, gated):
    assert found(client, "hydrocarbures") == []
    names, html = titles(client, "négociation")
    assert names == ["Diplomatie : un tournant"]
    assert "<mark>négociations</mark>" in html
    assert "hydrocarbures" not in html.replace('value="négociation"', "")
    assert HIDDEN not in html


def test_subscriber_searches_the_whole_text_and_is_quoted_from_it(client, gated):
    client.force_login(SubscriptionFactory().user)
    names, html = titles(client, "hydrocarbure")
    assert names == ["Diplomatie : un tournant"]
    assert "<mark>hydrocarbures</mark>" in html


def test_a_free_article_already_read_is_searched_whole_and_search_spends_none(client, gated):
    reader = UserFactory()
    client.force_login(reader)
    assert found(client, "hydrocarbures") == []  # free articles left, none spent on this one
    assert not MeteredRead.objects.filter(user=reader).exists()
    MeteredReadFactory(user=reader, article=gated)
    assert found(client, "hydrocarbures") == ["Diplomatie : un tournant"]


def test_registered_pieces_are_whole_for_signed_in_readers_only(client):
    ArticleFactory(title="Note aux inscrits", access=Article.Access.REGISTERED, body=GATED_BODY)
    assert found(client, "hydrocarbures") == []
    client.force_login(UserFactory())
    assert found(client, "hydrocarbures") == ["Note aux inscrits"]


def test_expired_subscriber_matches_public_text_only(client, gated):
    ended = SubscriptionFactory(
        starts_at=timezone.now() - timedelta(days=60), ends_at=timezone.now() - timedelta(days=1)
    )
    client.force_login(ended.user)
    assert found(client, "hydrocarbures") == []


@pytest.mark.parametrize("access", list(Article.Access))
def test_the_search_rule_is_the_reading_rule(access, settings):
    """`read_in_full_filter` says for a list what `reading_for` says for one piece."""
    article = ArticleFactory(access=access)
    metered = ArticleFactory(access=access, slug=f"metered-{access}")
    reader_with_read = UserFactory()
    MeteredReadFactory(user=reader_with_read, article=metered)
    readers = [
        UserFactory.build(),  # unsaved: stands for an anonymous visitor below
        UserFactory(),
        reader_with_read,
        SubscriptionFactory().user,
        UserFactory(is_staff=True),
    ]
    from django.contrib.auth.models import AnonymousUser

    readers[0] = AnonymousUser()
    for user in readers:
        in_full = read_in_full_filter(user=user)
        for piece in (article, metered):
            if in_full is None:
                searched_whole = piece.access == Article.Access.PUBLIC
            else:
                searched_whole = Article.objects.filter(in_full, pk=piece.pk).exists()
            decision = reading_for(user=user, article=piece)
            assert searched_whole == (decision.full and not decision.spends_free_article), (user, piece.access)


# Snippets --------------------------------------------------------------------------------------


def test_snippets_escape_the_text_and_mark_only_the_words(client):
    ArticleFactory(
        title="Balises",
        standfirst="Un chapô <script>alert(1)</script> & « citation » sur la fiscalité.",
        body="Le texte parle de fiscalité.",
    )
    _names, html = titles(client, "fiscalite")
    snippet = html.split('class="search-result__snippet" lang="fr">', 1)[1].split("</p>", 1)[0]
    assert "<script" not in snippet
    assert "&amp; « citation »" in snippet
    assert "<mark>fiscalité" in snippet
    assert re.sub(r"</?mark>", "", snippet).count("<") == 0


# Filters, order, pages, bad input ----------------------------------------------------------------


def test_filters_narrow_the_results(client):
    politique, culture = SectionFactory(name="Politique", slug="politique"), SectionFactory(slug="culture")
    journal = SourceFactory(name="Le Matin", slug="le-matin")
    ArticleFactory(title="Réforme A", section=politique, source=journal)
    ArticleFactory(title="Réforme B", slug="b", section=culture)
    ArticleFactory(title="Réforme C", slug="c", section=politique, published_at=timezone.now() - timedelta(days=3))
    assert sorted(found(client, "réforme", rubrique="politique")) == ["Réforme A", "Réforme C"]
    assert found(client, "réforme", source="le-matin") == ["Réforme A"]
    assert sorted(found(client, "réforme", periode="24h")) == ["Réforme A", "Réforme B"]
    assert len(found(client, "réforme", periode="semaine")) == 3
    assert len(found(client, "réforme", rubrique="inconnue")) == 3  # ignored, and said so


def test_newest_first_on_request(client):
    ArticleFactory(title="Budget budget budget", published_at=timezone.now() - timedelta(days=2))
    ArticleFactory(title="Le budget, hier soir", slug="recent", body="Sans rapport.")
    assert found(client, "budget", tri="date") == ["Le budget, hier soir", "Budget budget budget"]


def test_results_come_in_pages_that_keep_the_question(client, settings):
    settings.NEWSREADER_PAGE_SIZE = 2
    for number in range(5):
        ArticleFactory(title=f"Inflation, épisode {number}")
    names, html = titles(client, "inflation", tri="date")
    assert len(names) == 2
    assert "q=inflation&amp;tri=date&amp;page=2" in html
    assert len(found(client, "inflation", tri="date", page=3)) == 1


@pytest.mark.parametrize(
    "params",
    [
        {"q": ""},
        {"q": "x" * 1000},
        {"q": '" - or -- ""'},
        {"q": "inflation", "page": "abc"},
        {"q": "inflation", "page": "99999"},
        {"q": "((( *** )))"},
        {"q": "inflation", "periode": "siècle", "tri": "n'importe"},
    ],
)
def test_bad_input_gets_a_clear_page(client, params):
    ArticleFactory(title="Inflation")
    response = client.get("/recherche/", params)
    assert response.status_code == 200
    assert "Recherche" in response.content.decode()


def test_a_nul_character_is_refused_with_a_clear_page(client):
    response = client.get("/recherche/", {"q": "a\x00b"})
    assert response.status_code in (200, 400)  # the site refuses NUL in any address (400)
    assert response.content


def test_too_long_a_question_is_refused_and_kept(client):
    response = client.get("/recherche/", {"q": "mot " * 250})
    html = response.content.decode()
    assert "200 caractères" in html
    assert "mot mot mot" in html  # still in the box


def test_nothing_found_suggests_a_title_and_what_to_try(client):
    ArticleFactory(title="Réforme des retraites : la mobilisation continue")
    names, html = titles(client, "retraittes")
    assert names == []
    assert "Aucun article ne correspond à « retraittes »" in html
    assert "Vouliez-vous dire" in html
    assert "Réforme des retraites : la mobilisation continue" in html


# The index stays current -----------------------------------------------------------------------


def test_the_index_follows_every_change_of_the_text(client):
    article = ArticleFactory(title="Ancien titre", body="Un mot rare : ornithorynque.")
    assert found(client, "ornithorynque") == ["Ancien titre"]
    article.body = "Un autre mot rare : tamanoir."
    article.title = "Nouveau titre"
    article.save()
    assert found(client, "ornithorynque") == []
    assert found(client, "tamanoir") == ["Nouveau titre"]
    article.access = Article.Access.SUBSCRIBERS
    article.teaser_paragraphs = 0
    article.save()
    assert found(client, "tamanoir") == []  # now in the gated part only
    article.delete()
    assert not SearchEntry.objects.exists()
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("SELECT COUNT(*) FROM articles_search_fts")
            assert cursor.fetchone()[0] == 0


def test_a_save_that_leaves_the_text_alone_leaves_the_index_alone():
    from django.test.utils import CaptureQueriesContext

    article = ArticleFactory()
    with CaptureQueriesContext(connection) as queries:
        article.save(update_fields=["comments_mode", "updated_at"])
    assert queries.captured_queries
    assert not [query for query in queries.captured_queries if "search" in query["sql"]]


def test_unpublishing_takes_the_article_out_of_the_index_at_once(client):
    from articles.workflow import article_unpublish

    from .factories import staff_member

    article = ArticleFactory(title="Tarifs")
    assert found(client, "tarifs") == ["Tarifs"]
    article_unpublish(user=staff_member("Editors"), article=article)
    assert SearchEntry.objects.get(pk=article.pk).published_at is None
    assert found(client, "tarifs") == []


def test_a_broad_question_is_answered_from_its_newest_matches(client, monkeypatch, settings):
    from articles import search

    monkeypatch.setattr(search, "CANDIDATES", 3)
    for number in range(5):
        ArticleFactory(title=f"Budget {number}", published_at=timezone.now() - timedelta(hours=number + 1))
    names, html = titles(client, "budget")
    assert sorted(names) == ["Budget 0", "Budget 1", "Budget 2"]
    assert "Plus de 3 articles" in html


# The page itself -------------------------------------------------------------------------------


def test_every_page_has_a_labelled_search_box_that_works_without_javascript(client):
    article = ArticleFactory()
    for url in ("/", article.get_absolute_url(), "/actualites/", "/en/"):
        html = client.get(url).content.decode()
        form = html.split('<form class="site-search"', 1)[1].split("</form>", 1)[0]
        assert 'method="get"' in form
        assert 'name="q"' in form
        assert '<label for="site-search-q"' in form


def test_result_pages_are_not_kept_by_the_page_cache(client, settings):
    settings.NEWSREADER_PAGE_CACHE_SECONDS = 60
    ArticleFactory(title="Inflation")
    assert "X-Page-Cache" not in client.get("/recherche/", {"q": "inflation"})
    assert client.get("/recherche/")["X-Page-Cache"] == "miss"
    assert client.get("/recherche/")["X-Page-Cache"] == "hit"


@pytest.mark.parametrize("count", [2, 30])
def test_search_queries_are_constant(client, django_assert_max_num_queries, count, settings):
    """A search costs the count and one page of results with their sources and sections
    (SQLite: the page's ids, then its articles with their entries): 3 queries at most,
    whatever the number of matches; the filters' lists and the menu are cached."""
    for number in range(count):
        ArticleFactory(title=f"Inflation {number}", access=Article.Access.SUBSCRIBERS if number % 2 else "public")
    client.get("/recherche/")
    with django_assert_max_num_queries(3):
        assert client.get("/recherche/", {"q": "inflation"}).status_code == 200
    client.force_login(UserFactory())
    # Signed in: the session's user, the subscription check and this month's free reads.
    with django_assert_max_num_queries(6):
        assert client.get("/recherche/", {"q": "inflation"}).status_code == 200


def test_no_match_costs_one_more_query_for_the_suggestions(client, django_assert_max_num_queries):
    ArticleFactory(title="Inflation")
    client.get("/recherche/")
    with django_assert_max_num_queries(3):
        assert client.get("/recherche/", {"q": "inflaton"}).status_code == 200


def test_parse_query_understands_the_websearch_syntax():
    parsed = parse_query('"prix de l\'énergie" -nucléaire or Éoliennes')
    assert [[(clause.words, clause.negated) for clause in group] for group in parsed.groups] == [
        [(("prix", "energ"), False), (("nucleair",), True)],
        [(("eolien",), False)],
    ]
    assert not parse_query('- or "" --').is_searchable


def test_search_function_on_its_own():
    ArticleFactory(title="Inflation", access=Article.Access.SUBSCRIBERS, body=GATED_BODY)
    assert search_articles(text="hydrocarbures").count() == 0
    results = search_articles(text="hydrocarbures", reads_in_full=read_in_full_filter(user=SubscriptionFactory().user))
    assert results.count() == 1
    assert "<mark>hydrocarbures</mark>" in results[0:1][0].snippet
