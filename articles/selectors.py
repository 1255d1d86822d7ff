"""Reads: what each public page shows, each fetched in a fixed number of queries."""

from datetime import timedelta

from django.conf import settings
from django.core.cache import caches
from django.core.paginator import InvalidPage, Paginator
from django.db import connection
from django.db.models import Case, Exists, F, OuterRef, Q, Subquery, Sum, Value, When
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from infrastructure.page_cache import remember

from .models import FRONT_PAGE_SLOTS, Article, FrontPageSlot, RelatedArticle, Section
from .workflow import can_publish

FRONT_PAGE_PER_SECTION = 4
FRONT_PAGE_LATEST = 8
ARTICLE_SECONDS = 120


def article_pk_seen(slug):
    """The pk of the article this process last served under `slug`, if any, so that a page
    can ask for the article's scope with the site's in one round trip: a guess (a slug can
    be given to another piece), never trusted for anything but asking early. Kept in the
    fragment cache, which bounds it like everything else it holds."""
    return caches["fragments"].get(f"article-pk:{slug}")


def article_for_page(*, slug, generation, article_generation):
    """A published article with everything its page shows about it, or a 404.

    Kept in this process's fragment cache under the site's `generation` and, checked on
    every use, the generation of the article's own scope (`article_generation(pk)`): a
    signed-in reader's page (which the page cache never serves) does not query it again,
    and any change to the article retires it at once.
    """
    fragments = caches["fragments"]
    key = f"article-page:{slug}:{generation}"
    cached = fragments.get(key)
    if cached is not None:
        article, built_under = cached
        if article_generation(article.pk) == built_under:
            return article
    queryset = (
        Article.objects.published().select_related("source", "section", "audio").prefetch_related("authors", "tags")
    )
    article = get_object_or_404(queryset, slug=slug)
    article.public_view  # noqa: B018  (computed once, kept with the cached article)
    fragments.set(key, (article, article_generation(article.pk)), ARTICLE_SECONDS)
    fragments.set(f"article-pk:{slug}", article.pk, ARTICLE_SECONDS)
    return article


def list_subject(*, model, slug, generation):
    """A section, source, tag or author by its address, or a 404, kept in this process's
    fragment cache under `generation` (nothing is kept for an address that names none)."""
    return remember(
        f"list-subject:{model._meta.label}:{slug}",
        lambda: get_object_or_404(model, slug=slug),
        generation=generation,
        seconds=ARTICLE_SECONDS,
    )


def article_for_preview(*, slug, user):
    """Any article, for the newsroom's preview: editors see all, authors their own."""
    if not (user.is_authenticated and user.is_staff and user.has_perm("articles.view_article")):
        raise Http404("Preview is for the newsroom")
    queryset = Article.objects.select_related("source", "section", "audio").prefetch_related("authors", "tags")
    if not can_publish(user):
        queryset = queryset.filter(created_by=user)
    return get_object_or_404(queryset, slug=slug)


def related_articles(*, article, limit=None):
    """ "Articles connexes", in one query: the editors' picks in their order, then articles
    sharing a tag, then the same section; newest first within each; never the article
    itself, never an unpublished one.

    The candidates are bounded first (the picks, the newest few sharing a tag, the newest
    few of the section, each an index scan with a LIMIT), so the cost does not grow with
    the archive: ranking every published article that shares a section took 600 ms at
    100,000 articles.
    """
    limit = limit or settings.NEWSREADER_RELATED_COUNT
    picks = RelatedArticle.objects.filter(from_article=article)
    pick_position = picks.filter(to_article=OuterRef("pk")).values("position")
    own_tags = Article.tags.through.objects.filter(article_id=article.pk).values("tag_id")
    shares_tag = Exists(Article.tags.through.objects.filter(article_id=OuterRef("pk"), tag_id__in=own_tags))
    others = Article.objects.published().exclude(pk=article.pk).newest_first()
    # Enough of each tier that, once the picks and the tier above are set aside, the list is full.
    tiers = [
        Article.objects.filter(pk__in=picks.values("to_article")).values("pk"),
        others.filter(shares_tag).values("pk")[: 2 * limit],
    ]
    if article.section_id:
        tiers.append(others.filter(section_id=article.section_id).values("pk")[: 3 * limit])
    return list(
        Article.objects.published()
        .exclude(pk=article.pk)
        .filter(one_of(tiers))
        .annotate(pick_position=Subquery(pick_position[:1]), shares_tag=shares_tag)
        .annotate(
            tier=Case(
                When(pick_position__isnull=False, then=Value(0)),
                When(shares_tag=True, then=Value(1)),
                default=Value(2),
            )
        )
        .order_by("tier", F("pick_position").asc(nulls_last=True), "-published_at", "-pk")
        .for_cards()[:limit]
    )


