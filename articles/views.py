from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from comments.selectors import discussion
from newsreader.page_cache import request_generation
from subscriptions.access import FULL, reading_for

from . import selectors
from .models import Author, Section, Source, Tag


def home(request):
    # Called by the template only when its cached fragment is missing.
    context = {"front_page": selectors.front_page, "content_generation": request_generation(request)}
    return render(request, "articles/home.html", context)


def article_detail(request, slug, comment_form=None, status=200):
    generation = request_generation(request)
    article = selectors.article_for_page(slug=slug, generation=generation)
    # The text and the sidebar are the same for every reader who gets them: the template
    # caches them as fragments and calls these only when a fragment is missing.
    reading = reading_for(user=request.user, article=article)
    context = {
        "article": article,
        "reading": reading,
        "body": lambda: selectors.article_body(article=article, reading=reading),
        "related": lambda: selectors.related_articles(article=article),
        "discussion": discussion(
            user=request.user,
            article=article,
            generation=generation,
            sort=request.GET.get("tri"),
            page=request.GET.get("cpage"),
            form=comment_form,
        ),
        "content_generation": generation,
    }
    return render(request, "articles/article_detail.html", context, status=status)


def _article_list(request, *, heading, kind, subject, description="", **filters):
    page = selectors.paginate(queryset=selectors.articles_of(**filters), page_number=request.GET.get("page"))
    context = {
        "heading": heading,
        "kind": kind,
        "subject": subject,
        "description": description,
        "page": page,
        "content_generation": request_generation(request),
    }
    return render(request, "articles/article_list.html", context)


def section_detail(request, slug):
    section = get_object_or_404(Section, slug=slug)
    return _article_list(
        request,
        heading=section.name,
        kind=_("Rubrique"),
        subject=section,
        description=section.description,
        section=section,
    )


def source_detail(request, slug):
    source = get_object_or_404(Source, slug=slug)
    return _article_list(request, heading=source.name, kind=_("Source"), subject=source, source=source)


def tag_detail(request, slug):
    tag = get_object_or_404(Tag, slug=slug)
    return _article_list(request, heading=tag.name, kind=_("Sujet"), subject=tag, tags=tag)


def author_detail(request, slug):
    author = get_object_or_404(Author, slug=slug)
    return _article_list(
        request, heading=author.name, kind=_("Auteur"), subject=author, description=author.bio, authors=author
    )


def latest(request):
    return _article_list(request, heading=_("Toute l'actualité"), kind=_("Fil"), subject=None)


@never_cache
def article_preview(request, slug):
    """Staff see any article (a draft, a scheduled piece) as it will look, under an "Aperçu"
    banner, never cached and never indexed; everyone else gets a 404."""
    article = selectors.article_for_preview(slug=slug, user=request.user)
    context = {
        "article": article,
        "preview": True,
        "reading": FULL,
        "body": lambda: selectors.article_body(article=article, reading=FULL),
        "related": lambda: selectors.related_articles(article=article),
        "discussion": None,
        "content_generation": f"preview-{article.updated_at.timestamp()}",
    }
    response = render(request, "articles/article_detail.html", context)
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response
