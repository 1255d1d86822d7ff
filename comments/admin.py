from datetime import timedelta

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from django.http import HttpResponseRedirect
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from infrastructure.admin import RecordAdmin

from . import services
from .models import (
    Comment,
    CommenterStanding,
    ModerationLog,
    ModerationSettings,
    PendingComment,
    Report,
    ReportedComment,
)


class ModerationActionForm(ActionForm):
    reason = forms.CharField(label=_("Motif"), required=False, max_length=300)


class ReportedFilter(admin.SimpleListFilter):
    title = _("signalé")
    parameter_name = "signale"

    def lookups(self, request, model_admin):
        return [("oui", _("oui")), ("non", _("non"))]

    def queryset(self, request, queryset):
        if self.value() == "oui":
            return queryset.filter(report_count__gt=0)
        if self.value() == "non":
            return queryset.filter(report_count=0)
        return queryset


class ReportInline(admin.TabularInline):
    model = Report
    extra = 0
    can_delete = False
    fields = ["reason", "note", "user", "created_at"]
    readonly_fields = fields


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    """All comments. Moderators act in bulk; every decision lands in the moderation log."""

    list_display = [
        "excerpt",
        "author_link",
        "article",
        "status",
        "is_featured",
        "recommend_count",
        "report_count",
        "created_at",
    ]
    list_filter = ["status", "is_featured", ReportedFilter]
    list_select_related = ["article", "author"]
    search_fields = ["body", "author__email", "author__display_name", "article__title"]
    date_hierarchy = "created_at"
    # Nothing is edited in place: a decision is a button that calls its service, which
    # logs it and notifies whoever it concerns.
    readonly_fields = [
        "article",
        "author",
        "parent",
        "in_reply_to",
        "body",
        "status",
        "rejection_reason",
        "is_featured",
        "created_at",
        "edited_at",
        "recommend_count",
        "report_count",
        "rendered",
    ]
    fields = [
        "article",
        "author",
        "parent",
        "in_reply_to",
        "rendered",
        "body",
        "status",
        "rejection_reason",
        "is_featured",
        "created_at",
        "edited_at",
        "recommend_count",
        "report_count",
    ]
    inlines = [ReportInline]
    change_form_template = "admin/comments/comment/change_form.html"
    action_form = ModerationActionForm
    actions = ["approve", "reject", "feature", "unfeature", "ban_authors", "suspend_authors", "premoderate_authors"]

    def has_add_permission(self, request):
        return False

    def save_model(self, request, obj, form, change):
        """Every field is read-only: saving the form changes nothing; decisions go through
        `response_change` and the services."""

    def response_change(self, request, obj):
        decision = request.POST.get("_moderate")
        if decision in self.DECISIONS and self.has_change_permission(request, obj):
            action = getattr(self, self.DECISIONS[decision])
            action(request, type(obj).objects.filter(pk=obj.pk))
            return HttpResponseRedirect(request.path)
        return super().response_change(request, obj)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context["decisions"] = self.decisions_for(obj) if obj and self.has_change_permission(request, obj) else []
        return super().render_change_form(request, context, add, change, form_url, obj)

    # The buttons of one comment's page: the same actions as the queues' bulk actions.
    DECISIONS = {"approve": "approve", "reject": "reject", "feature": "feature", "unfeature": "unfeature"}

    def decisions_for(self, comment):
        labels = {
            "approve": _("Approuver"),
            "reject": _("Refuser (motif obligatoire)"),
            "feature": _("Mettre en avant (Choix de la rédaction)"),
            "unfeature": _("Retirer des choix de la rédaction"),
        }
        possible = {
            Comment.Status.PENDING: ["approve", "reject"],
            Comment.Status.PUBLISHED: ["reject", "unfeature" if comment.is_featured else "feature"],
            Comment.Status.REJECTED: ["approve"],
        }.get(comment.status, [])
        return [(decision, labels[decision]) for decision in possible]

    @admin.display(description=_("commentaire"))
    def excerpt(self, comment):
        return comment.body[:120]

    @admin.display(description=_("texte affiché"))
    def rendered(self, comment):
        # body_html was sanitized with nh3 when the comment was saved.
        return format_html("<div>{}</div>", mark_safe(comment.body_html))  # noqa: S308

    @admin.display(description=_("auteur"), ordering="author__email")
    def author_link(self, comment):
        return comment.author or _("Compte supprimé")

    def _reason(self, request):
        return request.POST.get("reason", "").strip()

    @admin.action(description=_("Approuver"), permissions=["change"])
    def approve(self, request, queryset):
        services.comments_approve(moderator=request.user, comments=list(queryset), reason=self._reason(request))
        self.message_user(request, _("Commentaires approuvés."), messages.SUCCESS)

    @admin.action(description=_("Refuser (motif obligatoire)"), permissions=["change"])
    def reject(self, request, queryset):
        reason = self._reason(request)
        if not reason:
            self.message_user(request, _("Indiquez le motif du refus dans le champ « Motif »."), messages.ERROR)
            return
        services.comments_reject(moderator=request.user, comments=list(queryset), reason=reason)
        self.message_user(request, _("Commentaires refusés."), messages.SUCCESS)

    @admin.action(description=_("Mettre en avant (Choix de la rédaction)"), permissions=["change"])
    def feature(self, request, queryset):
        services.comments_feature(moderator=request.user, comments=list(queryset), reason=self._reason(request))
        self.message_user(request, _("Commentaires mis en avant."), messages.SUCCESS)

    @admin.action(description=_("Retirer des choix de la rédaction"), permissions=["change"])
    def unfeature(self, request, queryset):
        services.comments_feature(moderator=request.user, comments=list(queryset), featured=False)
        self.message_user(request, _("Commentaires retirés des choix."), messages.SUCCESS)

    def _authors(self, queryset):
        return {comment.author for comment in queryset.select_related("author") if comment.author}

    @admin.action(description=_("Bannir leurs auteurs des commentaires"), permissions=["change"])
    def ban_authors(self, request, queryset):
        for user in self._authors(queryset):
            services.commenter_ban(moderator=request.user, user=user, reason=self._reason(request))
        self.message_user(request, _("Auteurs bannis."), messages.SUCCESS)

    @admin.action(description=_("Suspendre leurs auteurs 7 jours"), permissions=["change"])
    def suspend_authors(self, request, queryset):
        until = timezone.now() + timedelta(days=7)
        for user in self._authors(queryset):
            services.commenter_suspend(moderator=request.user, user=user, until=until, reason=self._reason(request))
        self.message_user(request, _("Auteurs suspendus pour 7 jours."), messages.SUCCESS)

    @admin.action(description=_("Toujours modérer leurs auteurs a priori"), permissions=["change"])
    def premoderate_authors(self, request, queryset):
        for user in self._authors(queryset):
            services.commenter_premoderate(moderator=request.user, user=user, reason=self._reason(request))
        self.message_user(request, _("Leurs prochains commentaires attendront une validation."), messages.SUCCESS)


