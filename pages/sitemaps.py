"""Sitemaps for search engines: `/sitemap.xml` (an index), one sitemap per kind of page in
both languages with their hreflang alternates, and a Google News sitemap.

Only published articles appear, and only lists that have one. Big sitemaps are cut in
pages of `ARTICLES_PER_PAGE` articles, each page fetched alone (a count and one slice),
so a hundred thousand articles cost no more per request than a hundred.
"""

from datetime import timedelta

from django.contrib.sitemaps import Sitemap
from django.contrib.sites.requests import RequestSite
from django.core.paginator import InvalidPage
from django.db.models import Exists, Max, OuterRef
from django.db.models.functions import Greatest
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone, translation

from articles.models import Article, Author, Section, Source, Tag
from infrastructure import scopes
from infrastructure.scopes import depends_on

ARTICLES_PER_PAGE = 1000
NEWS_DAYS = 2
NEWS_LIMIT = 1000  # Google News reads at most a thousand


class LanguagePairs:
    """(item, language) pairs of a queryset, counted and sliced in the database: Django's
    own i18n sitemaps build the whole list in memory first."""

    def __init__(self, queryset, languages):
        self.queryset = queryset
        self.languages = languages

    def count(self):
        return self.queryset.count() * len(self.languages)

    def __getitem__(self, index):
        size = len(self.languages)
        start, stop = index.start // size, -(-index.stop // size)
        pairs = [(item, code) for item in self.queryset[start:stop] for code in self.languages]
        offset = start * size
        return pairs[index.start - offset : index.stop - offset]


class BilingualSitemap(Sitemap):
    """Every address in French and in English, each naming the other and the x-default."""

    i18n = True
    alternates = True
    x_default = True
    limit = 2 * ARTICLES_PER_PAGE

    def _items(self):
        return LanguagePairs(self.items(), self._languages())


class ArticleSitemap(BilingualSitemap):
    changefreq = "daily"

    def items(self):
        return (
            Article.objects.published()
            .only("slug", "published_at", "updated_at")
            .annotate(last_change=Greatest("published_at", "updated_at"))
            .order_by("-published_at", "-pk")
        )

    def lastmod(self, article):
        return article.last_change

    def get_latest_lastmod(self):
        return Article.objects.published().aggregate(latest=Max(Greatest("published_at", "updated_at")))["latest"]


def _with_published_articles(queryset, link):
    """Only the lists that show something: a source, topic or author with a published article."""
    published = Article.objects.published().filter(**{link: OuterRef("pk")})
    return queryset.filter(Exists(published)).only("slug").order_by("pk")


class SectionSitemap(BilingualSitemap):
    changefreq = "hourly"

    def items(self):
        return Section.objects.only("slug").order_by("position", "pk")


class SourceSitemap(BilingualSitemap):
    changefreq = "hourly"

    def items(self):
        return _with_published_articles(Source.objects.all(), "source")


class TopicSitemap(BilingualSitemap):
    changefreq = "daily"

    def items(self):
        return _with_published_articles(Tag.objects.all(), "tags")


class AuthorSitemap(BilingualSitemap):
    changefreq = "daily"

    def items(self):
        return _with_published_articles(Author.objects.all(), "authors")


class PageSitemap(BilingualSitemap):
    """The front page, the latest news and the list of feeds."""

    changefreq = "hourly"

    def _items(self):
        return [(name, code) for name in self.items() for code in self._languages()]

    def items(self):
        return ["articles:home", "articles:latest", "articles:feeds"]

    def location(self, name):
        return reverse(name)


SITEMAPS = {
    "articles": ArticleSitemap(),
    "rubriques": SectionSitemap(),
    "sources": SourceSitemap(),
    "sujets": TopicSitemap(),
    "auteurs": AuthorSitemap(),
    "pages": PageSitemap(),
}


def _xml(request, template, context):
    return render(request, template, context, content_type="application/xml; charset=utf-8")


def sitemap_index(request):
    depends_on(request, scopes.SITE, scopes.LISTS)
    base = f"{request.scheme}://{request.get_host()}"
    entries = []
    for name, sitemap in SITEMAPS.items():
        address = base + reverse("sitemap", kwargs={"section": name})
        lastmod = sitemap.get_latest_lastmod() if isinstance(sitemap, ArticleSitemap) else None
        for number in sitemap.paginator.page_range:
            entries.append({"location": address + (f"?p={number}" if number > 1 else ""), "lastmod": lastmod})
    entries.append({"location": base + reverse("sitemap_news"), "lastmod": None})
    return _xml(request, "pages/sitemap_index.xml", {"entries": entries})


def sitemap(request, section):
    depends_on(request, scopes.SITE, scopes.LISTS)
    sitemap = SITEMAPS.get(section)
    if sitemap is None:
        raise Http404("No such sitemap")
    try:
        urls = sitemap.get_urls(page=request.GET.get("p", 1), site=RequestSite(request), protocol=request.scheme)
    except InvalidPage as error:
        raise Http404(str(error)) from error
    return _xml(request, "pages/sitemap.xml", {"urlset": urls})


def news_sitemap(request):
    """Google News: the articles of the last two days, newest first, in French."""
    depends_on(request, scopes.SITE, scopes.LISTS)
    since = timezone.now() - timedelta(days=NEWS_DAYS)
    articles = (
        Article.objects.published()
        .filter(published_at__gte=since)
        .only("slug", "title", "published_at")
        .order_by("-published_at", "-pk")[:NEWS_LIMIT]
    )
    base = f"{request.scheme}://{request.get_host()}"
    with translation.override("fr"):
        items = [{"location": base + article.get_absolute_url(), "article": article} for article in articles]
    return _xml(request, "pages/news_sitemap.xml", {"items": items, "publication": "Newsreader"})
