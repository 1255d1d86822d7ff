from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from infrastructure.readcounts import client_address

from . import services
from .forms import AccountNewslettersForm, SubscribeForm
from .models import Subscriber
from .selectors import newsletters_offered
from .tokens import read_confirmation_token, read_unsubscribe_token


@never_cache
@csrf_exempt
@require_POST
def box(request):
    """The box under articles, on pages cached for every visitor, so it carries no CSRF
    token. Its POST changes nothing and sends nothing: it shows the subscription form with
    the letters and the address already filled in, and that form, with its token, does the
    asking. The address goes in the request's body: a GET put it in the address bar, the
    browser's history and every access log."""
    chosen = request.POST.getlist("lettre") or [letter.slug for letter in newsletters_offered()[:1]]
    form = SubscribeForm(initial={"email": request.POST.get("email", "")[:254], "lettre": chosen})
    return render(request, "newsletters/subscribe.html", {"form": form})


@never_cache
def subscribe(request):
    """The letters and an address; the POST from this page carries a CSRF token. A GET may
    name the letters to tick (`?lettre=`), never the address (see `box`)."""
    if request.method == "POST":
        form = SubscribeForm(request.POST)
        if form.is_valid():
            try:
                done = services.subscription_request(
                    email=form.cleaned_data["email"],
                    newsletters=list(form.cleaned_data["lettre"]),
                    language=get_language(),
                    requester=client_address(request),
                    user=request.user,
                )
            except services.TooManyRequests:
                form.add_error(None, _("Trop de demandes depuis votre connexion. Réessayez dans une heure."))
                return render(request, "newsletters/subscribe.html", {"form": form}, status=429)
            if done:
                messages.success(request, _("C'est noté : vous recevrez ces lettres à votre adresse."))
                return redirect(reverse("accounts:dashboard") + "#newsletters-heading")
            return redirect("newsletters:requested")
        return render(request, "newsletters/subscribe.html", {"form": form}, status=400)
    chosen = request.GET.getlist("lettre") or [letter.slug for letter in newsletters_offered()[:1]]
    email = request.user.email if request.user.is_authenticated else ""
    form = SubscribeForm(initial={"email": email, "lettre": chosen})
    return render(request, "newsletters/subscribe.html", {"form": form})


def requested(request):
    return render(request, "newsletters/requested.html")


@never_cache
@require_http_methods(["GET", "POST"])
def confirm(request, token):
    """The link of the confirmation e-mail. Opening it (which mail scanners do on their
    own) shows a button; only pressing it subscribes."""
    asked = read_confirmation_token(token)
    if asked is None:
        return render(request, "newsletters/link_expired.html", status=400)
    email, newsletter_ids, language = asked
    if request.method == "POST":
        letters = services.subscription_confirm(email=email, newsletter_ids=newsletter_ids, language=language)
        return render(request, "newsletters/confirmed.html", {"newsletters": letters, "email": email})
    return render(request, "newsletters/confirm.html", {"email": email})


@csrf_exempt  # RFC 8058: mail programs POST here with no cookie; the signed token is the proof
@never_cache
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    """One-click unsubscribe (the List-Unsubscribe address): POST leaves the letter, GET
    shows a page asking to confirm. Works without signing in."""
    pk = read_unsubscribe_token(token)
    subscriber = Subscriber.objects.select_related("newsletter").filter(pk=pk).first() if pk else None
    if subscriber is None:
        return render(request, "newsletters/link_expired.html", status=400)
    if request.method == "POST":
        services.subscriber_unsubscribe(subscriber=subscriber)
        return render(request, "newsletters/unsubscribed.html", {"subscriber": subscriber})
    return render(request, "newsletters/unsubscribe.html", {"subscriber": subscriber})


@login_required
@require_POST
def account(request):
    """ "Mon compte": the letters this reader receives, as checked."""
    form = AccountNewslettersForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Ce choix de lettres n'est pas valable."))
    else:
        try:
            done = services.account_newsletters_set(
                user=request.user, newsletters=list(form.cleaned_data["lettre"]), requester=client_address(request)
            )
        except services.TooManyRequests:
            messages.error(request, _("Trop de demandes depuis votre connexion. Réessayez dans une heure."))
        else:
            if done:
                messages.success(request, _("Vos lettres sont enregistrées."))
            else:
                messages.info(
                    request, _("Un e-mail vient de partir : confirmez votre adresse pour recevoir ces lettres.")
                )
    return redirect(reverse("accounts:dashboard") + "#newsletters-heading")
