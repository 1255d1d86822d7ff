import pytest
from django.core.cache import caches

from articles.models import Article
from articles.services import front_page_arrange

from .factories import (
    ArticleFactory,
    AuthorFactory,
    CommentFactory,
    ReadCountFactory,
    RelatedArticleFactory,
    SectionFactory,
    TagFactory,
    UserFactory,
    staff_member,
)

pytestmark = pytest.mark.django_db


def build_article(*, extras):
    section = SectionFactory()
    tags = TagFactory.create_batch(extras)
    article = ArticleFactory(section=section, tags=tags, authors=AuthorFactory.create_batch(extras))
    for position, pick in enumerate(ArticleFactory.create_batch(extras, section=section, tags=tags)):
        RelatedArticleFactory(from_article=article, to_article=pick, position=position)
    CommentFactory.create_batch(extras, article=article)
    return article


@pytest.mark.parametrize("extras", [1, 12])
def test_article_page_queries_are_constant(client, django_assert_max_num_queries, extras):
    """The article page costs the same whatever the number of related articles, tags,
    authors and comments: authors and tags are prefetched, the related list is one query
    with its sources and comment counts, top-level comments and their replies come with
    their authors in two queries, and the section menu is cached. Budget, nothing else
    cached: article, authors, tags, related, moderation rules, comments, replies = 7, and
    the letters the box under the article offers = 8 (kept ten minutes by each process, for
    every article: `newsletters.selectors.newsletter_box`).
    ("Les plus lus" is one fragment for the whole site, warmed by the front page like the
    menu; see `test_most_read_costs_one_query_for_the_whole_site`.)"""
    article = build_article(extras=extras)
    client.get("/")  # warms the cached section menu and "Les plus lus", as any earlier visit would
    with django_assert_max_num_queries(8):
        response = client.get(article.get_absolute_url())
    assert response.status_code == 200


@pytest.mark.parametrize("extras", [1, 12])
def test_signed_in_article_page_stays_within_budget(client, django_assert_max_num_queries, extras):
    """A signed-in reader adds three queries: the user, loaded with their verified email and
    commenting standing (the session comes from the cache), what of the discussion is
    theirs alone, never in the shared thread (which comments of the page they recommended
    and their own awaiting moderation, `comments.selectors.own_parts`), and whether the
    piece is in their "Ma liste" (the button outside the shared fragments). 11 at most (with
    the letters of the box, as above)."""
    article = build_article(extras=extras)
    client.force_login(UserFactory())
    client.get("/")
    with django_assert_max_num_queries(11):
        assert client.get(article.get_absolute_url()).status_code == 200


def test_an_article_page_asks_the_shared_cache_for_its_scopes_once(client, monkeypatch):
    """The shared cache is a network round trip in production (Redis): the site's scopes and
    the article's own are read together once this process has served the article, whose
    pk it then knows (`articles.selectors.article_pk_seen`)."""
    article = build_article(extras=1)
    client.force_login(UserFactory())
    client.get(article.get_absolute_url())
    shared = caches["default"]
    asked = []
    get_many = shared.get_many
    monkeypatch.setattr(shared, "get_many", lambda keys, *args, **kwargs: asked.append(keys) or get_many(keys))
    assert client.get(article.get_absolute_url()).status_code == 200
    scope_reads = [keys for keys in asked if any("scope:" in key for key in keys)]
    assert len(scope_reads) == 1 and any(f"scope:article:{article.pk}" in key for key in scope_reads[0])


@pytest.mark.parametrize("per_section", [1, 8])
def test_front_page_queries_are_constant(client, django_assert_max_num_queries, per_section):
    """The front page is four queries whatever the number of sections, articles and
    editors' choices: the lead and the top stories (the editors' slots, then the newest
    presentable pieces, in one query), the latest headlines, the newest few of every
    section through one window query (each card's source and section come in those same
    queries), and "Les plus lus"."""
    editor = staff_member("Editors")
    for section in SectionFactory.create_batch(6):
        for _ in range(per_section):
            article = ArticleFactory(section=section, tags=TagFactory.create_batch(2))
            ReadCountFactory(article=article)
    front_page_arrange(user=editor, articles=Article.objects.all()[: min(per_section + 1, 5)])
    # Warms the cached section menu and the lists' next retirement time (one query after
    # each change of the lists, not one per page), as any earlier visit to a list would.
    client.get("/actualites/")
    with django_assert_max_num_queries(4):
        response = client.get("/")
    assert response.status_code == 200
    assert "Les plus lus" in response.content.decode()


