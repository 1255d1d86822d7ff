import json

from allauth.account.views import LogoutView
from allauth.mfa.models import Authenticator
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from newsletters.selectors import newsletters_for_account
from saved.models import SavedArticle
from subscriptions.access import free_articles_left
from subscriptions.selectors import billing_for, current_subscription, private_feed_address
from subscriptions.services import private_feed_renew, private_feed_revoke

from . import services
from .forms import DeleteAccountForm, ProfileForm


@never_cache
@login_required
def dashboard(request, profile_form=None):
    """ "Mon compte": who I am, my subscription, my security, my data."""
    context = {
        "profile_form": profile_form or ProfileForm(instance=request.user),
        "subscription": current_subscription(user=request.user),
        "billing": billing_for(user=request.user),
        "free_left": free_articles_left(user=request.user),
        "mfa_enabled": Authenticator.objects.filter(user=request.user).exists(),
        "private_feed_url": _private_feed_url(request),
        "newsletters": newsletters_for_account(user=request.user),
        "saved_count": SavedArticle.objects.of(request.user).published().count(),
    }
    return render(request, "accounts/dashboard.html", context)


def _private_feed_url(request):
    token = private_feed_address(user=request.user)
    return request.build_absolute_uri(reverse("articles:private_feed", kwargs={"token": token})) if token else None


@login_required
@require_POST
def private_feed(request):
    """Create or renew (the old address stops working) or revoke the reader's private feed."""
    if request.POST.get("action") == "revoke":
        private_feed_revoke(user=request.user)
        messages.success(request, _("Votre flux privé est supprimé : son adresse ne fonctionne plus."))
    else:
        private_feed_renew(user=request.user)
        messages.success(request, _("Voici votre flux privé. Toute adresse précédente ne fonctionne plus."))
    return redirect(reverse("accounts:dashboard") + "#private-feed-heading")


@login_required
@require_POST
def profile(request):
    form = ProfileForm(request.POST, instance=request.user)
    if not form.is_valid():
        return dashboard(request, profile_form=form)
    form.save()
    messages.success(request, _("Votre nom affiché est enregistré."))
    return redirect("accounts:dashboard")


@never_cache
@login_required
def export(request):
    data = services.account_export(user=request.user)
    response = HttpResponse(json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json")
    filename = f"newsreader-mes-donnees-{timezone.localdate():%Y-%m-%d}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@never_cache
@login_required
def delete(request):
    form = DeleteAccountForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        user = request.user
        logout(request)
        services.account_delete(user=user)
        messages.success(request, _("Votre compte est supprimé. Merci de nous avoir lus."))
        return redirect("articles:home")
    return render(request, "accounts/delete.html", {"form": form}, status=400 if form.errors else 200)


_allauth_logout = LogoutView.as_view()


def sign_out(request):
    """allauth's sign-out, and the browser told to forget what it kept for this reader: the
    offline copies of "Ma liste" (the service worker's caches), its storage and its HTTP
    cache, so that nothing of theirs is left for the next person on a shared device. The
    page's script deletes the reader's caches too, for browsers that ignore the header."""
    response = _allauth_logout(request)
    if request.method == "POST":
        response["Clear-Site-Data"] = '"cache", "storage"'
    return response
