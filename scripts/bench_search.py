"""Search, measured in process on an archive of any size: `python scripts/bench_search.py --articles 100000`.

Loads the demo site, then (once) as many more articles as asked, made of the demo's own
paragraphs in new orders, with their search entries written in batches as a save would
write them. Then, for a set of questions, times what the search page asks of the database
(the count, one page of results with their snippets, the suggestions when nothing
matches) for an anonymous reader and for a subscriber, and prints the median, the 95th
percentile and the number of queries; on PostgreSQL also the plan of the results query,
which must use the GIN index.

The database is DATABASE_URL, or a SQLite file under bench-results/ (kept between runs,
so the archive is loaded once).
"""

import argparse
import os
import random
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
QUESTIONS = [
    "elections",
    "réforme des retraites",
    "climat",
    '"prix de l\'énergie"',
    "europe -espagne",
    "agriculteurs or vendanges",
    "diplomates négociations",
    "inflation",
    "retraittes",  # a typo: nothing matches, the page suggests titles
]
BATCH = 2000
PASSWORD = "bench-password-2026"  # the demo accounts, on a throw-away database


def setup():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsreader.settings.dev")
    os.environ["DJANGO_DEBUG"] = "0"
    results = ROOT / "bench-results"
    results.mkdir(exist_ok=True)
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{results / 'search.sqlite3'}")
    os.environ.setdefault("DJANGO_MEDIA_ROOT", str(results / "media"))
    import django

    django.setup()


def load(total):
    """The demo site, then generated articles up to `total`, bulk-inserted and indexed."""
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from articles.models import Article, Section, Source
    from articles.rendering import render_markdown
    from articles.search import index_articles

    call_command("migrate", verbosity=0)
    call_command("seed_demo", password=PASSWORD, verbosity=0)
    have = Article.objects.count()
    if have >= total:
        return have
    demo = list(Article.objects.order_by("pk")[:60])
    paragraphs = sorted({p for article in demo for p in article.body.split("\n\n") if p.strip()})
    rendered = {p: render_markdown(p) for p in paragraphs}
    titles = [article.title for article in demo]
    standfirsts = [article.standfirst for article in demo if article.standfirst]
    sections, sources = list(Section.objects.all()), list(Source.objects.all())
    rng = random.Random(2026)
    now = timezone.now()
    started = time.perf_counter()
    for start in range(have, total, BATCH):
        batch = []
        for number in range(start, min(total, start + BATCH)):
            chosen = rng.sample(paragraphs, rng.randint(6, 10))
            article = Article(
                title=f"{rng.choice(titles)} ({number})",
                slug=f"archive-{number}",
                kicker=rng.choice(["DÉCRYPTAGE", "ENQUÊTE", "ANALYSE", "REPORTAGE", ""]),
                standfirst=rng.choice(standfirsts),
                body="\n\n".join(chosen),
                body_html="\n".join(rendered[p] for p in chosen),
                source=rng.choice(sources),
                section=rng.choice(sections),
                access=rng.choice(["public", "public", "subscribers", "registered"]),
                status=Article.Status.PUBLISHED,
                published_at=now - timedelta(minutes=rng.randint(60, 5 * 365 * 24 * 60)),
            )
            article.word_count = len(article.body.split())
            article.excerpt = article.public_view.excerpt
            batch.append(article)
        Article.objects.bulk_create(batch)
        index_articles(batch)
        done = min(total, start + BATCH)
        print(f"  {done} articles ({time.perf_counter() - started:.0f} s)", end="\r", flush=True)
    print()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # the planner needs to know the archive, as autovacuum would tell it
    return Article.objects.count()


def measure(runs):
    from django.core.paginator import Paginator
    from django.db import connection
    from django.db.models import Q
    from django.test.utils import CaptureQueriesContext

    from articles import search

    readers = {"anonymous": None, "subscriber": Q()}
    print(f"{'question':<28} {'reader':<11} {'found':>7} {'median ms':>10} {'p95 ms':>8} {'queries':>8}")
    medians = []
    for question in QUESTIONS:
        for reader, reads_in_full in readers.items():
            timings = []
            for _ in range(runs):
                with CaptureQueriesContext(connection) as queries:
                    started = time.perf_counter()
                    results = search.search_articles(text=question, reads_in_full=reads_in_full)
                    page = Paginator(results, 12).get_page(1)
                    list(page.object_list)
                    if not page.object_list:
                        search.similar_titles(text=question)
                    timings.append((time.perf_counter() - started) * 1000)
            timings.sort()
            median = statistics.median(timings)
            medians.append(median)
            p95 = timings[min(len(timings) - 1, int(len(timings) * 0.95))]
            print(
                f"{question:<28} {reader:<11} {page.paginator.count:>7} {median:>10.1f} {p95:>8.1f} "
                f"{len(queries.captured_queries):>8}"
            )
    print(f"median of all medians: {statistics.median(medians):.1f} ms")
    if connection.vendor == "postgresql":
        plan = search.search_articles(text="réforme des retraites").queryset[:12].explain(analyze=True)
        print("\nEXPLAIN ANALYZE, results page for « réforme des retraites » (anonymous):")
        print(plan)
        print("GIN index used:", "articles_searchentry_public_gin" in plan)
    else:
        results = search.search_articles(text="réforme des retraites")
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN QUERY PLAN {results.hits_sql} SELECT id FROM hits", results.params)  # noqa: S608
            print("\nEXPLAIN QUERY PLAN:", *[row[-1] for row in cursor.fetchall()], sep="\n  ")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=60, help="archive size (default: the demo's 60)")
    parser.add_argument("--runs", type=int, default=20, help="timings per question and reader")
    options = parser.parse_args()
    setup()
    from django.db import connection

    count = load(options.articles)
    print(f"{connection.vendor}: {count} articles")
    measure(options.runs)


if __name__ == "__main__":
    main()
