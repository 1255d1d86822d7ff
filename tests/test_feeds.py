"""Feeds: RSS 2.0 and Atom for every list, parsed as a feed reader would; public text only,
except in a subscriber's private feed, and only while the subscription lasts."""

from datetime import timedelta
from email.utils import format_datetime

import feedparser
import pytest
from django.utils import timezone

from articles.models import Article
from subscriptions.models import MeteredRead, PrivateFeed
from subscriptions.services import private_feed_renew, private_feed_revoke

from .factories import (
    ArticleFactory,
    AuthorFactory,
    MeteredReadFactory,
    SectionFactory,
    SourceFactory,
    SubscriptionFactory,
    TagFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

HIDDEN = "Paragraphe gardé pour les abonnés, jamais dans un flux public."
GATED_BODY = f"Premier paragraphe ouvert.\n\nDeuxième paragraphe ouvert.\n\n{HIDDEN}\n\nFin."


@pytest.fixture
def lists():
    section = SectionFactory(name="Politique", slug="politique")
    source = SourceFactory(name="Le Matin", slug="le-matin")
    tag = TagFactory(name="Élections", slug="elections")
    author = AuthorFactory(name="Claire Dubosc", slug="claire-dubosc")
    common = {"section": section, "source": source, "tags": [tag], "authors": [author]}
    public = ArticleFactory(title="Un article ouvert", body="Le texte entier, ouvert à tous.", **common)
    gated = ArticleFactory(
        title="Une enquête réservée",
        slug="enquete",
        access=Article.Access.SUBSCRIBERS,
        standfirst="Le chapô de l'enquête.",
        body=GATED_BODY,
        published_at=timezone.now() - timedelta(hours=1),
        **common,
    )
    ArticleFactory(title="Un brouillon", slug="draft", status=Article.Status.DRAFT, **common)
    ArticleFactory(title="Plus tard", slug="later", published_at=timezone.now() + timedelta(hours=3), **common)
    return {"public": public, "gated": gated, "section": section, "source": source, "tag": tag, "author": author}


FEED_URLS = [
    "/flux/{fmt}/",
    "/rubriques/politique/flux/{fmt}/",
    "/sources/le-matin/flux/{fmt}/",
    "/sujets/elections/flux/{fmt}/",
    "/auteurs/claire-dubosc/flux/{fmt}/",
]


@pytest.mark.parametrize("fmt", ["rss", "atom"])
@pytest.mark.parametrize("url", FEED_URLS)
def test_every_list_has_a_valid_feed_with_public_text_only(client, lists, url, fmt):
    response = client.get(url.format(fmt=fmt))
    assert response.status_code == 200
    assert response["Content-Type"].startswith(f"application/{fmt}+xml")
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.bozo_exception
    assert feed.version == ("rss20" if fmt == "rss" else "atom10")
    assert [entry.title for entry in feed.entries] == ["Une enquête réservée", "Un article ouvert"]
    gated, public = feed.entries
    assert gated.link == "http://testserver/articles/enquete/"
    assert gated.published_parsed
    assert gated.author == "Claire Dubosc"
    assert {tag.term for tag in gated.tags} == {"Politique", "Élections"}
    assert gated.summary == "Le chapô de l'enquête."
    assert "content" not in gated  # nothing beyond the standfirst
    assert "Le texte entier, ouvert à tous." in public.content[0].value
    assert HIDDEN not in response.content.decode()
    assert "Premier paragraphe ouvert" not in response.content.decode()


def test_the_image_is_the_enclosure(client):
    from django.core.files.base import ContentFile
    from PIL import Image

    buffer = __import__("io").BytesIO()
    Image.new("RGB", (900, 500), "navy").save(buffer, "JPEG")
    article = ArticleFactory(hero_alt="Un carré bleu")
    article.hero_image.save("carre.jpg", ContentFile(buffer.getvalue()))
    feed = feedparser.parse(client.get("/flux/rss/").content)
    enclosure = feed.entries[0].enclosures[0]
    assert enclosure.href.startswith("http://testserver/media/heroes/")
    assert enclosure.type == "image/jpeg"
    article.refresh_from_db()
    assert int(enclosure.length) == article.hero_image.size  # the stored file, as uploads are rewritten


def test_unknown_lists_and_formats_are_404(client, lists):
    for url in ("/rubriques/inconnue/flux/rss/", "/flux/json/", "/sujets/elections/flux/xml/"):
        assert client.get(url).status_code == 404


def test_feed_pages_link_their_feeds(client, lists):
    for page, feed in [
        ("/", "/flux/rss/"),
        ("/rubriques/politique/", "/rubriques/politique/flux/rss/"),
        ("/sources/le-matin/", "/sources/le-matin/flux/rss/"),
        ("/sujets/elections/", "/sujets/elections/flux/rss/"),
        ("/auteurs/claire-dubosc/", "/auteurs/claire-dubosc/flux/atom/"),
    ]:
        html = client.get(page).content.decode()
        assert '<link rel="alternate" type="application/' in html
        assert f'href="{feed}"' in html, page


def test_feeds_page_lists_the_feeds(client, lists):
    html = client.get("/flux/").content.decode()
    assert "<h1>Flux RSS</h1>" in html
    for url in ("/flux/rss/", "/flux/atom/", "/rubriques/politique/flux/rss/", "/sources/le-matin/flux/atom/"):
        assert f'href="{url}"' in html
    assert 'href="/flux/"' in client.get("/").content.decode()  # from every page's footer


def test_conditional_get_answers_304_until_something_changes(client, lists):
    first = client.get("/flux/rss/")
    etag, last_modified = first["ETag"], first["Last-Modified"]
    assert client.get("/flux/rss/", HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert client.get("/flux/rss/", HTTP_IF_MODIFIED_SINCE=last_modified).status_code == 304
    long_ago = format_datetime(timezone.now() - timedelta(days=30), usegmt=True)
    assert client.get("/flux/rss/", HTTP_IF_MODIFIED_SINCE=long_ago).status_code == 200
    ArticleFactory(title="Du nouveau")
    changed = client.get("/flux/rss/", HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200
    assert "Du nouveau" in changed.content.decode()


def test_feeds_are_kept_by_the_page_cache(client, lists, settings, django_assert_num_queries):
    settings.NEWSREADER_PAGE_CACHE_SECONDS = 60
    assert client.get("/flux/atom/")["X-Page-Cache"] == "miss"
    with django_assert_num_queries(0):
        response = client.get("/flux/atom/")
    assert response["X-Page-Cache"] == "hit"
    with django_assert_num_queries(0):
        assert client.get("/flux/atom/", HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304


def test_a_signed_in_reader_gets_the_public_feed_without_rebuilding_it(
    client, lists, settings, django_assert_max_num_queries
):
    """A browser that follows a feed sends its reader's session cookie, which keeps the page
    cache away; the feed is the same for everyone, so it is built once and kept: the
    reader's request costs loading the reader, and nothing of the feed."""
    settings.NEWSREADER_PAGE_CACHE_SECONDS = 60
    anonymous = client.get("/flux/rss/").content
    client.force_login(UserFactory())
    client.get("/flux/rss/")
    with django_assert_max_num_queries(1):
        response = client.get("/flux/rss/")
    assert response.content == anonymous
    assert response["Content-Type"].startswith("application/rss+xml")
    assert "X-Page-Cache" not in response
    ArticleFactory(title="Du nouveau pour les lecteurs connectés")
    assert "Du nouveau pour les lecteurs connectés" in client.get("/flux/rss/").content.decode()


@pytest.mark.parametrize("count", [2, 25])
def test_feed_queries_are_constant(client, django_assert_max_num_queries, count):
    """A feed is its subject, its items with their source and section, their authors and
    their tags (prefetched), and the site for the feed generator: 5 at most."""
    section = SectionFactory(slug="s")
    for _ in range(count):
        ArticleFactory(section=section, tags=TagFactory.create_batch(2), authors=AuthorFactory.create_batch(2))
    client.get("/")  # as any earlier visit: the next publication time is known
    with django_assert_max_num_queries(5):
        assert client.get("/rubriques/s/flux/rss/").status_code == 200


def test_reading_a_feed_spends_no_free_article(client, lists):
    reader = UserFactory()
    client.force_login(reader)
    client.get("/flux/rss/")
    private_feed_renew(user=reader)
    client.get(private_url(reader))
    assert not MeteredRead.objects.filter(user=reader).exists()


# The private feed ----------------------------------------------------------------------------


def private_url(user):
    from subscriptions.selectors import private_feed_address

    return f"/flux/prive/{private_feed_address(user=user)}/"


def test_a_subscriber_reads_everything_in_their_private_feed(client, lists):
    subscription = SubscriptionFactory()
    private_feed_renew(user=subscription.user)
    response = client.get(private_url(subscription.user))
    assert response.status_code == 200
    assert "private" in response["Cache-Control"]
    feed = feedparser.parse(response.content)
    assert not feed.bozo
    gated = feed.entries[0]
    assert gated.title == "Une enquête réservée"
    assert HIDDEN in gated.content[0].value


def test_the_private_feed_stops_giving_gated_text_when_the_subscription_ends(client, lists):
    subscription = SubscriptionFactory()
    private_feed_renew(user=subscription.user)
    url = private_url(subscription.user)
    assert HIDDEN in client.get(url).content.decode()
    subscription.ends_at = timezone.now() - timedelta(seconds=1)
    subscription.starts_at = timezone.now() - timedelta(days=30)
    subscription.save()
    response = client.get(url)
    assert response.status_code == 200
    assert HIDDEN not in response.content.decode()
    assert "Le chapô de l&#x27;enquête." in response.content.decode() or "Le chapô de l'enquête." in (
        response.content.decode()
    )


def test_a_free_article_already_read_comes_whole_in_the_private_feed(client, lists):
    reader = UserFactory()
    private_feed_renew(user=reader)
    assert HIDDEN not in client.get(private_url(reader)).content.decode()
    MeteredReadFactory(user=reader, article=lists["gated"])
    assert HIDDEN in client.get(private_url(reader)).content.decode()


def test_revoked_renewed_and_unknown_addresses(client, lists):
    user = SubscriptionFactory().user
    private_feed_renew(user=user)
    old = private_url(user)
    private_feed_renew(user=user)
    new = private_url(user)
    assert old != new
    assert client.get(old).status_code == 404
    assert client.get(new).status_code == 200
    private_feed_revoke(user=user)
    assert client.get(new).status_code == 404
    assert client.get("/flux/prive/" + "0" * 40 + "/").status_code == 404


def test_only_a_digest_of_the_secret_is_stored(lists):
    user = SubscriptionFactory().user
    feed = private_feed_renew(user=user)
    secret = private_url(user).split("/")[-2]
    stored = PrivateFeed.objects.filter(pk=feed.pk).values().get()
    assert secret not in str(stored)


def test_my_account_shows_creates_renews_and_revokes_the_private_feed(client):
    user = SubscriptionFactory().user
    client.force_login(user)
    html = client.get("/compte/").content.decode()
    assert "Mon flux privé" in html
    assert "Créer mon flux privé" in html
    response = client.post("/compte/flux-prive/", {"action": "renew"}, follow=True)
    address = private_url(user)
    assert f"http://testserver{address}" in response.content.decode()
    client.post("/compte/flux-prive/", {"action": "renew"})
    assert private_url(user) != address
    client.post("/compte/flux-prive/", {"action": "revoke"})
    assert not PrivateFeed.objects.filter(user=user).exists()
    assert client.get("/compte/flux-prive/").status_code == 405


def test_readers_without_subscription_are_told_the_feed_is_for_subscribers(client):
    client.force_login(UserFactory())
    html = client.get("/compte/").content.decode()
    assert "Un flux avec le texte entier des articles est offert aux abonnés." in html
