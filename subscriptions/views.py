import logging
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponseBadRequest, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from infrastructure.ratelimit import allow

from . import billing, payments, selectors, services, webhooks
from .access import free_articles_left
from .forms import CheckoutForm, GiftForm, RedeemCodeForm
from .models import Plan

logger = logging.getLogger(__name__)

REDEEM_ATTEMPTS_PER_HOUR = 10
CHECKOUTS_PER_HOUR = 20
# Stripe puts the session's ID in place of this in the address it sends the reader back to.
SESSION_PLACEHOLDER = "{CHECKOUT_SESSION_ID}"


def _safe_next(request, value):
    """A path on this site to go back to (the article the reader came from), or ""."""
    if value and value.startswith("/") and url_has_allowed_host_and_scheme(value, allowed_hosts=None):
        return value
    return ""


def _absolute(request, name, **query):
    url = request.build_absolute_uri(reverse(name))
    return f"{url}?{urlencode(query, safe='{}')}" if query else url


def _date(moment):
    return date_format(timezone.localtime(moment), "DATE_FORMAT")


def offer(request, form=None, status=200):
    """ "S'abonner": the plans, gifts, and the form to redeem an access code."""
    signed_in = request.user.is_authenticated
    context = {
        "plans": selectors.offered_plans(),
        "form": form or RedeemCodeForm(),
        "subscription": selectors.current_subscription(user=request.user) if signed_in else None,
        "free_left": free_articles_left(user=request.user) if signed_in else None,
        "payments_enabled": payments.payments_enabled(),
        "test_mode": payments.test_mode(),
        "next": _safe_next(request, request.GET.get("next")),
    }
    return render(request, "subscriptions/offer.html", context, status=status)


@login_required
@require_POST
def redeem(request):
    form = RedeemCodeForm(request.POST)
    if not form.is_valid():
        return offer(request, form=form, status=400)
    if not allow(f"redeem:{request.user.pk}", limit=REDEEM_ATTEMPTS_PER_HOUR, seconds=3600):
        form.add_error("code", _("Trop d'essais. Réessayez dans une heure."))
        return offer(request, form=form, status=429)
    try:
        subscription = services.access_code_redeem(user=request.user, code=form.cleaned_data["code"])
    except services.RedemptionError as error:
        form.add_error("code", str(error))
        return offer(request, form=form, status=400)
    messages.success(
        request,
        _("Votre code est validé : vous êtes abonné jusqu'au %(date)s.") % {"date": _date(subscription.ends_at)},
    )
    return redirect("accounts:dashboard")


def _checkout_refusal(error):
    if error.reason == billing.CheckoutError.ALREADY:
        return _("Vous avez déjà un abonnement qui se renouvelle : gérez-le depuis « Mon compte ».")
    if error.reason == billing.CheckoutError.STRIPE_DOWN:
        return _("Le paiement par carte ne répond pas pour le moment. Rien n'a été débité : réessayez dans un instant.")
    return _("Le paiement par carte n'est pas disponible pour cette formule.")


@never_cache
def plan_checkout(request, slug):
    """One plan, its price and the terms of sale; "Payer par carte" opens Stripe Checkout,
    which sends the reader back to the article they came from. A visitor is asked to sign
    in or create an account first, and comes back here."""
    plan = get_object_or_404(Plan, slug=slug, is_active=True)
    if request.method == "POST" and not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    form = CheckoutForm(request.POST or None, initial={"next": _safe_next(request, request.GET.get("next"))})
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid() and not allow(f"checkout:{request.user.pk}", limit=CHECKOUTS_PER_HOUR, seconds=3600):
            form.add_error(None, _("Trop d'essais. Réessayez dans une heure."))
            status = 429
        elif form.is_valid():
            next_url = _safe_next(request, form.cleaned_data["next"])
            try:
                url = billing.subscription_checkout_begin(
                    user=request.user,
                    plan=plan,
                    success_url=_absolute(
                        request, "subscriptions:checkout_return", session_id=SESSION_PLACEHOLDER, next=next_url
                    ),
                    cancel_url=_absolute(request, "subscriptions:checkout_cancel", next=next_url),
                    locale=get_language(),
                )
            except billing.CheckoutError as error:
                form.add_error(None, _checkout_refusal(error))
                status = 503 if error.reason == billing.CheckoutError.STRIPE_DOWN else 409
            else:
                return redirect(url)
    context = {
        "plan": plan,
        "form": form,
        "payments_enabled": payments.payments_enabled() and bool(plan.stripe_price_id),
        "test_mode": payments.test_mode(),
        "renewing": billing.renewing_subscription(user=request.user) if request.user.is_authenticated else None,
    }
    return render(request, "subscriptions/plan_checkout.html", context, status=status)


