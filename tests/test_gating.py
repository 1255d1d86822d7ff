"""Who reads what: every kind of reader against every access level, paragraph by paragraph."""

from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Article

from .factories import ArticleFactory, MeteredReadFactory, SubscriptionFactory, UserFactory

pytestmark = pytest.mark.django_db

PARAGRAPHS = [f"Phrase numéro {n} du corps du texte." for n in range(1, 8)]
BODY = "\n\n".join(PARAGRAPHS[:3]) + "\n\n## « Un intertitre »\n\n" + "\n\n".join(PARAGRAPHS[3:])
TEASER = PARAGRAPHS[:2]
ALL = PARAGRAPHS


def gated_article(access, **kwargs):
    return ArticleFactory(access=access, body=BODY, standfirst="Chapô visible par tous.", **kwargs)


def paragraphs_received(client, article):
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert "Chapô visible par tous." in html
    return [sentence for sentence in PARAGRAPHS if sentence in html]


def anonymous(client):
    return client


def reader(client):
    client.force_login(UserFactory())
    return client


def reader_with_free_articles_left(client):
    user = UserFactory()
    MeteredReadFactory(user=user)
    client.force_login(user)
    return client


def reader_with_none_left(client):
    user = UserFactory()
    month = timezone.localdate().replace(day=1)
    for _ in range(3):
        MeteredReadFactory(user=user, month=month)
    client.force_login(user)
    return client


def subscriber(client):
    client.force_login(SubscriptionFactory().user)
    return client


def expired_subscriber(client):
    ended = SubscriptionFactory(
        starts_at=timezone.now() - timedelta(days=60), ends_at=timezone.now() - timedelta(days=1)
    )
    for _ in range(3):
        MeteredReadFactory(user=ended.user)
    client.force_login(ended.user)
    return client


def staff(client):
    client.force_login(UserFactory(is_staff=True))
    return client


MATRIX = [
    # who, public, registered, subscribers
    (anonymous, ALL, TEASER, TEASER),
    (reader, ALL, ALL, ALL),  # the first free article of the month
    (reader_with_free_articles_left, ALL, ALL, ALL),
    (reader_with_none_left, ALL, ALL, TEASER),
    (subscriber, ALL, ALL, ALL),
    (expired_subscriber, ALL, ALL, TEASER),
    (staff, ALL, ALL, ALL),
]


@pytest.mark.parametrize(
    ("who", "public", "registered", "subscribers"), MATRIX, ids=lambda v: getattr(v, "__name__", "")
)
def test_reading_matrix(client, who, public, registered, subscribers):
    client = who(client)
    expected = {
        Article.Access.PUBLIC: public,
        Article.Access.REGISTERED: registered,
        Article.Access.SUBSCRIBERS: subscribers,
    }
    for access, paragraphs in expected.items():
        assert paragraphs_received(client, gated_article(access)) == paragraphs, access


def test_teaser_length_is_set_per_article(client):
    article = gated_article(Article.Access.SUBSCRIBERS, teaser_paragraphs=4)
    assert paragraphs_received(client, article) == PARAGRAPHS[:4]


def test_anonymous_reader_gets_the_offer_with_a_login_that_returns_here(client):
    article = gated_article(Article.Access.SUBSCRIBERS)
    html = client.get(article.get_absolute_url()).content.decode()
    assert "Réservé aux abonnés" in html
    # The offer carries the article along, so paying by card comes back to it.
    assert f'href="/abonnement/?next={article.get_absolute_url()}"' in html.replace("%2F", "/")
    assert f'href="/comptes/login/?next={article.get_absolute_url()}"' in html.replace("%2F", "/")


def test_registration_wall_offers_a_free_account(client):
    html = client.get(gated_article(Article.Access.REGISTERED).get_absolute_url()).content.decode()
    assert "Créer un compte gratuit" in html


