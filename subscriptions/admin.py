import csv

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import billing, selectors, services
from .forms import GenerateCodesForm, GrantSubscriptionForm
from .models import AccessCode, Gift, GiftOffer, Payment, Plan, Redemption, StripeEvent, Subscription
from .templatetags.prices import money


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ["name", "price", "currency", "period", "is_active", "card_payment", "subscribers"]
    list_filter = ["is_active", "period"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        return selectors.plans_with_subscriber_counts()

    @admin.display(description=_("paiement par carte"), boolean=True)
    def card_payment(self, plan):
        return bool(plan.stripe_price_id)

    @admin.display(description=_("abonnés actifs"), ordering="subscribers")
    def subscribers(self, plan):
        return plan.subscribers


class ActiveFilter(admin.SimpleListFilter):
    title = _("état")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [
            ("active", _("en cours")),
            ("grace", _("paiement refusé, en délai de grâce")),
            ("ended", _("terminé")),
            ("future", _("à venir")),
        ]

    def queryset(self, request, queryset):
        now = timezone.now()
        if self.value() == "active":
            return queryset.active(now)
        if self.value() == "ended":
            return queryset.exclude(pk__in=queryset.active(now).values("pk")).filter(starts_at__lte=now)
        if self.value() == "grace":
            return queryset.active(now).filter(ends_at__lte=now)
        if self.value() == "future":
            return queryset.filter(starts_at__gt=now)
        return queryset


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    """Subscriptions are opened with `subscription_grant()` (a new period starts when the
    current one ends) and ended with `subscription_end()`: the dates are never edited by
    hand."""

    list_display = ["user", "plan", "starts_at", "ends_at", "origin", "active"]
    list_filter = [ActiveFilter, "origin", "plan"]
    list_select_related = ["user", "plan"]
    search_fields = ["user__email"]
    autocomplete_fields = ["user"]
    date_hierarchy = "ends_at"
    actions = ["end_now"]
    # What Stripe says changes only through Stripe's events: shown, never edited here.
    stripe_fields = [
        "stripe_customer_id",
        "stripe_subscription_id",
        "stripe_checkout_session_id",
        "stripe_status",
        "cancel_at_period_end",
        "grace_until",
        "stripe_synced_at",
    ]

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = GrantSubscriptionForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["user", "plan", "days", "note"]
        fields = ["user", "plan", "starts_at", "ends_at", "origin", "access_code", "granted_by", "note", "created_at"]
        return [*fields, *self.stripe_fields] if obj.stripe_subscription_id else fields

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        fields = ["user", "plan", "starts_at", "ends_at", "origin", "access_code", "granted_by", "created_at"]
        return [*fields, *self.stripe_fields]

    @admin.display(description=_("en cours"), boolean=True)
    def active(self, subscription):
        return subscription.is_active()

    def save_model(self, request, obj, form, change):
        if change:
            obj.save(update_fields=["note"])
            return
        granted = services.subscription_grant(
            user=form.cleaned_data["user"],
            duration=form.duration,
            origin=Subscription.Origin.STAFF,
            plan=form.cleaned_data["plan"],
            granted_by=request.user,
            note=form.cleaned_data["note"],
        )
        obj.pk, obj.starts_at, obj.ends_at = granted.pk, granted.starts_at, granted.ends_at

    @admin.action(description=_("Mettre fin maintenant"), permissions=["change"])
    def end_now(self, request, queryset):
        for subscription in queryset:
            services.subscription_end(subscription=subscription, ended_by=request.user)
            billing.card_subscription_stop(subscription=subscription)  # no more charges either
        self.message_user(request, _("Abonnements terminés."), messages.SUCCESS)

    def changelist_view(self, request, extra_context=None):
        count = selectors.active_subscriber_count()
        subtitle = ngettext("%(count)s abonné actif", "%(count)s abonnés actifs", count) % {"count": count}
        extra_context = (extra_context or {}) | {"subtitle": subtitle}
        return super().changelist_view(request, extra_context)


class RedemptionInline(admin.TabularInline):
    model = Redemption
    extra = 0
    can_delete = False
    fields = ["user", "redeemed_at", "subscription"]
    readonly_fields = fields


@admin.register(AccessCode)
class AccessCodeAdmin(admin.ModelAdmin):
    list_display = ["code", "plan", "days", "redemption_count", "max_redemptions", "expires_at", "batch"]
    list_filter = ["plan", "batch"]
    search_fields = ["code", "batch"]
    readonly_fields = ["redemption_count", "created_at"]
    inlines = [RedemptionInline]
    actions = ["export_csv"]
    change_list_template = "admin/subscriptions/accesscode/change_list.html"

    def get_urls(self):
        generate = self.admin_site.admin_view(self.generate_view)
        return [path("generer/", generate, name="subscriptions_accesscode_generate"), *super().get_urls()]

    def generate_view(self, request):
        """Generate a batch of codes and hand them over at once as a CSV file."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = GenerateCodesForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            codes = services.access_codes_generate(**form.cleaned_data)
            self.message_user(request, _("%(count)s codes créés.") % {"count": len(codes)}, messages.SUCCESS)
            return codes_as_csv(codes, filename=f"codes-{timezone.localdate():%Y%m%d}.csv")
        context = {
            **self.admin_site.each_context(request),
            "title": _("Générer des codes d'accès"),
            "form": form,
            "opts": self.model._meta,
            "changelist_url": reverse("admin:subscriptions_accesscode_changelist"),
        }
        return render(request, "admin/subscriptions/accesscode/generate.html", context)

    @admin.action(description=_("Exporter les codes choisis (CSV)"))
    def export_csv(self, request, queryset):
        return codes_as_csv(queryset.select_related("plan"), filename="codes.csv")


@admin.register(GiftOffer)
class GiftOfferAdmin(admin.ModelAdmin):
    list_display = ["__str__", "price", "currency", "is_active", "card_payment"]

    @admin.display(description=_("paiement par carte"), boolean=True)
    def card_payment(self, offer):
        return bool(offer.stripe_price_id)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records of what Stripe confirmed: to look at, never to edit or delete."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Gift)
class GiftAdmin(ReadOnlyAdmin):
    list_display = ["recipient_email", "offer", "buyer", "status", "paid_at", "sent_at", "redeemed"]
    list_filter = ["status", "offer"]
    list_select_related = ["offer", "buyer", "access_code"]
    search_fields = ["recipient_email", "buyer__email", "stripe_checkout_session_id"]
    actions = ["send_again"]

    @admin.display(description=_("utilisé"), boolean=True)
    def redeemed(self, gift):
        return gift.redeemed

    @admin.action(description=_("Renvoyer le code au destinataire"), permissions=["view"])
    def send_again(self, request, queryset):
        count = billing.gifts_send_again(gifts=queryset)
        message = ngettext("%(count)s code renvoyé.", "%(count)s codes renvoyés.", count) % {"count": count}
        self.message_user(request, message, messages.SUCCESS)


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdmin):
    list_display = ["occurred_at", "user", "price", "status", "subscription", "gift"]
    list_filter = ["status"]
    list_select_related = ["user", "subscription__plan", "gift__offer"]
    search_fields = ["user__email", "stripe_id"]
    date_hierarchy = "occurred_at"

    @admin.display(description=_("montant"), ordering="amount")
    def price(self, payment):
        return money(payment.amount, payment.currency)


@admin.register(StripeEvent)
class StripeEventAdmin(ReadOnlyAdmin):
    list_display = ["id", "type", "created", "received_at", "handled"]
    list_filter = ["type", "handled"]
    search_fields = ["id"]


def codes_as_csv(codes, *, filename):
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.writer(response)
    writer.writerow(["code", "plan", "days", "max_redemptions", "redemptions", "expires_at", "batch"])
    for code in codes:
        writer.writerow(
            [
                services.format_code(code.code),
                code.plan.name if code.plan_id else "",
                code.days or "",
                code.max_redemptions,
                code.redemption_count,
                code.expires_at.isoformat() if code.expires_at else "",
                code.batch,
            ]
        )
    return response
