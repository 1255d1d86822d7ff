"""The monthly meter: deciding what a reader gets writes nothing; a real visit spends one
free article, exactly once, even when a reader opens many gated pieces at the same time."""

import threading

import pytest
from django.db import connection

from articles.models import Article
from subscriptions.access import free_article_spend, reading_for
from subscriptions.models import MeteredRead

from .factories import ArticleFactory, MeteredReadFactory, UserFactory

BODY = "\n\n".join(f"Paragraphe numéro {n}." for n in range(1, 6))


def gated(**kwargs):
    return ArticleFactory(access=Article.Access.SUBSCRIBERS, body=BODY, **kwargs)


@pytest.mark.django_db
def test_deciding_writes_nothing():
    user, article = UserFactory(), gated()
    reading = reading_for(user=user, article=article)
    assert not reading.full and reading.spends_free_article and reading.free_left == 3
    assert not MeteredRead.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("method", "headers"),
    [("head", {}), ("get", {"HTTP_SEC_PURPOSE": "prefetch"}), ("get", {"HTTP_PURPOSE": "prefetch"})],
    ids=["HEAD", "Sec-Purpose prefetch", "Purpose prefetch"],
)
def test_a_head_request_or_a_prefetch_spends_no_free_article(client, method, headers):
    client.force_login(UserFactory())
    article = gated()
    response = getattr(client, method)(article.get_absolute_url(), **headers)
    assert response.status_code == 200
    assert not MeteredRead.objects.exists()
    if method == "get":
        assert "Paragraphe numéro 5." not in response.content.decode()
        assert "Lire cet article offert" in response.content.decode()


@pytest.mark.django_db
def test_a_real_visit_spends_one_and_says_so(client):
    client.force_login(UserFactory())
    article = gated()
    html = client.get(article.get_absolute_url()).content.decode()
    assert "Paragraphe numéro 5." in html
    assert "Article offert." in html
    assert MeteredRead.objects.count() == 1


def fourth_gated_piece(client):
    """The page of a gated piece, for a reader who has read their three free ones."""
    user = UserFactory()
    for _ in range(3):
        MeteredReadFactory(user=user)
    client.force_login(user)
    return client.get(gated().get_absolute_url()).content.decode()


@pytest.mark.django_db
def test_once_the_free_articles_are_spent_the_page_says_one_thing(client):
    """The fourth gated piece of the month shows the paywall, not "Article offert" beside it."""
    html = fourth_gated_piece(client)
    assert "Vous avez lu tous vos articles offerts ce mois-ci" in html
    assert "Article offert." not in html
    assert "Paragraphe numéro 5." not in html


@pytest.mark.django_db
def test_a_reader_who_may_not_read_the_piece_is_offered_the_subscription_not_the_comment_form(client):
    html = fourth_gated_piece(client)
    assert 'name="text"' not in html
    assert "Les commentaires de cet article sont réservés aux abonnés." in html


@pytest.mark.django_db
def test_a_reader_who_spent_a_free_article_on_the_piece_may_discuss_it(client):
    client.force_login(UserFactory())
    html = client.get(gated().get_absolute_url()).content.decode()
    assert 'name="text"' in html


@pytest.mark.django_db(transaction=True)
def test_twelve_gated_pieces_opened_at_once_open_exactly_the_quota():
    """Each free read takes a numbered slot of the month, which the database lets be taken
    once: concurrent pages cannot both take the last free article."""
    user = UserFactory()
    articles = [gated() for _ in range(12)]
    barrier = threading.Barrier(len(articles))
    outcomes = []

    def open_page(article):
        try:
            barrier.wait()
            outcomes.append(free_article_spend(user=user, article=article).full)
        finally:
            connection.close()

    threads = [threading.Thread(target=open_page, args=(article,)) for article in articles]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes.count(True) == 3
    assert MeteredRead.objects.filter(user=user).count() == 3
    assert sorted(MeteredRead.objects.values_list("slot", flat=True)) == [1, 2, 3]


@pytest.mark.django_db
def test_a_gap_in_the_slots_is_taken_again():
    """A read of a deleted article leaves a gap in the slots: the next read fills it."""
    user = UserFactory()
    first, _second = MeteredReadFactory(user=user), MeteredReadFactory(user=user)
    first.article.delete()
    assert free_article_spend(user=user, article=gated()).full
    assert sorted(MeteredRead.objects.filter(user=user).values_list("slot", flat=True)) == [1, 2]
