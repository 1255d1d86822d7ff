"""The gated text never leaves the server for a reader not entitled to it, by any route."""

import re
from collections import deque

import pytest

from articles.models import Article

from .factories import ArticleFactory, AuthorFactory, SectionFactory, TagFactory, UserFactory

pytestmark = pytest.mark.django_db

SECRET = "Secret{n} réservé aux abonnés ne doit jamais sortir."
LINK = re.compile(r'href="(/[^"#]*)"')
NOT_PAGES = ("/static/", "/media/", "/admin/", "/comptes/logout")


def crawl(client, starts, limit=400):
    """Every page reachable from the start pages, with its body."""
    seen, queue, pages = set(starts), deque(starts), {}
    while queue and len(pages) < limit:
        url = queue.popleft()
        response = client.get(url)
        body = response.content.decode(errors="replace")
        pages[url] = (response.status_code, body)
        if "text/html" not in response.get("Content-Type", ""):
            continue
        for link in LINK.findall(body):
            link = link.replace("&amp;", "&")
            if link not in seen and not link.startswith(NOT_PAGES):
                seen.add(link)
                queue.append(link)
    return pages


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
    for url, (status, body) in pages.items():
        assert status < 500, url
        for secret in secrets:
            assert secret not in body, f"{secret!r} leaked at {url}"


def test_anonymous_reader_never_receives_gated_text(client, site):
    pages = crawl(client, ["/", "/en/", "/robots.txt", "/abonnement/", "/actualites/"])
    assert any(url.startswith("/articles/") for url in pages)
    assert_no_secret(pages, site)


def test_signed_in_reader_without_subscription_never_receives_subscriber_text(client, site, settings):
    settings.NEWSREADER_FREE_ARTICLES_PER_MONTH = 0
    client.force_login(UserFactory())
    pages = crawl(client, ["/", "/en/", "/abonnement/", "/compte/", "/actualites/"])
    subscriber_only = [
        secret
        for article in Article.objects.filter(access=Article.Access.SUBSCRIBERS)
        for secret in site
        if secret in article.body
    ]
    assert_no_secret(pages, subscriber_only)


def test_page_cache_never_carries_gated_text_to_anonymous_readers(client, site, settings):
    settings.NEWSREADER_PAGE_CACHE_SECONDS = 60
    subscriber_client = client
    from .factories import SubscriptionFactory

    subscriber_client.force_login(SubscriptionFactory().user)
    crawl(subscriber_client, ["/"])
    subscriber_client.logout()
    pages = crawl(client, ["/"])
    assert_no_secret(pages, site)
