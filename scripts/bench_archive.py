"""Loads a large archive fast for `make bench ARTICLES=N` (run through `manage.py shell`).

Copies of the demo's articles, spread over the sections, sources and years, inserted with
bulk_create in batches (their Markdown already rendered, as `Article.save()` would), two
tags each; and one article with 500 published comments. Idempotent: tops up to N.
"""

import random
import sys
from datetime import timedelta

from django.db import connection, transaction
from django.utils import timezone

from accounts.models import User
from articles.models import Article, Section, Source, Tag
from comments.models import Comment

TARGET = int(sys.argv[-1]) if sys.argv[-1].isdigit() else 100_000
BATCH = 2000


def load_archive(target):
    models = list(Article.objects.published().order_by("pk")[:60])
    sections, sources, tags = list(Section.objects.all()), list(Source.objects.all()), list(Tag.objects.all())
    existing = Article.objects.count()
    now = timezone.now()
    random.seed(2026)
    through = Article.tags.through
    for start in range(existing, target, BATCH):
        batch = []
        for number in range(start, min(target, start + BATCH)):
            model = models[number % len(models)]
            batch.append(
                Article(
                    title=f"{model.title} ({number})",
                    slug=f"archive-{number}",
                    kicker=model.kicker,
                    standfirst=model.standfirst,
                    body=model.body,
                    body_html=model.body_html,
                    excerpt=model.excerpt,
                    word_count=model.word_count,
                    source=random.choice(sources),
                    section=random.choice(sections),
                    access=model.access,
                    status=Article.Status.PUBLISHED,
                    published_at=now - timedelta(days=2, minutes=number * 7),
                )
            )
        with transaction.atomic():
            created = Article.objects.bulk_create(batch)
            through.objects.bulk_create(
                [through(article_id=a.pk, tag_id=t.pk) for a in created for t in random.sample(tags, 2)]
            )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def discussed_article(count=500):
    """The newest public article, with `count` published comments (and the stored count)."""
    article = Article.objects.published().filter(access="public").order_by("-published_at", "-pk").first()
    have = Comment.objects.filter(article=article, status=Comment.Status.PUBLISHED).count()
    authors = list(User.objects.all()[:4])
    Comment.objects.bulk_create(
        [
            Comment(
                article=article,
                author=authors[n % len(authors)],
                body=f"Avis n°{n}.",
                body_html=f"<p>Avis n°{n}.</p>",
                status="published",
            )
            for n in range(have, count)
        ]
    )
    Article.objects.filter(pk=article.pk).update(comment_count=count)
    return article


load_archive(TARGET)
print(discussed_article().get_absolute_url())
