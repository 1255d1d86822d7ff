"""The reading pages: front page, article, lists and the newsroom's preview.

Each view declares the content scopes its page is built from (`depends_on`), so the page
cache keeps an anonymous page exactly until one of them changes.
"""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from articles import selectors
from articles.models import Article, Author, Section, Source, Tag
from comments.forms import CommentForm
from comments.selectors import discussion, section_key
from comments.services import CommentError, RateLimited, comment_create
from comments.views import form_errors_json, response_after_posting, wants_json
from infrastructure import scopes
from infrastructure.assembly import complete, shared_page
from infrastructure.middleware import newsroom_only
from infrastructure.page_cache import remember
from infrastructure.ranges import ranged_file_response
from infrastructure.readcounts import counts_as
from infrastructure.scopes import depends_on
from newsletters.selectors import newsletter_box
from saved.selectors import is_saved
from subscriptions.access import FULL, reading_for

from .models import InfoPage
from .reading import reading_of_visit


def most_read_context(request):
    """ "Les plus lus", shown on the front page and article pages: one fragment for the
    whole site, built again when a batch of reads reaches the database (`scopes.READS`),
    when an article leaves the site (`scopes.SITE`), and at least every
    NEWSREADER_MOST_READ_SECONDS. Pages showing it do not declare these scopes: the list is
    a view of reads over time, and the page cache's minute is fresh enough for it."""
    generations = scopes.request_generations(request, scopes.SITE, scopes.READS)
    return {
        "most_read": selectors.most_read,
        "most_read_generation": scopes.token(generations),
        "most_read_seconds": settings.NEWSREADER_MOST_READ_SECONDS,
    }


def home(request):
    generations = depends_on(request, scopes.SITE, scopes.LISTS)
    # The template calls `front_page` only when its cached fragment is missing.
    context = {
        "front_page": selectors.front_page,
        "content_generation": scopes.token(generations),
        "feeds": feed_links(),
        **most_read_context(request),
    }
    return assembled(request, "pages/home.html", context)


def article_detail(request, slug, comment_form=None, status=200):
    # The scopes read before the article is known, in one round trip, with the article's
    # own when this process has served it before (the usual case: one round trip, not two).
    seen = selectors.article_pk_seen(slug)
    scopes.request_generations(
        request, scopes.SITE, scopes.MODERATION, scopes.READS, *([scopes.article(seen)] if seen else [])
    )
    site = depends_on(request, scopes.SITE, scopes.MODERATION)
    article = selectors.article_for_page(
        slug=slug,
        generation=scopes.token(site),
        article_generation=lambda pk: scopes.request_generations(request, scopes.article(pk))[scopes.article(pk)],
    )
    generations = depends_on(request, scopes.article(article.pk))
    counts_as(request, scopes.article(article.pk))  # a read, for "Les plus lus"
    reading = reading_of_visit(request, article=article)
    # The text and the sidebar are the same for every reader who gets them: the template
    # caches them as fragments and calls these only when a fragment is missing.
    context = {
        "article": article,
        "reading": reading,
        "saved": is_saved(user=request.user, article=article),
        "body": lambda: selectors.article_body(article=article, full=reading.full),
        "aids": lambda: selectors.reading_aids(article=article, full=reading.full),
        "related": lambda: selectors.related_articles(article=article),
        "newsletter_box": lambda: newsletter_box(section_id=article.section_id),
        **most_read_context(request),
        "discussion": discussion(
            user=request.user,
            article=article,
            reading=reading,
            generation=scopes.token(site | generations),
            sort=request.GET.get("tri"),
            page=request.GET.get("cpage"),
            alone=request.GET.get("fil"),
            form=comment_form,
        ),
        "content_generation": scopes.token(site | generations),
    }
    return assembled(
        request,
        "pages/article_detail.html",
        context,
        key=reading.fragment_key,
        status=status,
        kept=article_parts(request, context),
    )


def assembled(request, template_name, context, *, key="", status=200, kept=None):
    """The page rendered once for every reader who gets the same content (`key` says what
    else it depends on besides the address and the content generation), this reader's
    parts filled in (`infrastructure.assembly`), those that `kept` names (and the header's)
    taken from the ones already rendered."""
    page = shared_page(
        request, template_name, context, key=f"{key}:{get_language()}", generation=context["content_generation"]
    )
    return complete(request, page, context, status=status, kept={**header_parts(request), **(kept or {})})


def header_parts(request):
    """What the header's parts show: the reader's name and links, the same on every page
    they open; the address in the other language, the same for every reader of the page."""
    user, address = request.user, request.get_full_path()
    signed_in = user.is_authenticated
    return {
        "includes/account_links.html": f"reader:{user.pk}:{user.get_short_name()}" if signed_in else f"-:{address}",
        "includes/language_switcher.html": address,
        "includes/reader_attributes.html": f"reader:{user.pk}" if signed_in else "-",
    }


def article_parts(request, context):
    """What the article page's parts show, shared by every reader in the same case: the
    meter and the paywall by the access rule's answer, the save button by whether the piece
    is in the reader's list, the comments section by what the reader may do there (the page
    of threads with their own controls is a part of its own, filled in per request)."""
    article, reading = context["article"], context["reading"]
    content = f"{context['content_generation']}:{article.pk}"
    signed_in = request.user.is_authenticated
    section = section_key(context["discussion"])
    return {
        "pages/includes/article_meter.html": repr(reading),
        "pages/includes/article_paywall.html": f"{content}:{reading!r}:{signed_in}",
        "pages/includes/article_save.html": f"{content}:{context['saved']}:{signed_in}",
        "pages/includes/article_comments.html": section and f"{content}:{section}",
    }