def test_meter_counts_distinct_articles_and_says_how_many_remain(client):
    client = reader(client)
    first, second = gated_article(Article.Access.SUBSCRIBERS), gated_article(Article.Access.SUBSCRIBERS)
    assert "Il vous reste 2 articles offerts ce mois-ci" in client.get(first.get_absolute_url()).content.decode()
    # Reading the same piece again costs nothing.
    assert "Il vous reste 2 articles offerts ce mois-ci" in client.get(first.get_absolute_url()).content.decode()
    assert "Il vous reste 1 article offert ce mois-ci" in client.get(second.get_absolute_url()).content.decode()
    third, fourth = gated_article(Article.Access.SUBSCRIBERS), gated_article(Article.Access.SUBSCRIBERS)
    assert "Vous n'avez plus d'article offert ce mois-ci." in client.get(third.get_absolute_url()).content.decode()
    html = client.get(fourth.get_absolute_url()).content.decode()
    assert "Vous avez lu tous vos articles offerts ce mois-ci" in html
    assert PARAGRAPHS[-1] not in html


def test_meter_starts_again_each_month(client):
    user = UserFactory()
    last_month = (timezone.localdate().replace(day=1) - timedelta(days=1)).replace(day=1)
    for _ in range(3):
        MeteredReadFactory(user=user, month=last_month)
    client.force_login(user)
    assert paragraphs_received(client, gated_article(Article.Access.SUBSCRIBERS)) == ALL


def test_hard_paywall_when_the_meter_is_zero(client, settings):
    settings.NEWSREADER_FREE_ARTICLES_PER_MONTH = 0
    client = reader(client)
    assert paragraphs_received(client, gated_article(Article.Access.SUBSCRIBERS)) == TEASER


def test_full_gated_text_sits_in_the_container_named_in_json_ld(client):
    client = subscriber(client)
    html = client.get(gated_article(Article.Access.SUBSCRIBERS).get_absolute_url()).content.decode()
    container = html.split('<div class="paywalled-content">', 1)[1].split("</div>", 1)[0]
    assert PARAGRAPHS[-1] in container
    assert PARAGRAPHS[0] not in container
    assert '"cssSelector": ".paywalled-content"' in html
    assert '"isAccessibleForFree": false' in html


def test_public_article_json_ld(client):
    article = ArticleFactory(title="Un <titre> & plus")
    html = client.get(article.get_absolute_url()).content.decode()
    assert '"@type": "NewsArticle"' in html
    assert '"isAccessibleForFree": true' in html
    assert "Un \\u003Ctitre\\u003E \\u0026 plus" in html
    assert "hasPart" not in html


def test_signed_in_pages_are_private_and_anonymous_ones_cacheable(client, settings):
    settings.NEWSREADER_PAGE_CACHE_SECONDS = 60
    article = gated_article(Article.Access.SUBSCRIBERS)
    anonymous_response = client.get(article.get_absolute_url())
    assert "public" in anonymous_response["Cache-Control"]
    client = subscriber(client)
    response = client.get(article.get_absolute_url())
    assert "private" in response["Cache-Control"]
    assert "Cookie" in response["Vary"]
    assert PARAGRAPHS[-1] in response.content.decode()


def test_subscriber_page_is_never_served_to_an_anonymous_reader(client, settings):
    settings.NEWSREADER_PAGE_CACHE_SECONDS = 60
    article = gated_article(Article.Access.SUBSCRIBERS)
    subscriber(client).get(article.get_absolute_url())
    client.logout()
    assert PARAGRAPHS[-1] not in client.get(article.get_absolute_url()).content.decode()


def test_a_teaser_never_gives_away_the_whole_text(client):
    """An editor asking for more free paragraphs than the piece has still leaves the last
    one for subscribers, and the excerpt says the text goes on."""
    article = gated_article(Article.Access.SUBSCRIBERS, teaser_paragraphs=20)
    assert paragraphs_received(client, article) == PARAGRAPHS[:-1]
    assert article.public_view.excerpt.endswith("…")
    assert PARAGRAPHS[-1] not in article.public_view.text


def test_public_view_of_a_public_piece_is_the_whole_text():
    article = ArticleFactory(standfirst="Chapô.", body=BODY)
    assert article.public_view.text.endswith(PARAGRAPHS[-1])
    assert not article.public_view.excerpt.endswith("…")
