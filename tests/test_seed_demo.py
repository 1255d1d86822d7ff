import pytest
from allauth.account.models import EmailAddress
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from accounts.models import User
from articles.models import Article, Author, Section, Source, Tag
from newsletters.models import Edition, Subscriber

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        call_command("seed_demo", "--password", "demo-password-1")
    yield
    with django_db_blocker.unblock():
        # What the seeder committed outside any test's transaction, the worker's queue
        # included (a waiting tick of the letters would run in the next test's worker).
        for model in (Edition, Subscriber, DBTaskResult, Article, Section, Source, Tag, Author, User):
            model.objects.all().delete()


def test_demo_content_matches_the_brief(seeded):
    assert Source.objects.count() >= 3
    assert Section.objects.count() >= 6
    published = Article.objects.published()
    assert published.count() >= 60
    subscribers = published.filter(access=Article.Access.SUBSCRIBERS).count()
    assert 15 <= subscribers <= 25
    assert published.filter(published_at__gte=published.latest("published_at").published_at.replace(hour=0)).exists()
    assert len({article.kicker for article in published if article.kicker}) >= 4
    # The newsroom's own pieces; those imported from the demo feeds are checked below.
    for article in published.filter(imported_item__isnull=True):
        assert 400 <= article.word_count <= 1250, article.title
        assert "<h2>" in article.body_html and "«" in article.body_html
        assert article.hero_image and article.hero_alt
        assert article.tags.exists()


def test_demo_accounts_sign_in_straight_away(seeded, client):
    for email in ["reader@example.com", "subscriber@example.com", "editor@example.com", "moderator@example.com"]:
        assert EmailAddress.objects.get(email=email).verified
        assert client.login(email=email, password="demo-password-1")
    assert User.objects.get(email="editor@example.com").groups.filter(name="Editors").exists()
    assert User.objects.get(email="moderator@example.com").groups.filter(name="Moderators").exists()


def test_seed_demo_is_idempotent(seeded, capsys):
    before = Article.objects.count()
    call_command("seed_demo")
    assert Article.objects.count() == before
    assert "already exist" in capsys.readouterr().out


def test_demo_feeds_bring_imported_pieces_with_no_network(seeded, client):
    from aggregator.models import Feed

    feeds = Feed.objects.select_related("source")
    assert feeds.count() == 3 and all(feed.last_status == 200 and not feed.error_count for feed in feeds)
    assert {feed.format for feed in feeds} == {"rss", "atom", "json"}
    imported = Article.objects.filter(imported_item__isnull=False)
    assert imported.published().count() == 5
    assert imported.filter(status=Article.Status.REVIEW).count() == 2  # for the review desk
    assert imported.filter(access=Article.Access.SUBSCRIBERS).count() == 2
    assert imported.exclude(hero_image="").count() == 4
    glaciers = imported.get(title__startswith="Les glaciers")
    assert glaciers.body == ""  # its licence: title, standfirst and link
    page = client.get(glaciers.get_absolute_url()).content.decode()
    assert "Lire l'article sur L&#x27;Écho des Alpes" in page
    assert 'href="https://echo-des-alpes.example/sciences/glaciers-vanoise"' in page
    assert all(feed.url.endswith(feed.url.rsplit("/", 1)[-1]) and "/static/demo/feeds/" in feed.url for feed in feeds)


def test_demo_has_la_matinale_and_a_letter_per_section_with_an_edition_to_preview(seeded):
    from newsletters.models import Newsletter

    assert Newsletter.objects.filter(section__isnull=False).count() == Section.objects.count()
    morning = Newsletter.objects.get(slug="la-matinale")
    assert {s.email for s in morning.subscribers.active()} >= {"reader@example.com", "sans-compte@example.com"}
    assert Edition.objects.get(newsletter=morning).articles.count() == morning.article_count


def test_the_demo_reader_has_a_list_to_read_later(seeded, client):
    from django.utils.html import escape

    from saved.models import SavedArticle

    reader = User.objects.get(email="reader@example.com")
    saved = SavedArticle.objects.of(reader).published()
    assert saved.count() == 4
    assert saved.filter(article__access=Article.Access.SUBSCRIBERS).count() == 1
    client.force_login(reader)
    page = client.get("/compte/ma-liste/").content.decode()
    assert all(escape(entry.article.title) in page for entry in saved.select_related("article"))
