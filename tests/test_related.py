from datetime import timedelta

import pytest
from django.utils import timezone
from django.utils.html import escape
from pytest_django.asserts import assertContains, assertNotContains

from articles.models import Article
from articles.selectors import related_articles

from .factories import ArticleFactory, RelatedArticleFactory, SectionFactory, TagFactory

pytestmark = pytest.mark.django_db


def hours_ago(hours):
    return timezone.now() - timedelta(hours=hours)


def test_picks_first_then_shared_tags_then_section_newest_first():
    section, other_section = SectionFactory(), SectionFactory()
    tag = TagFactory()
    article = ArticleFactory(section=section, tags=[tag])
    pick_b = ArticleFactory(section=other_section, published_at=hours_ago(50))
    pick_a = ArticleFactory(section=other_section, published_at=hours_ago(60))
    RelatedArticleFactory(from_article=article, to_article=pick_a, position=0)
    RelatedArticleFactory(from_article=article, to_article=pick_b, position=1)
    tagged_old = ArticleFactory(section=other_section, tags=[tag], published_at=hours_ago(30))
    tagged_new = ArticleFactory(section=other_section, tags=[tag], published_at=hours_ago(3))
    same_section = ArticleFactory(section=section, published_at=hours_ago(1))
    ArticleFactory(section=section, published_at=hours_ago(100))  # sixth: beyond the limit
    ArticleFactory(section=other_section)  # unrelated

    assert related_articles(article=article) == [pick_a, pick_b, tagged_new, tagged_old, same_section]


def test_never_itself_never_unpublished():
    section = SectionFactory()
    article = ArticleFactory(section=section)
    draft = ArticleFactory(section=section, status=Article.Status.DRAFT)
    scheduled = ArticleFactory(section=section, published_at=timezone.now() + timedelta(hours=2))
    RelatedArticleFactory(from_article=article, to_article=draft)
    RelatedArticleFactory(from_article=article, to_article=scheduled)
    assert related_articles(article=article) == []


def test_related_item_shows_kicker_source_age_badge_and_excerpt(client):
    section = SectionFactory()
    article = ArticleFactory(section=section)
    gated = ArticleFactory(
        section=section,
        kicker="ENQUÊTE",
        access=Article.Access.SUBSCRIBERS,
        standfirst="Chapô du papier réservé.",
        body="Phrase secrète réservée aux abonnés.",
        source__name="L'Écho des Alpes",
        published_at=hours_ago(7),
    )
    response = client.get(article.get_absolute_url())
    related = response.content.decode().split('class="related"')[1]
    assert escape(gated.title) in related
    assert "ENQUÊTE" in related
    assert "L&#x27;Écho des Alpes" in related
    assert "il y a 7 heures" in related
    assert "Réservé aux abonnés" in related
    assert "Chapô du papier réservé…" in related
    assertNotContains(response, "Phrase secrète")


def test_empty_related_list_says_so(client):
    article = ArticleFactory()
    assertContains(client.get(article.get_absolute_url()), "Articles connexes")


def test_every_related_item_shows_about_100_words_of_public_text_ending_with_an_ellipsis(client):
    """A subscriber-only item gets the same excerpt as any other: its public text (the
    standfirst and the teaser paragraphs), cut at a word, never a word of the rest."""
    section = SectionFactory()
    article = ArticleFactory(section=section)
    teaser = " ".join(f"libre{n}" for n in range(150))
    ArticleFactory(
        section=section,
        access=Article.Access.SUBSCRIBERS,
        standfirst="Chapô court.",
        body=f"{teaser}\n\nsecret\n\nDernier paragraphe réservé.",
        teaser_paragraphs=1,
    )
    related = client.get(article.get_absolute_url()).content.decode().split('class="related"')[1]
    excerpt = related.split('class="related__excerpt">')[1].split("</p>")[0]
    assert "Chapô court. libre0 libre1" in excerpt
    assert excerpt.endswith("libre97…")  # 100 words: the standfirst's two and 98 of the teaser
    assert "secret" not in related and "réservé." not in related