def feed_links(*, name="site_feed", slug=None, title=None):
    """The RSS and Atom feeds of a page, for its <link rel="alternate"> and its buttons."""
    kwargs = {"slug": slug} if slug else {}
    title = title or _("Newsreader : toute l'actualité")
    return [
        {
            "title": f"{title} (RSS)",
            "type": "application/rss+xml",
            "url": reverse(f"articles:{name}", kwargs={**kwargs, "fmt": "rss"}),
        },
        {
            "title": f"{title} (Atom)",
            "type": "application/atom+xml",
            "url": reverse(f"articles:{name}", kwargs={**kwargs, "fmt": "atom"}),
        },
    ]


def article_audio(request, slug):
    """ "Écouter": the article read aloud, in the rendition the access rule gives this reader
    (the public part to anyone not entitled to the rest), in byte ranges so the player can
    seek. The rule is asked, never a free article spent: only the article page spends one.

    The same address serves different renditions to different readers, so no shared cache
    may keep it (`private`), and the validator names the rendition (a reader who subscribes
    mid-way gets the new one whole, not a range of it)."""
    article = selectors.article_with_audio(slug=slug)
    reading = reading_for(user=request.user, article=article)
    recording = article.audio_for(full=reading.full)
    if recording is None:
        raise Http404("No audio for this article yet")
    part = "full" if reading.full and article.is_gated else "public"
    response = ranged_file_response(
        request,
        storage=recording[0].storage,
        name=recording[0].name,
        content_type="audio/mpeg",
        etag=f'"{part}-{article.speech_fingerprint[:16]}"',
        cache_control="private, no-cache",
    )
    patch_vary_headers(response, ["Cookie"])
    return response


def _article_list(request, *, heading, kind, subject, description="", feed=None, **filters):
    generations = depends_on(request, scopes.SITE, scopes.LISTS)
    articles = selectors.articles_of(**filters)
    # Counting a list is a scan of all its articles: done once per change of the lists, not
    # on every signed-in reader's request.
    count = remember(f"list-count:{request.path}", articles.count, generation=scopes.token(generations))
    page = selectors.paginate(queryset=articles, page_number=request.GET.get("page"), count=count)
    title = _("Newsreader : %(name)s") % {"name": heading}
    feeds = feed_links(name=feed, slug=subject.slug, title=title) if feed else feed_links()
    context = {
        "heading": heading,
        "kind": kind,
        "subject": subject,
        "description": description,
        "page": page,
        "feeds": feeds,
        "content_generation": scopes.token(generations),
    }
    return assembled(request, "pages/article_list.html", context, key=f"page-{page.number}")


def list_subject(request, model, slug):
    """The section, source, tag or author a list is of, or a 404: kept under the scopes the
    list is built from (any change to one of them retires the site's, `articles.signals`),
    so that a signed-in reader's list page does not ask the database for it every time."""
    generations = scopes.request_generations(request, scopes.SITE, scopes.LISTS)
    return selectors.list_subject(model=model, slug=slug, generation=scopes.token(generations))


def section_detail(request, slug):
    section = list_subject(request, Section, slug)
    return _article_list(
        request,
        heading=section.name,
        kind=_("Rubrique"),
        subject=section,
        description=section.description,
        feed="section_feed",
        section=section,
    )


def source_detail(request, slug):
    source = list_subject(request, Source, slug)
    return _article_list(
        request, heading=source.name, kind=_("Source"), subject=source, feed="source_feed", source=source
    )


def tag_detail(request, slug):
    tag = list_subject(request, Tag, slug)
    return _article_list(request, heading=tag.name, kind=_("Sujet"), subject=tag, feed="tag_feed", tags=tag)


def author_detail(request, slug):
    author = list_subject(request, Author, slug)
    return _article_list(
        request,
        heading=author.name,
        kind=_("Auteur"),
        subject=author,
        description=author.bio,
        feed="author_feed",
        authors=author,
    )


def latest(request):
    return _article_list(request, heading=_("Toute l'actualité"), kind=_("Fil"), subject=None)


def info_page(request, slug):
    """One of the publisher's pages (legal notice, privacy…), in English where it is written."""
    depends_on(request, scopes.SITE)
    page = get_object_or_404(InfoPage, slug=slug)
    title, body_html, text_language = page.in_language(get_language())
    context = {"page": page, "title": title, "body_html": body_html, "text_language": text_language}
    return render(request, "pages/info_page.html", context)


@never_cache
@newsroom_only
def article_preview(request, slug):
    """Staff see any article (a draft, a scheduled piece) as it will look, under an "Aperçu"
    banner, never cached and never indexed; everyone else gets a 404."""
    article = selectors.article_for_preview(slug=slug, user=request.user)
    context = {
        "article": article,
        "preview": True,
        "reading": FULL,
        "body": lambda: selectors.article_body(article=article, full=True),
        "aids": lambda: selectors.reading_aids(article=article, full=True),
        "related": lambda: selectors.related_articles(article=article),
        **most_read_context(request),
        "discussion": None,
        "content_generation": f"preview-{article.updated_at.timestamp()}",
    }
    response = render(request, "pages/article_detail.html", context)
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@login_required
@require_POST
def article_comment(request, slug):
    """Post a comment under an article; on error the article page comes back with the text
    kept (or, for the page's script, the errors as JSON)."""
    article = get_object_or_404(Article.objects.published(), slug=slug)
    form = CommentForm(request.POST)
    status = 400
    if form.is_valid():
        try:
            comment = comment_create(user=request.user, article=article, text=form.cleaned_data["text"])
        except CommentError as error:
            form.add_error("text", str(error))
            status = 429 if isinstance(error, RateLimited) else 400
        else:
            return response_after_posting(request, comment)
    if wants_json(request):
        return form_errors_json(form, status)
    return article_detail(request, slug, comment_form=form, status=status)
