from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from articles.models import Article

from . import rendering, rules, selectors, services
from .forms import CommentForm, ReportForm
from .models import Comment


def comment_for(request, pk, *, allowed=rules.can_see):
    """The comment this reader may see and, with `allowed`, act on; a 404 for any other
    (ids are sequential: a pending, refused or deleted comment must not show its text)."""
    comment = get_object_or_404(
        Comment.objects.select_related("article", "author"),
        pk=pk,
        article__in=Article.objects.published(),
    )
    if not allowed(user=request.user, comment=comment):
        raise Http404("No such comment")
    return comment


def wants_json(request):
    """The page's script posts in place and asks for JSON; plain forms get redirects."""
    return request.headers.get("Accept") == "application/json"


def response_after_posting(request, comment):
    pending = comment.status == Comment.Status.PENDING
    message = (
        _("Merci ! Votre commentaire sera publié après relecture par la modération.")
        if pending
        else _("Votre commentaire est publié.")
    )
    if wants_json(request):
        html = "" if pending else rendering.comment_html(comment=comment, viewer="own")
        count = Comment.objects.visible().filter(article_id=comment.article_id).count()
        return JsonResponse(
            {"message": message, "html": html, "thread": comment.parent_id, "count": count, "id": comment.pk}
        )
    messages.add_message(request, messages.INFO if pending else messages.SUCCESS, message)
    if pending:
        return redirect(f"{comment.article.get_absolute_url()}#commentaires")
    return redirect(comment.get_absolute_url())


def form_errors_json(form, status):
    return JsonResponse({"errors": [str(error) for error in form.errors.get("text", [])]}, status=status)


@never_cache
@login_required
def reply(request, pk):
    target = comment_for(request, pk, allowed=rules.can_reply)
    form = CommentForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            comment = services.comment_create(
                user=request.user, article=target.article, text=form.cleaned_data["text"], reply_to=target
            )
        except services.CommentError as error:
            form.add_error("text", str(error))
            status = 429 if isinstance(error, services.RateLimited) else 400
        else:
            return response_after_posting(request, comment)
    elif form.errors:
        status = 400
    if request.method == "POST" and wants_json(request):
        return form_errors_json(form, status)
    permission = rules.can_comment(user=request.user, article=target.article)
    context = {"target": target, "form": form, "permission": permission}
    return render(request, "comments/reply.html", context, status=status)


@never_cache
@login_required
def edit(request, pk):
    comment = comment_for(request, pk, allowed=rules.is_own_live_comment)
    permission = rules.can_edit(user=request.user, comment=comment)
    if not permission:
        messages.error(request, services.edit_refusal(permission))
        return redirect(comment.get_absolute_url())
    form = CommentForm(request.POST or None, initial={"text": comment.body})
    if request.method == "POST" and form.is_valid():
        try:
            services.comment_edit(user=request.user, comment=comment, text=form.cleaned_data["text"])
        except services.CommentError as error:
            form.add_error("text", str(error))
            status = 429 if isinstance(error, services.RateLimited) else 400
        else:
            if comment.status == Comment.Status.PENDING:
                messages.info(request, _("Votre commentaire modifié sera publié après relecture par la modération."))
                return redirect(f"{comment.article.get_absolute_url()}#commentaires")
            messages.success(request, _("Votre commentaire est modifié."))
            return redirect(comment.get_absolute_url())
    else:
        status = 400 if form.errors else 200
    return render(request, "comments/edit.html", {"comment": comment, "form": form}, status=status)


@never_cache
@login_required
def delete(request, pk):
    comment = comment_for(request, pk, allowed=rules.can_delete)
    if request.method == "POST":
        try:
            services.comment_delete(user=request.user, comment=comment)
        except services.CommentError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Votre commentaire est supprimé."))
        return redirect(f"{comment.article.get_absolute_url()}#commentaires")
    return render(request, "comments/delete.html", {"comment": comment})


@login_required
@require_POST
def recommend(request, pk):
    comment = comment_for(request, pk)
    try:
        recommended = services.comment_recommend(user=request.user, comment=comment)
    except services.CommentError as error:
        if wants_json(request):
            return JsonResponse({"errors": [str(error)]}, status=400)
        messages.error(request, str(error))
        return redirect(comment.get_absolute_url())
    message = _("Vous recommandez ce commentaire.") if recommended else _("Recommandation retirée.")
    if wants_json(request):
        comment.refresh_from_db(fields=["recommend_count"])
        count = comment.recommend_count
        label = ngettext("%(count)s recommandation", "%(count)s recommandations", count) % {"count": count}
        return JsonResponse({"message": message, "recommended": recommended, "label": label})
    messages.success(request, message)
    return redirect(comment.get_absolute_url())


@never_cache
@login_required
def report(request, pk):
    comment = comment_for(request, pk, allowed=rules.can_report)
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.comment_report(user=request.user, comment=comment, **form.cleaned_data)
        except services.CommentError as error:
            messages.info(request, str(error))
        else:
            messages.success(request, _("Merci, la modération va examiner ce commentaire."))
        return redirect(comment.get_absolute_url())
    status = 400 if form.errors else 200
    return render(request, "comments/report.html", {"comment": comment, "form": form}, status=status)


@never_cache
@login_required
def mine(request):
    page = selectors.comments_of(user=request.user, page=request.GET.get("page") or 1)
    return render(request, "comments/mine.html", {"page": page})
