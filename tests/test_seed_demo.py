import pytest
from allauth.account.models import EmailAddress
from django.core.management import call_command

from accounts.models import User
from articles.models import Article, Author, Section, Source, Tag

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        call_command("seed_demo", "--password", "demo-password-1")
    yield
    with django_db_blocker.unblock():
        for model in (Article, Section, Source, Tag, Author, User):
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
    for article in published:
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