@pytest.mark.parametrize("count", [1, 12])
def test_most_read_costs_one_query_for_the_whole_site(client, django_assert_max_num_queries, count):
    """ "Les plus lus" on an article page is one query (the hourly counts summed, with each
    card's source and section) when its site-wide fragment is cold: 8 + 1 = 9 for the article
    page with nothing cached, whatever the number of articles read; and none once any page
    has built it (the budget of `test_article_page_queries_are_constant`, the letters of the
    box being warm by then too)."""
    article, other = build_article(extras=1), build_article(extras=1)
    for read in ArticleFactory.create_batch(count):
        ReadCountFactory(article=read)
    client.get("/rubriques/inexistante/")  # warms the section menu only
    with django_assert_max_num_queries(9):
        response = client.get(article.get_absolute_url())
    assert response.content.decode().count('class="most-read__item"') == min(count, 5)
    with django_assert_max_num_queries(7):
        assert client.get(other.get_absolute_url()).status_code == 200


@pytest.mark.parametrize("count", [2, 30])
def test_list_page_queries_are_constant(client, django_assert_max_num_queries, count):
    """A section page is the section, the count and one page of cards."""
    section = SectionFactory()
    for _ in range(count):
        ArticleFactory(section=section, tags=TagFactory.create_batch(2), authors=AuthorFactory.create_batch(2))
    client.get("/")
    with django_assert_max_num_queries(3):
        assert client.get(section.get_absolute_url()).status_code == 200


@pytest.mark.parametrize("count", [0, 10, 200])
def test_article_page_queries_do_not_grow_with_comments(client, django_assert_max_num_queries, count):
    """0, 10 or 200 comments, each with a reply: top-level comments and all their replies come
    in two queries with their authors (featured, deleted-with-replies and sorting included), so
    the page stays at 8 queries with nothing cached (7, and the letters of the box under the
    article, then warm for the signed-in reader)."""
    article = ArticleFactory()
    for root in CommentFactory.create_batch(count, article=article):
        CommentFactory(article=article, parent=root, in_reply_to=root)
    client.get("/")
    with django_assert_max_num_queries(8):
        assert client.get(article.get_absolute_url()).status_code == 200
    client.force_login(UserFactory())
    with django_assert_max_num_queries(8):
        assert client.get(article.get_absolute_url(), {"tri": "recommandes"}).status_code == 200


def test_a_signed_in_reader_on_a_list_does_not_count_it_again(client, django_assert_max_num_queries):
    """COUNT(*) scans every article of the list: once per change of the lists, not per request."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from .factories import UserFactory

    article = ArticleFactory()
    client.force_login(UserFactory())
    client.get(article.section.get_absolute_url())
    with CaptureQueriesContext(connection) as queries:
        assert client.get(article.section.get_absolute_url()).status_code == 200
    assert not [q for q in queries.captured_queries if "COUNT(" in q["sql"].upper()]


@pytest.mark.parametrize("kind", ["section", "source", "tag", "author"])
def test_a_signed_in_reader_on_a_list_costs_one_query(client, django_assert_max_num_queries, kind):
    """Once the list has been seen, a signed-in reader's list page asks only for the reader:
    the page is shared (`infrastructure.assembly`), its count and its subject are kept under
    the lists' scopes (`articles.selectors.list_subject`)."""
    from .factories import TagFactory, UserFactory

    article = ArticleFactory(authors=[AuthorFactory()], tags=[TagFactory()])
    address = {
        "section": article.section,
        "source": article.source,
        "tag": article.tags.first(),
        "author": article.authors.first(),
    }[kind].get_absolute_url()
    client.force_login(UserFactory())
    client.get(address)
    with django_assert_max_num_queries(1):
        assert client.get(address).status_code == 200