@admin.register(PendingComment)
class PendingCommentAdmin(CommentAdmin):
    """The queue of comments waiting for a decision, oldest first."""

    list_filter = ["is_featured"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(status=Comment.Status.PENDING).order_by("created_at")


@admin.register(ReportedComment)
class ReportedCommentAdmin(CommentAdmin):
    """Comments readers reported, most reported first."""

    list_filter = ["status"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(report_count__gt=0).order_by("-report_count", "-created_at")


@admin.register(CommenterStanding)
class CommenterStandingAdmin(admin.ModelAdmin):
    """A reader's standing, changed through the sanctions' services (each logged as what it is)."""

    list_display = ["user", "banned", "suspended_until", "always_premoderate", "reason", "updated_at"]
    list_filter = ["banned", "always_premoderate"]
    search_fields = ["user__email", "user__display_name"]
    raw_id_fields = ["user"]

    def get_readonly_fields(self, request, obj=None):
        return ["user"] if obj else []

    def save_model(self, request, obj, form, change):
        standing = services.commenter_standing_update(
            moderator=request.user,
            user=obj.user,
            banned=obj.banned,
            suspended_until=obj.suspended_until,
            always_premoderate=obj.always_premoderate,
            reason=obj.reason,
        )
        obj.pk = standing.pk


@admin.register(ModerationLog)
class ModerationLogAdmin(RecordAdmin):
    list_display = ["created_at", "actor", "action", "comment", "target", "reason"]
    list_filter = ["action"]
    list_select_related = ["actor", "comment", "target"]
    search_fields = ["reason", "actor__email", "target__email"]
    date_hierarchy = "created_at"


@admin.register(ModerationSettings)
class ModerationSettingsAdmin(admin.ModelAdmin):
    list_display = ["__str__", "mode", "new_commenter_threshold", "reports_before_hold", "close_after_days"]

    def has_add_permission(self, request):
        return not ModerationSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        services.moderation_settings_update(moderator=request.user, rules=obj, changed=form.changed_data)
