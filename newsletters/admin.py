import base64
import hashlib
import re

from django.contrib import admin, messages
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import selectors, services
from .mailing import edition_message
from .models import Edition, EditionArticle, Newsletter, Send, Subscriber
from .schedule import schedule_ensure


@admin.register(Newsletter)
class NewsletterAdmin(admin.ModelAdmin):
    list_display = ["name", "section", "frequency", "weekday", "send_time", "article_count", "is_active", "readers"]
    list_editable = ["is_active"]
    list_filter = ["is_active", "frequency"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        return selectors.newsletters_with_counts().select_related("section")

    @admin.display(description=_("inscrits"), ordering="active_subscribers")
    def readers(self, newsletter):
        return newsletter.active_subscribers


class EditionArticleInline(admin.TabularInline):
    model = EditionArticle
    autocomplete_fields = ["article"]
    extra = 1

    def _editable(self, edition):
        return edition is None or edition.is_editable

    def has_add_permission(self, request, obj=None):
        return self._editable(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._editable(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._editable(obj) and super().has_delete_permission(request, obj)


@admin.register(Edition)
class EditionAdmin(admin.ModelAdmin):
    """Editions are put together automatically before their time; editors change the
    pieces, preview the letter as a subscriber and as a non-subscriber would receive it,
    send a test to themselves, and send it now. Once sent it is a record."""

    list_display = ["__str__", "send_at", "status", "previews", "sent_to"]
    list_filter = ["status", "newsletter"]
    date_hierarchy = "send_at"
    inlines = [EditionArticleInline]
    actions = ["send_test", "send_now", "cancel"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("newsletter", "send")

    def changelist_view(self, request, extra_context=None):
        schedule_ensure()  # should a worker killed mid-task have dropped the letters' clock
        return super().changelist_view(request, extra_context)

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and not obj.is_editable:
            return ["newsletter", "date", "send_at", "status"]
        return ["status"]

    @admin.display(description=_("aperçu"))
    def previews(self, edition):
        return format_html(
            '<a href="{}">{}</a> · <a href="{}">{}</a>',
            reverse("admin:newsletters_edition_preview", args=[edition.pk, "abonne"]),
            _("abonné"),
            reverse("admin:newsletters_edition_preview", args=[edition.pk, "non-abonne"]),
            _("non abonné"),
        )

    @admin.display(description=_("destinataires"))
    def sent_to(self, edition):
        send = getattr(edition, "send", None)
        return send.recipients if send else "—"

    def get_urls(self):
        return [
            path(
                "<int:pk>/apercu/<str:reader>/",
                self.admin_site.admin_view(self.preview),
                name="newsletters_edition_preview",
            ),
            *super().get_urls(),
        ]

    def preview(self, request, pk, reader):
        """The letter's HTML exactly as it is mailed, to a subscriber (full text where the
        piece is gated) or to a reader without a subscription (public text only)."""
        if not self.has_view_permission(request):
            return HttpResponse(status=403)
        edition = get_object_or_404(Edition.objects.select_related("newsletter"), pk=pk)
        as_subscriber = reader == "abonne"
        # Staff read everything, as a subscriber does; without the account, public text only.
        subscriber = Subscriber(
            newsletter=edition.newsletter,
            email=request.user.email,
            language=request.user.language,
            user=request.user if as_subscriber else None,
        )
        articles = selectors.edition_articles(edition=edition)
        message, _gated = edition_message(edition=edition, subscriber=subscriber, articles=articles)
        html = message.alternatives[0].content
        response = HttpResponse(html)
        response["Content-Security-Policy"] = email_policy(html)
        return response

    @admin.action(description=_("Envoyer un test à moi-même"), permissions=["view"])
    def send_test(self, request, queryset):
        for edition in queryset.select_related("newsletter"):
            services.edition_send_test(edition=edition, user=request.user)
        self.message_user(request, _("Test envoyé à %(email)s.") % {"email": request.user.email})

    @admin.action(description=_("Envoyer maintenant"), permissions=["change"])
    def send_now(self, request, queryset):
        started = [
            send
            for edition in queryset.select_related("newsletter")
            if (send := services.edition_send(edition=edition, by=request.user))
        ]
        self.message_user(
            request,
            ngettext("%(count)d édition part.", "%(count)d éditions partent.", len(started)) % {"count": len(started)},
            messages.SUCCESS if started else messages.WARNING,
        )

    @admin.action(description=_("Annuler l'envoi prévu"), permissions=["change"])
    def cancel(self, request, queryset):
        done = sum(services.edition_cancel(edition=edition) for edition in queryset)
        self.message_user(
            request, ngettext("%(count)d édition annulée.", "%(count)d éditions annulées.", done) % {"count": done}
        )


def email_policy(html):
    """The preview shows the e-mail as mailed, inline styles and all (mail programs know
    no style sheets): each of its style attributes is allowed by its hash, no script runs."""
    hashes = {
        "'sha256-" + base64.b64encode(hashlib.sha256(style.encode()).digest()).decode() + "'"
        for style in re.findall(r'style="([^"]*)"', html)
    }
    return f"default-src 'none'; img-src https: http: data:; style-src-attr 'unsafe-hashes' {' '.join(sorted(hashes))}"


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Send)
class SendAdmin(ReadOnlyAdmin):
    """The record of each sending: what, to how many, when, and how it went."""

    list_display = ["edition", "recipients", "delivered", "started_at", "finished_at", "started_by"]

    def get_queryset(self, request):
        delivered = Count("edition__deliveries", filter=Q(edition__deliveries__sent_at__isnull=False))
        return (
            super()
            .get_queryset(request)
            .select_related("edition__newsletter", "started_by")
            .annotate(delivered=delivered)
        )

    @admin.display(description=_("remis au serveur"), ordering="delivered")
    def delivered(self, send):
        return send.delivered


@admin.register(Subscriber)
class SubscriberAdmin(ReadOnlyAdmin):
    list_display = ["email", "newsletter", "user", "confirmed_at", "unsubscribed_at"]
    list_filter = ["newsletter"]
    search_fields = ["email"]
    list_select_related = ["newsletter", "user"]
    actions = ["unsubscribe"]

    def has_unsubscribe_permission(self, request):
        return request.user.has_perm("newsletters.change_subscriber")

    @admin.action(description=_("Désinscrire"), permissions=["unsubscribe"])
    def unsubscribe(self, request, queryset):
        for subscriber in queryset:
            services.subscriber_unsubscribe(subscriber=subscriber)
        self.message_user(request, _("Désinscription faite."))