@never_cache
@login_required
def checkout_return(request):
    """Back from Checkout. Access opens when Stripe's webhook confirms the payment, usually
    before the reader is even here; until then this page waits and looks again."""
    next_url = _safe_next(request, request.GET.get("next")) or reverse("accounts:dashboard")
    session_id = request.GET.get("session_id", "")
    subscription = selectors.subscription_from_checkout(user=request.user, session_id=session_id)
    if subscription is not None and subscription.is_active():
        messages.success(request, _("Merci ! Vous êtes abonné : bonne lecture."))
        return redirect(next_url)
    return render(request, "subscriptions/checkout_pending.html", {"next": next_url})


def checkout_cancel(request):
    messages.info(request, _("Paiement abandonné : rien n'a été débité."))
    return redirect(_safe_next(request, request.GET.get("next")) or reverse("subscriptions:offer"))


@never_cache
@login_required
def gift(request):
    """Offer a subscription: a length, the recipient's address, a word, then Checkout."""
    form = GiftForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid() and not allow(f"checkout:{request.user.pk}", limit=CHECKOUTS_PER_HOUR, seconds=3600):
            form.add_error(None, _("Trop d'essais. Réessayez dans une heure."))
            status = 429
        elif form.is_valid():
            data = form.cleaned_data
            try:
                url = billing.gift_checkout_begin(
                    buyer=request.user,
                    offer=data["offer"],
                    recipient_email=data["recipient_email"],
                    recipient_name=data["recipient_name"],
                    message=data["message"],
                    language=get_language(),
                    success_url=_absolute(request, "subscriptions:gift_return", session_id=SESSION_PLACEHOLDER),
                    cancel_url=_absolute(request, "subscriptions:checkout_cancel", next=reverse("subscriptions:gift")),
                )
            except billing.CheckoutError as error:
                form.add_error(None, _checkout_refusal(error))
                status = 503 if error.reason == billing.CheckoutError.STRIPE_DOWN else 409
            else:
                return redirect(url)
    context = {
        "form": form,
        "offers": selectors.offered_gifts(),
        "payments_enabled": payments.payments_enabled(),
        "test_mode": payments.test_mode(),
    }
    return render(request, "subscriptions/gift.html", context, status=status)


@never_cache
@login_required
def gift_return(request):
    gift = selectors.gift_from_checkout(buyer=request.user, session_id=request.GET.get("session_id", ""))
    return render(request, "subscriptions/gift_return.html", {"gift": gift})


@login_required
@require_POST
def portal(request):
    """ "Gérer mon abonnement": card, invoices and cancellation in Stripe's customer portal."""
    try:
        url = billing.portal_begin(
            user=request.user, return_url=_absolute(request, "accounts:dashboard"), locale=get_language()
        )
    except billing.CheckoutError as error:
        messages.error(request, _checkout_refusal(error))
        return redirect("accounts:dashboard")
    return redirect(url)


@never_cache
@login_required
def cancel(request):
    """Stop renewal; access lasts to the end of the paid period. Asks before doing it."""
    subscription = billing.renewing_subscription(user=request.user)
    if subscription is None:
        return redirect("accounts:dashboard")
    if request.method == "POST":
        billing.subscription_renewal_set(subscription=subscription, renew=False)
        messages.success(
            request,
            _("Votre abonnement ne sera pas renouvelé. Vous gardez l'accès jusqu'au %(date)s.")
            % {"date": _date(subscription.ends_at)},
        )
        return redirect("accounts:dashboard")
    return render(request, "subscriptions/cancel.html", {"subscription": subscription})


@login_required
@require_POST
def resume(request):
    subscription = selectors.card_subscription(user=request.user)
    if subscription is not None and subscription.cancel_at_period_end:
        billing.subscription_renewal_set(subscription=subscription, renew=True)
        date = _date(subscription.ends_at)
        messages.success(request, _("Votre abonnement se renouvellera le %(date)s.") % {"date": date})
    return redirect("accounts:dashboard")


def terms(request):
    return render(request, "subscriptions/terms_of_sale.html")


@csrf_exempt
@require_POST
def stripe_webhook(request):
    """Stripe's events. Signed or refused with a 400 and no change; no session, no CSRF
    (Stripe has neither), and quick: e-mails and calls to Stripe go to the worker."""
    try:
        event = payments.event_from_webhook(payload=request.body, signature=request.headers.get("Stripe-Signature"))
    except payments.InvalidEvent as error:
        logger.warning("Refused a Stripe webhook: %s", error)
        return HttpResponseBadRequest("Invalid Stripe webhook.", content_type="text/plain")
    outcome = webhooks.stripe_event_receive(event=event)
    return JsonResponse({"received": True, "outcome": outcome})
