""" "Les plus lus": reads counted in the cache without a database write per view, once per
reader per hour, bots and prefetches left out, cached pages counted too; written to the
database by the background worker; listed on the front page and article pages."""

import time
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from pytest_django.asserts import assertContains, assertNotContains

from articles import reads, tasks, workflow
from articles.models import Article, ReadCount
from articles.selectors import most_read
from infrastructure import readcounts, scopes

from .factories import ArticleFactory, ReadCountFactory, UserFactory

pytestmark = pytest.mark.django_db

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36"


def reader(address="203.0.113.7", agent=BROWSER, **headers):
    return Client(REMOTE_ADDR=address, HTTP_USER_AGENT=agent, **headers)


def counted():
    """Everything counted so far, drained from the cache: {article pk: reads}."""
    totals = readcounts.drain_due(everything=True)
    result = {}
    for counts in totals.values():
        for key, count in counts.items():
            pk = reads._article_pk(key)
            result[pk] = result.get(pk, 0) + count
    return result


def test_one_count_per_reader_per_article_per_hour():
    article, other = ArticleFactory(), ArticleFactory()
    first, second = reader("203.0.113.7"), reader("198.51.100.20")
    for _ in range(3):
        assert first.get(article.get_absolute_url()).status_code == 200
    first.get(other.get_absolute_url())
    second.get(article.get_absolute_url())
    # Same address, another browser: another reader.
    reader("203.0.113.7", agent=BROWSER.replace("131", "130")).get(article.get_absolute_url())
    assert counted() == {article.pk: 3, other.pk: 1}


def test_signed_in_reader_counts_once_wherever_they_read_from():
    article = ArticleFactory()
    user = UserFactory()
    for address in ("203.0.113.7", "198.51.100.20"):
        client = reader(address)
        client.force_login(user)
        client.get(article.get_absolute_url())
    assert counted() == {article.pk: 1}


@pytest.mark.parametrize(
    "visit",
    [
        lambda client, url: reader(agent="Mozilla/5.0 (compatible; Googlebot/2.1)").get(url),
        lambda client, url: reader(agent="curl/8.5.0").get(url),
        lambda client, url: reader(agent="").get(url),
        lambda client, url: reader(HTTP_SEC_PURPOSE="prefetch").get(url),
        lambda client, url: reader().head(url),
        lambda client, url: reader().get(url + "apercu/"),
        lambda client, url: reader().get("/articles/inexistant/"),
    ],
    ids=["googlebot", "curl", "no-agent", "prefetch", "head", "preview", "404"],
)
def test_bots_prefetches_and_non_pages_are_not_counted(client, visit):
    article = ArticleFactory()
    visit(client, article.get_absolute_url())
    assert counted() == {}


def test_pages_served_from_the_page_cache_are_counted_without_the_database(settings, django_assert_num_queries):
    settings.NEWSREADER_PAGE_CACHE_SECONDS = 60
    article = ArticleFactory()
    first = reader("203.0.113.7").get(article.get_absolute_url())
    assert first["X-Page-Cache"] == "miss"
    with django_assert_num_queries(0):
        for number in range(5):
            response = reader(f"198.51.100.{number}").get(article.get_absolute_url())
            assert response["X-Page-Cache"] == "hit"
    assert counted() == {article.pk: 6}


def test_counting_writes_nothing_to_the_database_per_view(django_assert_max_num_queries):
    article = ArticleFactory()
    client = reader()
    client.get("/")
    with django_assert_max_num_queries(7):  # the article page's own budget: no INSERT, no UPDATE
        client.get(article.get_absolute_url())
    assert not DBTaskResult.objects.exists()


