from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from articles import workflow
from articles.admin import ready_to_publish
from articles.models import Article, Section

from . import opml, services, tasks
from .fetching import FetchError, checked_address
from .models import Dispatch, Feed


class FeedForm(forms.ModelForm):
    class Meta:
        model = Feed
        fields = [
            "source",
            "url",
            "section",
            "access",
            "paywall_category",
            "paywall_field",
            "full_text",
            "publish_directly",
            "interval",
        ]

    def clean_url(self):
        """Refuse at once an address the importer would refuse (not http, private, unknown)."""
        url = self.cleaned_data["url"]
        try:
            checked_address(url)
        except FetchError as error:
            raise forms.ValidationError(str(error)) from error
        return url

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("paywall_field") and "=" in cleaned["paywall_field"]:
            name = cleaned["paywall_field"].split("=", 1)[0].strip()
            if not name:
                self.add_error("paywall_field", _("Écrivez le nom du champ avant « = »."))
        return cleaned


class FailingFilter(admin.SimpleListFilter):
    title = _("état")
    parameter_name = "etat"

    def lookups(self, request, model_admin):
        return [("erreur", _("en erreur")), ("pause", _("en pause")), ("actif", _("actif"))]

    def queryset(self, request, queryset):
        match self.value():
            case "erreur":
                return queryset.failing()
            case "pause":
                return queryset.filter(is_active=False)
            case "actif":
                return queryset.active()
        return queryset


class OpmlImportForm(forms.Form):
    file = forms.FileField(label=_("Fichier OPML"))
    section = forms.ModelChoiceField(
        Section.objects.all(),
        label=_("Rubrique par défaut"),
        required=False,
        help_text=_("Pour les flux dont le fichier ne dit rien."),
    )
    publish_directly = forms.BooleanField(label=_("Publier directement"), required=False)


