import csv

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import selectors, services
from .forms import GenerateCodesForm, GrantSubscriptionForm
from .models import AccessCode, Plan, Redemption, Subscription


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ["name", "price", "currency", "period", "is_active", "subscribers"]
    list_filter = ["is_active", "period"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        return selectors.plans_with_subscriber_counts()

    @admin.display(description=_("abonnés actifs"), ordering="subscribers")
    def subscribers(self, plan):
        return plan.subscribers


class ActiveFilter(admin.SimpleListFilter):
    title = _("état")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("active", _("en cours")), ("ended", _("terminé")), ("future", _("à venir"))]

    def queryset(self, request, queryset):
        now = timezone.now()
        if self.value() == "active":
            return queryset.active(now)
        if self.value() == "ended":
            return queryset.filter(ends_at__lte=now)
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

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = GrantSubscriptionForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["user", "plan", "days", "note"]
        return ["user", "plan", "starts_at", "ends_at", "origin", "access_code", "granted_by", "note", "created_at"]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return ["user", "plan", "starts_at", "ends_at", "origin", "access_code", "granted_by", "created_at"]

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
