""" "Ma liste": the list page, saving and removing (with or without the page's script) and
the small state document the page's script asks for."""

from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponseBadRequest, JsonResponse, QueryDict
from django.middleware.csrf import CsrfViewMiddleware, get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from articles.models import Article
from infrastructure.readcounts import client_address

from . import selectors
from .services import SavedListFull, article_save, article_unsave, pending_save_remember

MAX_IDS = 100  # cards on one page, with room to spare
# Article ids are the database's big integers: a larger number would reach the query and fail there.
MAX_ARTICLE_ID = 2**63 - 1


@never_cache
@login_required
def saved_list(request):
    page = selectors.saved_page(user=request.user, page_number=request.GET.get("page"))
    return render(request, "saved/list.html", {"page": page})


@csrf_exempt  # checked below, once we know who posts: see `_save_or_remove`
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def item(request, slug):
    """GET: the confirmation step (the same form, with its token). POST: save or remove."""
    article = get_object_or_404(Article.objects.published(), slug=slug)
    if request.method == "POST":
        return _save_or_remove(request, article)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    saved = selectors.is_saved(user=request.user, article=article)
    return render(request, "saved/confirm.html", {"article": article, "saved": saved, "next": _back(request, article)})


def _save_or_remove(request, article):
    """The button on list cards sits in fragments shared by every reader, so it carries no
    CSRF token. Nothing is changed without one:

    - an anonymous reader's post changes nothing but their own session (the save waits
      there until they sign in), and only from a page of this site (`_from_this_site`);
    - a signed-in reader's post without a valid token is sent to the confirmation step (a
      GET showing the same button with its token); with the page's script, the token comes
      from `state()` and the post is done in place.
    """
    back = _back(request, article)
    if not request.user.is_authenticated:
        if _from_this_site(request) and pending_save_remember(
            session=request.session, article=article, requester=client_address(request)
        ):
            messages.info(request, _("Connectez-vous ou créez un compte : l'article sera dans Ma liste."))
        return redirect_to_login(back)
    if not _csrf_passes(request):
        return redirect("saved:item", slug=article.slug)
    if request.POST.get("action") == "remove":
        article_unsave(user=request.user, article=article)
        back = _list_page_left(request, back)
        return _answer(
            request, back, saved=False, message=_("« %(title)s » est retiré de Ma liste.") % {"title": article.title}
        )
    try:
        article_save(user=request.user, article=article)
    except SavedListFull:
        message = _("Ma liste est pleine (%(max)s articles) : retirez-en avant d'en ajouter.") % {
            "max": settings.NEWSREADER_SAVED_MAX
        }
        return _answer(request, back, saved=False, message=message, status=400)
    return _answer(request, back, saved=True, message=_("« %(title)s » est dans Ma liste.") % {"title": article.title})


def _list_page_left(request, back):
    """Removing the last entry of the list's last page empties that page: the reader goes
    back to the last page that is left instead of a 404."""
    parts = urlsplit(back)
    if parts.path != reverse("saved:list"):
        return back
    query = QueryDict(parts.query, mutable=True)
    number = query.get("page", "1")
    pages = selectors.saved_page_count(user=request.user)
    if not number.isdecimal() or int(number) <= pages:
        return back
    query["page"] = pages
    return urlunsplit(parts._replace(query=query.urlencode()))


def _answer(request, back, *, saved, message, status=200):
    if request.headers.get("Accept") == "application/json":
        return JsonResponse({"saved": saved, "message": message}, status=status)
    (messages.success if status == 200 else messages.error)(request, message)
    return redirect(back)


def _csrf_passes(request):
    has_token = "csrfmiddlewaretoken" in request.POST or settings.CSRF_HEADER_NAME in request.META
    return has_token and CsrfViewMiddleware(lambda r: None).process_view(request, None, (), {}) is None


def _from_this_site(request):
    """A form submitted from one of our pages: the browser says so (Sec-Fetch-Site), or, for
    one that does not send it, the Origin is ours. Another site's form cannot plant a save."""
    site = request.headers.get("Sec-Fetch-Site")
    if site is not None:
        return site == "same-origin"
    origin = request.headers.get("Origin")
    return origin is None or origin == f"{request.scheme}://{request.get_host()}"


def _back(request, article):
    """Where the reader was: the form's `next`, or the page they posted from, if ours."""
    for candidate in (request.POST.get("next"), request.GET.get("next"), request.headers.get("Referer")):
        if candidate and url_has_allowed_host_and_scheme(
            candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            return candidate
    return article.get_absolute_url()


@never_cache
@require_GET
def state(request):
    """For the page's script: which of the page's cards the reader saved, the token to post
    with, and what their device keeps offline. Never stored by any cache (`never_cache`)."""
    if not request.user.is_authenticated:
        return JsonResponse({"reader": None})
    try:
        ids = [int(value) for value in request.GET.get("ids", "").split(",") if value][:MAX_IDS]
    except ValueError:
        return HttpResponseBadRequest("ids: comma-separated numbers")
    if not all(1 <= pk <= MAX_ARTICLE_ID for pk in ids):
        return HttpResponseBadRequest("ids: article numbers")
    saved = selectors.saved_among(user=request.user, article_ids=ids) if ids else set()
    offline = [
        {"url": reverse("articles:detail", kwargs={"slug": slug}), "title": title}
        for slug, title in selectors.offline_articles(user=request.user)
    ]
    return JsonResponse(
        {
            "reader": selectors.offline_cache_key(user=request.user),
            "saved": sorted(saved),
            "csrf": get_token(request),
            "offline": offline,
        }
    )
