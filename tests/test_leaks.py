"""The gated text never leaves the server for a reader not entitled to it, by any route:
pages, search (its results and snippets), feeds, sitemaps."""

import re
from collections import deque
from html import unescape

import pytest

from articles.models import Article
from subscriptions.models import MeteredRead

from .factories import ArticleFactory, AuthorFactory, MeteredReadFactory, SectionFactory, TagFactory, UserFactory

pytestmark = pytest.mark.django_db

SECRET = "Secret{n} réservé aux abonnés ne doit jamais sortir."
# Links in pages (href="/…", canonical and alternates in full), feeds (<link>, <guid>,
# Atom's href) and sitemaps (<loc>, hreflang alternates).
LINK = re.compile(r'(?:href|url)="(?:http://testserver)?(/[^"#]*)"|<(?:link|loc|guid)>http://testserver(/[^<#]*)<')
NOT_PAGES = ("/static/", "/media/", "/admin/", "/comptes/logout")
SAME_PAGE = re.compile(r"[?&]next=")  # the sign-in page again, to come back elsewhere
# Searches for words of the gated paragraphs, of the teaser, and of both.
SEARCHES = [
    "/recherche/?q=jamais+sortir",
    "/recherche/?q=r%C3%A9serv%C3%A9+abonn%C3%A9s",
    "/recherche/?q=%22ne+doit+jamais%22",
    "/recherche/?q=secret0",
    "/recherche/?q=ouvert",
    "/recherche/?q=paragraphe&tri=date",
    "/en/recherche/?q=jamais",
]
CHANNELS = ["/sitemap.xml", "/flux/", "/flux/rss/", "/flux/atom/", *SEARCHES]


def crawl(client, starts, limit=800):
    """Every page, feed and sitemap reachable from the start pages, with its body."""
    seen, queue, pages = set(starts), deque(starts), {}
    while queue and len(pages) < limit:
        url = queue.popleft()
        response = client.get(url)
        body = response.content.decode(errors="replace")
        pages[url] = (response.status_code, body)
        if not any(kind in response.get("Content-Type", "") for kind in ("text/html", "xml")):
            continue
        for groups in LINK.findall(body):
            link = unescape("".join(groups))
            if link not in seen and not link.startswith(NOT_PAGES) and not SAME_PAGE.search(link):
                seen.add(link)
                queue.append(link)
    return pages


def readable(body):
    """The text a reader would see: markup (and a snippet's <mark>) removed, entities decoded,
    twice for the HTML a feed carries escaped."""
    for _ in range(2):
        body = re.sub(r"<[^>]+>", "", unescape(body))
    return re.sub(r"\s+", " ", body)


@pytest.fixture
def site(settings):
    settings.NEWSREADER_PAGE_SIZE = 2  # several pages per list, so pagination is crawled too
    section, tag, author = SectionFactory(), TagFactory(), AuthorFactory()
    secrets = []
    for index, access in enumerate([Article.Access.SUBSCRIBERS, Article.Access.REGISTERED] * 3):
        hidden = [SECRET.format(n=f"{index}-{n}") for n in range(4)]
        secrets += hidden
        body = "Premier paragraphe ouvert.\n\nDeuxième paragraphe ouvert.\n\n" + "\n\n".join(hidden)
        ArticleFactory(access=access, body=body, section=section, tags=[tag], authors=[author], kicker="ENQUÊTE")
    for _ in range(4):
        ArticleFactory(section=section, tags=[tag], authors=[author])
    return secrets


def assert_no_secret(pages, secrets):
    assert len(pages) > 20
    assert any("/flux/" in url for url in pages) and any("sitemap-" in url for url in pages)
    assert any(url.startswith("/recherche/?q=") for url in pages)
    for url, (status, body) in pages.items():
        assert status < 500, url
        text = readable(body)
        for secret in secrets:
            assert secret not in body and secret not in text, f"{secret!r} leaked at {url}"


def test_anonymous_reader_never_receives_gated_text(client, site):
    pages = crawl(client, ["/", "/en/", "/robots.txt", "/abonnement/", "/actualites/", *CHANNELS])
    assert any(url.startswith("/articles/") for url in pages)
    assert_no_secret(pages, site)


def test_signed_in_reader_without_subscription_never_receives_subscriber_text(client, site, settings):
    settings.NEWSREADER_FREE_ARTICLES_PER_MONTH = 0
    client.force_login(UserFactory())
    pages = crawl(client, ["/", "/en/", "/abonnement/", "/compte/", "/actualites/", *CHANNELS])
    assert_no_secret(pages, subscriber_only(site))


def subscriber_only(secrets):
    return [
        secret
        for article in Article.objects.filter(access=Article.Access.SUBSCRIBERS)
        for secret in secrets
        if secret in article.body
    ]


def test_reader_whose_free_articles_are_spent_never_receives_subscriber_text(client, site):
    reader = UserFactory()
    for _ in range(3):
        MeteredReadFactory(user=reader)  # three other pieces, read this month
    client.force_login(reader)
    pages = crawl(client, ["/", "/compte/", "/actualites/", *CHANNELS])
    assert_no_secret(pages, subscriber_only(site))
    assert MeteredRead.objects.filter(user=reader).count() == 3


def test_search_and_feeds_spend_no_free_article(client, site):
    reader = UserFactory()
    client.force_login(reader)
    for url in [*CHANNELS, "/sitemap-articles.xml", "/sitemap-news.xml"]:
        assert client.get(url).status_code == 200
    assert not MeteredRead.objects.filter(user=reader).exists()


def test_page_cache_never_carries_gated_text_to_anonymous_readers(client, site, settings):
    settings.NEWSREADER_PAGE_CACHE_SECONDS = 60
    subscriber_client = client
    from .factories import SubscriptionFactory

    subscriber_client.force_login(SubscriptionFactory().user)
    crawl(subscriber_client, ["/", *CHANNELS])
    subscriber_client.logout()
    pages = crawl(client, ["/", *CHANNELS])
    assert_no_secret(pages, site)