@admin.register(Feed)
class FeedAdmin(admin.ModelAdmin):
    """The source newspapers' feeds: what each brings, and how its fetches go.

    The state (active or paused, the fetches) changes only through the buttons, which call
    the services; the form holds the settings."""

    form = FeedForm
    list_display = ["name", "source", "format", "state", "last_fetch", "items", "next_fetch"]
    list_filter = [FailingFilter, "source", "publish_directly", "full_text"]
    list_select_related = ["source"]
    search_fields = ["url", "title", "source__name"]
    autocomplete_fields = ["source"]
    actions = ["import_now", "pause", "resume"]
    change_form_template = "admin/aggregator/feed/change_form.html"
    change_list_template = "admin/aggregator/feed/change_list.html"
    readonly_fields = [
        "title",
        "format",
        "state",
        "last_fetch",
        "items",
        "last_problems",
        "error",
        "next_fetch",
        "created_at",
    ]
    fieldsets = [
        (None, {"fields": ["source", "url", "title", "format"]}),
        (
            _("Ce que le flux apporte"),
            {"fields": ["section", "access", "paywall_category", "paywall_field", "full_text", "publish_directly"]},
        ),
        (_("Relevé"), {"fields": ["interval", "state", "last_fetch", "items", "last_problems", "error", "next_fetch"]}),
        (_("Informations"), {"fields": ["created_at"]}),
    ]

    def save_model(self, request, obj, form, change):
        if not change:
            services.feed_add(feed=obj)
            return
        services.feed_update(feed=obj, changed=form.changed_data)

    # Columns ---------------------------------------------------------------------------------

    @admin.display(description=_("flux"), ordering="title")
    def name(self, feed):
        return feed.title or feed.url

    @admin.display(description=_("état"))
    def state(self, feed):
        if not feed.is_active:
            return _("En pause")
        if feed.is_failing:
            return format_html(
                "<strong>{}</strong>",
                ngettext("En erreur (%(count)s relevé)", "En erreur (%(count)s relevés)", feed.error_count)
                % {"count": feed.error_count},
            )
        return _("Actif")

    @admin.display(description=_("dernier relevé"), ordering="last_fetched_at")
    def last_fetch(self, feed):
        if not feed.last_fetched_at:
            return _("jamais")
        moment = date_format(timezone.localtime(feed.last_fetched_at), "SHORT_DATETIME_FORMAT")
        return f"{moment} · HTTP {feed.last_status}" if feed.last_status else moment

    @admin.display(description=_("items (nouveaux / mis à jour / inchangés / refusés)"))
    def items(self, feed):
        if not feed.last_fetched_at or feed.last_error_at == feed.last_fetched_at:
            return "—"
        return f"{feed.last_new} / {feed.last_updated} / {feed.last_skipped} / {feed.last_errors}"

    @admin.display(description=_("dernière erreur"))
    def error(self, feed):
        if not feed.last_error:
            return _("aucune")
        moment = date_format(timezone.localtime(feed.last_error_at), "SHORT_DATETIME_FORMAT")
        return format_html("{} <br><small>{}</small>", feed.last_error, moment)

    @admin.display(description=_("prochain relevé"), ordering="next_fetch_at")
    def next_fetch(self, feed):
        if not feed.is_active:
            return "—"
        if feed.next_fetch_at <= timezone.now():
            return _("dès que possible")
        return date_format(timezone.localtime(feed.next_fetch_at), "SHORT_DATETIME_FORMAT")

    # Actions: the services ----------------------------------------------------------------

    @admin.action(description=_("Importer maintenant"), permissions=["change"])
    def import_now(self, request, queryset):
        for feed in queryset:
            services.feed_request_import(feed=feed)
        self.message_user(
            request,
            ngettext(
                "Import demandé pour %(count)s flux : le travailleur de fond s'en charge dans un instant.",
                "Import demandé pour %(count)s flux : le travailleur de fond s'en charge dans un instant.",
                queryset.count(),
            )
            % {"count": queryset.count()},
        )

    @admin.action(description=_("Mettre en pause"), permissions=["change"])
    def pause(self, request, queryset):
        for feed in queryset:
            services.feed_pause(feed=feed)
        self.message_user(request, _("%(count)s flux en pause.") % {"count": queryset.count()})

    @admin.action(description=_("Reprendre"), permissions=["change"])
    def resume(self, request, queryset):
        for feed in queryset:
            services.feed_resume(feed=feed)
        self.message_user(request, _("%(count)s flux repris.") % {"count": queryset.count()})

    def get_urls(self):
        def view(function):
            return self.admin_site.admin_view(function)

        return [
            path("<int:pk>/importer/", view(require_POST(self.import_one)), name="aggregator_feed_import"),
            path("<int:pk>/pause/", view(require_POST(self.pause_one)), name="aggregator_feed_pause"),
            path("<int:pk>/reprendre/", view(require_POST(self.resume_one)), name="aggregator_feed_resume"),
            path("opml/export/", view(self.export_opml), name="aggregator_feed_export"),
            path("opml/import/", view(self.import_opml), name="aggregator_feed_import_opml"),
            *super().get_urls(),
        ]

    def _one(self, request, pk, step, message):
        feed = get_object_or_404(Feed, pk=pk)
        if not self.has_change_permission(request, feed):
            raise PermissionDenied
        step(feed=feed)
        self.message_user(request, message % {"feed": feed})
        return HttpResponseRedirect(reverse("admin:aggregator_feed_change", args=[feed.pk]))

    def import_one(self, request, pk):
        return self._one(
            request,
            pk,
            services.feed_request_import,
            _("Import de « %(feed)s » demandé : le travailleur de fond s'en charge dans un instant."),
        )

    def pause_one(self, request, pk):
        return self._one(request, pk, services.feed_pause, _("« %(feed)s » est en pause."))

    def resume_one(self, request, pk):
        return self._one(request, pk, services.feed_resume, _("« %(feed)s » reprend : relevé dans un instant."))

    def changelist_view(self, request, extra_context=None):
        # Should a crashed worker have dropped the polling chain, looking at the feeds restarts it.
        tasks.polling_ensure()
        return super().changelist_view(request, extra_context)

    def export_opml(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        response = HttpResponse(opml.opml_export(feeds=Feed.objects.all()), content_type="text/x-opml; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="flux-{timezone.localdate():%Y%m%d}.opml"'
        return response

    def import_opml(self, request):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = OpmlImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            try:
                report = opml.opml_import(
                    data=form.cleaned_data["file"].read(opml.MAX_BYTES + 1),
                    section=form.cleaned_data["section"],
                    publish_directly=form.cleaned_data["publish_directly"],
                )
            except opml.OpmlError as error:
                form.add_error("file", str(error))
            else:
                self.message_user(
                    request,
                    _("%(added)s flux ajouté(s), %(known)s déjà présent(s), %(refused)s refusé(s).")
                    % {"added": len(report.added), "known": report.known, "refused": len(report.refused)},
                    messages.SUCCESS if not report.refused else messages.WARNING,
                )
                for refusal in report.refused:
                    self.message_user(request, refusal, messages.WARNING)
                return HttpResponseRedirect(reverse("admin:aggregator_feed_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "title": _("Importer des flux (OPML)"),
            "form": form,
            "opts": self.model._meta,
            "changelist_url": reverse("admin:aggregator_feed_changelist"),
        }
        return render(request, "admin/aggregator/feed/import_opml.html", context)


@admin.register(Dispatch)
class DispatchAdmin(admin.ModelAdmin):
    """ "Dépêches à relire": what the feeds brought and an editor has not published yet.

    Publishing goes through the workflow's named step, one by one or in bulk, and is
    recorded like any other; each title opens the article's own page in the admin."""

    list_display = ["headline", "source", "feed", "section", "access", "publication"]
    list_filter = ["source", "section", "access"]
    list_select_related = ["source", "section", "imported_item__feed"]
    search_fields = ["title", "standfirst"]
    actions = ["publish", "return_to_draft"]
    list_per_page = 50

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .filter(status=Article.Status.REVIEW, imported_item__isnull=False)
            .order_by("-published_at", "-pk")
        )

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return workflow.can_publish(request.user) and request.user.has_perm("articles.change_article")

    def has_change_permission(self, request, obj=None):
        return self.has_view_permission(request, obj)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        return HttpResponseRedirect(reverse("admin:articles_article_change", args=[object_id]))

    def changelist_view(self, request, extra_context=None):
        extra_context = {"title": _("Dépêches à relire"), **(extra_context or {})}
        return super().changelist_view(request, extra_context)

    @admin.display(description=_("titre"), ordering="title")
    def headline(self, article):
        return format_html(
            '<a href="{}">{}</a>', reverse("admin:articles_article_change", args=[article.pk]), article.title
        )

    @admin.display(description=_("flux"))
    def feed(self, article):
        return article.imported_item.feed or "—"

    @admin.display(description=_("publication à la source"), ordering="published_at")
    def publication(self, article):
        return date_format(timezone.localtime(article.published_at), "SHORT_DATETIME_FORMAT")

    @admin.action(description=_("Publier"))
    def publish(self, request, queryset):
        done = 0
        for article in ready_to_publish(self, request, queryset):
            try:
                workflow.article_publish(user=request.user, article=article, note=str(_("Depuis les dépêches")))
            except workflow.TransitionRefused as error:
                self.message_user(request, str(error), messages.ERROR)
            else:
                done += 1
        if done:
            self.message_user(
                request,
                ngettext("%(count)s dépêche publiée.", "%(count)s dépêches publiées.", done) % {"count": done},
                messages.SUCCESS,
            )

    @admin.action(description=_("Écarter (renvoyer en brouillon)"))
    def return_to_draft(self, request, queryset):
        done = 0
        for article in queryset:
            try:
                workflow.article_return_to_draft(
                    user=request.user, article=article, note=str(_("Écartée des dépêches"))
                )
            except workflow.TransitionRefused as error:
                self.message_user(request, str(error), messages.ERROR)
            else:
                done += 1
        if done:
            self.message_user(
                request,
                ngettext("%(count)s dépêche écartée.", "%(count)s dépêches écartées.", done) % {"count": done},
            )
