from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from infrastructure.ratelimit import allow

from . import selectors, services
from .access import free_articles_left
from .forms import RedeemCodeForm

REDEEM_ATTEMPTS_PER_HOUR = 10


def offer(request, form=None, status=200):
    """ "S'abonner": the plans, and the form to redeem an access code."""
    context = {
        "plans": selectors.offered_plans(),
        "form": form or RedeemCodeForm(),
        "subscription": selectors.current_subscription(user=request.user) if request.user.is_authenticated else None,
        "free_left": free_articles_left(user=request.user) if request.user.is_authenticated else None,
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
        _("Votre code est validé : vous êtes abonné jusqu'au %(date)s.")
        % {"date": date_format(timezone.localtime(subscription.ends_at), "DATE_FORMAT")},
    )
    return redirect("accounts:dashboard")