def test_counts_reach_the_database_through_the_worker_and_the_list(client):
    article, other = ArticleFactory(title="Le plus lu de tous"), ArticleFactory(title="Un peu lu")
    for number in range(4):
        reader(f"198.51.100.{number}").get(article.get_absolute_url())
    reader().get(other.get_absolute_url())
    readcounts.drain_due(everything=True)
    assert DBTaskResult.objects.count() == 1  # one task per drained window, not per view
    task = DBTaskResult.objects.get()
    reads.reads_record(counts=task.args_kwargs["args"][0])
    assert {row.article_id: row.count for row in ReadCount.objects.all()} == {article.pk: 4, other.pk: 1}
    html = client.get("/").content.decode()
    block = html.split('id="most-read-heading"', 1)[1]
    assert block.index("Le plus lu de tous") < block.index("Un peu lu")


@pytest.mark.django_db(transaction=True)
def test_the_background_worker_adds_up_the_reads():
    article = ArticleFactory()
    ReadCountFactory(article=article, hour=timezone.now() - timedelta(days=8))  # forgotten: no use to the list
    hour = int(time.time() // 3600 * 3600)
    tasks.enqueue_drained({hour: {f"article:{article.pk}": 2}})
    tasks.enqueue_drained({hour: {f"article:{article.pk}": 3, "article:999999": 4, "other:1": 1}})
    call_command("db_worker", batch=True, verbosity=0)
    assert list(ReadCount.objects.values_list("article_id", "count")) == [(article.pk, 5)]


def test_a_closed_window_is_drained_by_the_next_reader_no_cron_needed(settings):
    settings.NEWSREADER_READS_WINDOW_SECONDS = 1
    article, other = ArticleFactory(), ArticleFactory()
    reader("203.0.113.7").get(article.get_absolute_url())
    assert not DBTaskResult.objects.exists()
    time.sleep(2.1)  # that window and the one after it have closed
    reader("198.51.100.9").get(other.get_absolute_url())
    task = DBTaskResult.objects.get()
    assert [key for _hour, key, _count in task.args_kwargs["args"][0]] == [f"article:{article.pk}"]
    assert counted() == {other.pk: 1}


def test_most_read_covers_the_last_day_of_published_articles():
    now = timezone.now().replace(minute=30)
    hour = now.replace(minute=0, second=0, microsecond=0)
    top, second, old, gone = ArticleFactory.create_batch(4)
    ReadCountFactory(article=top, hour=hour, count=50)
    ReadCountFactory(article=top, hour=hour - timedelta(hours=23), count=20)
    ReadCountFactory(article=second, hour=hour - timedelta(hours=5), count=60)
    ReadCountFactory(article=old, hour=hour - timedelta(hours=25), count=500)
    ReadCountFactory(article=gone, hour=hour, count=900)
    workflow.article_unpublish(user=UserFactory(is_superuser=True), article=gone)
    assert [(article, article.reads) for article in most_read(now=now)] == [(top, 70), (second, 60)]


def test_most_read_list_on_article_pages_and_its_absence_before_any_read(client):
    article = ArticleFactory()
    assertNotContains(client.get(article.get_absolute_url()), "Les plus lus")
    ReadCountFactory(article=ArticleFactory(title="Très lu", access=Article.Access.SUBSCRIBERS))
    scopes.content_changed(scopes.READS)  # as the worker does when it records reads
    response = client.get(article.get_absolute_url())
    assertContains(response, "Les plus lus")
    assertContains(response, "Très lu")
    assertContains(response, "Réservé aux abonnés")


def test_bot_user_agents():
    for agent in ["Googlebot/2.1", "bingbot", "facebookexternalhit/1.1", "python-requests/2.32", "Wget/1.21", ""]:
        assert readcounts.BOT_AGENT.search(agent) or not agent.strip()
    assert not readcounts.BOT_AGENT.search(BROWSER)
    assert not readcounts.BOT_AGENT.search("Mozilla/5.0 (iPhone; CPU iPhone OS 17_0) Version/17.0 Mobile Safari/604.1")


def test_trusted_proxy_address(settings, rf):
    request = rf.get("/", HTTP_X_FORWARDED_FOR="10.0.0.1, 203.0.113.7", REMOTE_ADDR="127.0.0.1")
    assert readcounts.client_address(request) == "127.0.0.1"
    settings.NEWSREADER_TRUSTED_PROXIES = 1
    assert readcounts.client_address(request) == "203.0.113.7"
