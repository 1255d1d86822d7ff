from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Article

from .factories import ArticleFactory

pytestmark = pytest.mark.django_db


def test_published_article_is_visible():
    article = ArticleFactory()
    assert list(Article.objects.published()) == [article]
    assert article.is_published()


def test_scheduled_article_stays_invisible_until_its_time():
    article = ArticleFactory(published_at=timezone.now() + timedelta(hours=1))
    assert not Article.objects.published().exists()
    assert list(Article.objects.scheduled()) == [article]
    assert not article.is_published()
    assert article.is_scheduled()


@pytest.mark.parametrize("status", [Article.Status.DRAFT, Article.Status.REVIEW, Article.Status.UNPUBLISHED])
def test_unpublished_states_are_invisible(status):
    article = ArticleFactory(status=status)
    assert not Article.objects.published().exists()
    assert not article.is_published()


def test_published_without_a_date_is_invisible():
    ArticleFactory(published_at=None)
    assert not Article.objects.published().exists()


def test_gated_excerpt_comes_from_the_public_text_only():
    article = ArticleFactory(access=Article.Access.SUBSCRIBERS, standfirst="Chapô public.", body="Texte secret.")
    assert article.excerpt == "Chapô public…"
    public = ArticleFactory(standfirst="Chapô.", body="Texte ouvert.")
    assert public.excerpt == "Chapô. Texte ouvert."


def test_excerpt_is_cut_at_a_word_boundary_with_an_ellipsis():
    article = ArticleFactory(standfirst="", body=" ".join(f"mot{n}" for n in range(300)))
    words = article.excerpt.split()
    assert len(words) == 100
    assert article.excerpt.endswith("mot99…")