def one_of(subqueries):
    """Articles whose pk one of these (small, bounded) subqueries gives, as one condition that
    PostgreSQL answers with a primary-key lookup (`pk IN (… UNION ALL …)`); an OR of IN
    conditions made it filter every row of the table."""
    if connection.features.supports_slicing_ordering_in_compound:
        first, *rest = subqueries
        return Q(pk__in=first.union(*rest, all=True))
    condition = Q(pk__in=[])
    for subquery in subqueries:  # SQLite allows no LIMIT inside a UNION: an OR there
        condition |= Q(pk__in=subquery)
    return condition


def article_body(*, article, full):
    """The text this reader receives, as (block, ad slot after it) pairs in two parts: what
    everyone may read (`Article.public_view`), and the rest, which is only ever built for a
    reader entitled to it (`full`)."""
    blocks = article.body_blocks
    cut = article.teaser_block_count
    if not full:
        return {"free": body_with_ad_slots(blocks=blocks[:cut]), "gated": []}
    pairs = body_with_ad_slots(blocks=blocks)
    return {"free": pairs[:cut], "gated": pairs[cut:]}


def reading_aids(*, article, full):
    """What the reading aids give a reader who gets the full text (`full`) or the public part
    only (as `subscriptions.access.reading_for()` decided): "L'essentiel" and the audio.
    No query: the summary is on the article, the audio came with it (`article_for_page`)."""
    recording = article.audio_for(full=full)
    seconds = int(recording[1]) if recording else 0  # whole seconds, as players count them
    return {
        "summary": article.summary_for(full=full),
        "checked": article.summary_is_checked,
        "whole_text": full or not article.is_gated,
        "audio": {"minutes": seconds // 60, "seconds": seconds % 60, "iso": f"PT{seconds // 60}M{seconds % 60}S"}
        if recording
        else None,
    }


def article_with_audio(*, slug):
    """A published article with its audio renditions (if any), or a 404."""
    return get_object_or_404(Article.objects.published().select_related("audio"), slug=slug)


def most_read(*, hours=None, limit=None, now=None):
    """ "Les plus lus": the published articles most read in the last `hours`, in one query
    (the hourly counts summed, with what a card shows)."""
    hours = hours or settings.NEWSREADER_MOST_READ_HOURS
    limit = limit or settings.NEWSREADER_MOST_READ_COUNT
    since = (now or timezone.now()) - timedelta(hours=hours)
    return list(
        Article.objects.published()
        .filter(read_counts__hour__gt=since - timedelta(hours=1))
        .annotate(reads=Sum("read_counts__count"))
        .order_by("-reads", "-published_at", "-pk")
        .for_cards()[:limit]
    )


def body_with_ad_slots(*, blocks, every=None):
    """Pairs each body block with whether an ad slot follows it: after every N paragraphs,
    never after the last block."""
    every = settings.NEWSREADER_ADS_EVERY if every is None else every
    paragraphs = 0
    pairs = []
    for index, block in enumerate(blocks):
        ad_after = False
        if block.startswith("<p"):
            paragraphs += 1
            ad_after = bool(every) and paragraphs % every == 0 and index < len(blocks) - 1
        pairs.append((block, ad_after))
    return pairs


def front_page():
    """The lead, the top stories ("À la une"), the latest news and the newest few of each
    section: three queries.

    The lead and the top stories are the editors' choice (`FrontPage`), in their order, as
    far as those pieces are online; where they chose none, or fewer, the newest pieces with
    an image and a standfirst stand in: a two-line brief never opens the page merely for
    being the newest. Neither the latest news nor the sections repeat them.

    Every query is bounded by index order (no sort of the archive): the candidates for the
    top are the chosen pieces and the newest few presentable ones, found by primary key;
    each section's newest are picked by position (an index scan with LIMIT 1 OFFSET n per
    section and position) rather than by numbering every published article in a window,
    which sorted the whole archive, bodies included, at 100,000 articles.
    """
    published = Article.objects.published().for_cards()
    presentable = Article.objects.published().exclude(hero_image="").exclude(standfirst="").newest_first().values("pk")
    position = FrontPageSlot.objects.filter(article=OuterRef("pk")).order_by("position").values("position")[:1]
    candidates = published.filter(
        one_of([FrontPageSlot.objects.values("article_id"), presentable[:FRONT_PAGE_SLOTS]])
    ).annotate(front_position=Subquery(position))
    featured = sorted(
        candidates,
        key=lambda a: (a.front_position is None, a.front_position or 0, -a.published_at.timestamp(), -a.pk),
    )[:FRONT_PAGE_SLOTS]
    shown = [article.pk for article in featured]
    newest = published.newest_first()[: FRONT_PAGE_LATEST + len(shown) + 1]
    latest = [article for article in newest if article.pk not in shown]
    if not featured and latest:  # nothing presentable at all: the newest piece opens the page
        featured, latest = latest[:1], latest[1:]
        shown = [featured[0].pk]
    lead, top = (featured[0], featured[1:]) if featured else (None, [])
    newest_of_section = (
        Article.objects.published().filter(section=OuterRef("pk")).exclude(pk__in=shown).newest_first().values("pk")
    )
    nths = [
        Section.objects.annotate(nth=Subquery(newest_of_section[position : position + 1])).values("nth")
        for position in range(FRONT_PAGE_PER_SECTION)
    ]
    by_section = sorted(
        published.filter(one_of(nths)),
        key=lambda a: (a.section.position, a.section.name, -a.published_at.timestamp(), -a.pk),
    )
    sections = []
    for article in by_section:
        if not sections or sections[-1]["section"].pk != article.section_id:
            sections.append({"section": article.section, "articles": []})
        sections[-1]["articles"].append(article)
    return {"lead": lead, "top": top, "latest": latest[:FRONT_PAGE_LATEST], "sections": sections}


def paginate(*, queryset, page_number, per_page=None, count=None):
    """One page of a list; a bad or out-of-range page number is a 404, never a 500.
    `count`, when the caller knows it (cached), spares the COUNT(*) query."""
    paginator = Paginator(queryset, per_page or settings.NEWSREADER_PAGE_SIZE)
    if count is not None:
        paginator.count = count
    try:
        return paginator.page(page_number or 1)
    except InvalidPage as error:
        raise Http404(str(error)) from error


def articles_of(**filters):
    """Published articles of one section, source, tag or author (one value each, so the
    joins never repeat an article and no DISTINCT is needed)."""
    return Article.objects.published().filter(**filters).for_cards().newest_first()


def feed_articles(**filters):
    """The newest published articles of a feed (the site's, or one section's, source's, tag's
    or author's), with what an item shows: authors and tags prefetched, and the body, since
    a public piece goes out whole."""
    return (
        Article.objects.published()
        .filter(**filters)
        .select_related("source", "section")
        .prefetch_related("authors", "tags")
        .newest_first()
    )
