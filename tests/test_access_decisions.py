"""Decision tables for the two rules every page asks: what a reader may read
(`reading_for`) and whether they may comment (`can_comment`), for every kind of reader,
access level and comment mode. No pages, no client: the rules themselves.

A metered reader who has not opened this piece yet gets a teaser that a free article
would open (`free_article`): `reading_for` is pure, only the article page spends one.
`can_comment` refuses anyone `reading_for` does not give the full text to.
"""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from articles.models import Article
from comments.models import CommenterStanding
from comments.rules import ALLOWED, Refusal, can_comment
from subscriptions.access import FULL, Reading, Reason, free_article_spend, reading_for

from .factories import ArticleFactory, MeteredReadFactory, SubscriptionFactory, UserFactory

pytestmark = pytest.mark.django_db

PUBLIC, REGISTERED, SUBSCRIBERS = Article.Access.PUBLIC, Article.Access.REGISTERED, Article.Access.SUBSCRIBERS
OPEN, FOR_SUBSCRIBERS, CLOSED = Article.CommentsMode.OPEN, Article.CommentsMode.SUBSCRIBERS, Article.CommentsMode.CLOSED


def teaser(reason, free_left=None):
    return Reading(full=False, reason=reason, free_left=free_left)


def opened(free_left):
    """Read in full on a free article of this month."""
    return Reading(full=True, free_left=free_left)


def reader(article, *, free_articles_used=0, opened_this_one=False, **user):
    person = UserFactory(**user)
    for _ in range(free_articles_used):
        MeteredReadFactory(user=person)
    if opened_this_one:
        MeteredReadFactory(user=person, article=article)
    return person


def standing(article, **sanction):
    return CommenterStanding.objects.create(user=UserFactory(), **sanction).user


READERS = {
    "anonymous": lambda article: None,
    "unverified": lambda article: reader(article, verified=False),
    "free articles left": lambda article: reader(article, free_articles_used=1),
    "free articles spent": lambda article: reader(article, free_articles_used=3),
    "opened this piece this month": lambda article: reader(article, free_articles_used=1, opened_this_one=True),
    "subscriber": lambda article: SubscriptionFactory().user,
    "expired subscriber": lambda article: (
        SubscriptionFactory(
            starts_at=timezone.now() - timedelta(days=60), ends_at=timezone.now() - timedelta(days=1)
        ).user
    ),
    "staff": lambda article: UserFactory(is_staff=True),
    "banned": lambda article: standing(article, banned=True),
    "suspended": lambda article: standing(article, suspended_until=timezone.now() + timedelta(days=2)),
}

# With 3 free articles a month.  public       registered                    subscribers
READING = {
    "anonymous": (FULL, teaser(Reason.LOGIN), teaser(Reason.SUBSCRIBE)),
    "unverified": (FULL, FULL, teaser(Reason.FREE_ARTICLE, 3)),
    "free articles left": (FULL, FULL, teaser(Reason.FREE_ARTICLE, 2)),
    "free articles spent": (FULL, FULL, teaser(Reason.QUOTA, 0)),
    "opened this piece this month": (FULL, FULL, opened(free_left=1)),
    "subscriber": (FULL, FULL, FULL),
    "expired subscriber": (FULL, FULL, teaser(Reason.FREE_ARTICLE, 3)),
    "staff": (FULL, FULL, FULL),
    "banned": (FULL, FULL, teaser(Reason.FREE_ARTICLE, 3)),
    "suspended": (FULL, FULL, teaser(Reason.FREE_ARTICLE, 3)),
}

OK, LOGIN, VERIFY, SUBSCRIBE = ALLOWED.refusal, Refusal.LOGIN, Refusal.VERIFY_EMAIL, Refusal.SUBSCRIBE
BANNED, SUSPENDED = Refusal.BANNED, Refusal.SUSPENDED
# Comments open:                 public     registered  subscribers
COMMENTING = {
    OPEN: {
        "anonymous": (LOGIN, LOGIN, LOGIN),
        "unverified": (VERIFY, VERIFY, VERIFY),
        "free articles left": (OK, OK, SUBSCRIBE),
        "free articles spent": (OK, OK, SUBSCRIBE),
        "opened this piece this month": (OK, OK, OK),
        "subscriber": (OK, OK, OK),
        "expired subscriber": (OK, OK, SUBSCRIBE),
        "staff": (OK, OK, OK),
        "banned": (BANNED, BANNED, BANNED),
        "suspended": (SUSPENDED, SUSPENDED, SUSPENDED),
    },
    # Comments for subscribers only:
    FOR_SUBSCRIBERS: {
        "anonymous": (LOGIN, LOGIN, LOGIN),
        "unverified": (VERIFY, VERIFY, VERIFY),
        "free articles left": (SUBSCRIBE, SUBSCRIBE, SUBSCRIBE),
        "free articles spent": (SUBSCRIBE, SUBSCRIBE, SUBSCRIBE),
        "opened this piece this month": (SUBSCRIBE, SUBSCRIBE, SUBSCRIBE),
        "subscriber": (OK, OK, OK),
        "expired subscriber": (SUBSCRIBE, SUBSCRIBE, SUBSCRIBE),
        "staff": (OK, OK, OK),
        "banned": (BANNED, BANNED, BANNED),
        "suspended": (SUSPENDED, SUSPENDED, SUSPENDED),
    },
    # Comments closed: closed for everyone, whoever they are.
    CLOSED: dict.fromkeys(READERS, (Refusal.CLOSED,) * 3),
}
ACCESS_LEVELS = (PUBLIC, REGISTERED, SUBSCRIBERS)


@pytest.fixture(autouse=True)
def three_free_articles(settings):
    settings.NEWSREADER_FREE_ARTICLES_PER_MONTH = 3


def person(kind, article):
    return READERS[kind](article) or AnonymousUser()


def test_the_tables_cover_every_reader():
    assert set(READING) == set(READERS)
    assert all(set(table) == set(READERS) for table in COMMENTING.values())


@pytest.mark.parametrize("access", ACCESS_LEVELS)
@pytest.mark.parametrize("kind", READERS)
def test_reading_for(kind, access):
    article = ArticleFactory(access=access)
    assert reading_for(user=person(kind, article), article=article) == READING[kind][ACCESS_LEVELS.index(access)]


@pytest.mark.parametrize("mode", COMMENTING)
@pytest.mark.parametrize("access", ACCESS_LEVELS)
@pytest.mark.parametrize("kind", READERS)
def test_can_comment(kind, access, mode):
    article = ArticleFactory(access=access, comments_mode=mode)
    permission = can_comment(user=person(kind, article), article=article)
    expected = COMMENTING[mode][kind][ACCESS_LEVELS.index(access)]
    assert (bool(permission), permission.refusal) == (expected is OK, expected)


def test_the_page_spends_a_free_article_then_the_reader_reads_and_may_comment():
    article = ArticleFactory(access=SUBSCRIBERS)
    metered = reader(article, free_articles_used=1)
    assert not can_comment(user=metered, article=article)
    assert free_article_spend(user=metered, article=article) == opened(free_left=1)
    assert reading_for(user=metered, article=article) == opened(free_left=1)
    assert can_comment(user=metered, article=article)
