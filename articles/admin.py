import difflib

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.options import ActionLocation
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from simple_history.admin import SimpleHistoryAdmin

from infrastructure.admin import RecordAdmin
from infrastructure.ratelimit import allow

from . import aids, services, workflow
from .models import (
    FRONT_PAGE_SLOTS,
    Article,
    ArticleTransition,
    Author,
    FrontPage,
    FrontPageSlot,
    RelatedArticle,
    Section,
    Source,
    Tag,
)
from .rendering import MAX_BODY_LENGTH, count_words, plain_text, render_markdown

PREVIEWS_PER_MINUTE = 60  # the panel asks 400 ms after the editor stops typing


BODY_TOO_COMPLEX = _(
    "La mise en forme de ce texte prenait trop de temps : il est affiché en paragraphes simples. "
    "Simplifiez sa mise en forme (balises HTML, titres, abréviations)."
)


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ["name", "website"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ["name", "position"]
    list_editable = ["position"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Author)
class AuthorAdmin(admin.ModelAdmin):
    list_display = ["name", "user"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    raw_id_fields = ["user"]


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


class RelatedArticleInline(admin.TabularInline):
    model = RelatedArticle
    fk_name = "from_article"
    extra = 1
    autocomplete_fields = ["to_article"]
    fields = ["position", "to_article"]
    verbose_name = _("article connexe choisi")
    verbose_name_plural = _("Articles connexes choisis (dans cet ordre)")


class TransitionInline(admin.TabularInline):
    model = ArticleTransition
    extra = 0
    can_delete = False
    fields = ["created_at", "user", "from_status", "to_status", "publish_at", "note"]
    readonly_fields = fields
    verbose_name_plural = _("Circuit de l'article")

    def has_add_permission(self, request, obj=None):
        return False


class SummaryForm(forms.Form):
    """ "L'essentiel" as an editor writes it: one point per line."""

    public_text = forms.CharField(
        label=_("L'essentiel de la partie publique"),
        widget=forms.Textarea(attrs={"rows": 6, "cols": 100}),
        help_text=_("Un point par ligne. C'est ce que lit tout lecteur qui n'a pas accès à la suite."),
    )
    full_text = forms.CharField(
        label=_("L'essentiel du texte intégral"),
        widget=forms.Textarea(attrs={"rows": 6, "cols": 100}),
        help_text=_("Un point par ligne. Pour les lecteurs qui lisent tout l'article."),
    )

    def __init__(self, *args, gated, **kwargs):
        super().__init__(*args, **kwargs)
        if not gated:
            del self.fields["full_text"]
            self.fields["public_text"].label = _("L'essentiel")
            self.fields["public_text"].help_text = _("Un point par ligne.")


class WorkflowStateFilter(admin.SimpleListFilter):
    title = _("état")
    parameter_name = "etat"

    def lookups(self, request, model_admin):
        return [("programme", _("programmé")), ("en-ligne", _("en ligne"))]

    def queryset(self, request, queryset):
        if self.value() == "programme":
            return queryset.scheduled()
        if self.value() == "en-ligne":
            return queryset.published()
        return queryset


def ready_to_publish(model_admin, request, articles):
    """The articles a bulk "Publier" may publish: those an editor should look at first
    (`workflow.publication_warnings`) are left out, each with a message saying why."""
    ready = []
    for article in articles:
        warnings = workflow.publication_warnings(article)
        if warnings:
            model_admin.message_user(
                request,
                _("« %(title)s » n'est pas publié : %(warnings)s Publiez-le depuis sa fiche après vérification.")
                % {"title": article.title, "warnings": " ".join(str(w) for w in warnings)},
                messages.WARNING,
            )
        else:
            ready.append(article)
    return ready


@admin.register(Article)
class ArticleAdmin(SimpleHistoryAdmin):
    """The newsroom's desk. The status moves only through the workflow's named steps."""

    list_display = ["title", "status", "publication", "section", "source", "access", "created_by"]
    list_filter = ["status", WorkflowStateFilter, "section", "source", "access"]
    list_select_related = ["section", "source", "created_by"]
    search_fields = ["title", "standfirst", "kicker"]
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["authors", "tags"]
    inlines = [RelatedArticleInline, TransitionInline]
    readonly_fields = [
        "status",
        "created_at",
        "updated_at",
        "word_count",
        "reading_time",
        "created_by",
        "reading_aids",
    ]
    actions = ["submit", "publish", "unpublish", "return_to_draft", "recompute_summaries", "rerender_audio"]
    change_form_template = "admin/articles/article/change_form.html"
    history_list_display = ["status", "title"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "kicker", "standfirst", "body", "word_count", "reading_time"]}),
        (_("Image"), {"fields": ["hero_image", "hero_alt", "hero_caption", "hero_credit"]}),
        (_("Classement"), {"fields": ["section", "source", "original_url", "authors", "tags"]}),
        (
            _("Publication"),
            {"fields": ["status", "published_at", "access", "teaser_paragraphs", "comments_mode"]},
        ),
        (_("Aides à la lecture"), {"fields": ["reading_aids"]}),
        (_("Informations"), {"fields": ["created_by", "created_at", "updated_at"]}),
    ]

    # Who sees and edits what ------------------------------------------------------------

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if workflow.can_publish(request.user):
            return queryset
        return queryset.filter(created_by=request.user)

    def has_change_permission(self, request, obj=None):
        if obj is None:
            return super().has_change_permission(request)
        return workflow.can_edit(request.user, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and workflow.can_publish(request.user)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "body":
            kwargs["max_length"] = MAX_BODY_LENGTH
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        # Scheduling is an editor's decision, and once a piece is published its time moves
        # only through the recorded "Reprogrammer" step.
        if not workflow.can_publish(request.user) or (obj is not None and obj.status == Article.Status.PUBLISHED):
            fields.append("published_at")
        return fields

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
        if getattr(obj, "body_shown_as_plain_text", False):
            self.message_user(request, BODY_TOO_COMPLEX, messages.WARNING)

    def get_actions(self, request, action_location=ActionLocation.CHANGE_LIST):
        actions = super().get_actions(request, action_location)
        if not workflow.can_publish(request.user):
            for name in ("publish", "unpublish", "return_to_draft"):
                actions.pop(name, None)
        return actions

    # Columns ------------------------------------------------------------------------------

    @admin.display(description=_("publication"), ordering="published_at")
    def publication(self, article):
        if not article.published_at:
            return "—"
        moment = date_format(timezone.localtime(article.published_at), "SHORT_DATETIME_FORMAT")
        if article.is_scheduled():
            return format_html("<strong>{}</strong> {}", _("Programmé :"), moment)
        return moment

    @admin.display(description=_("temps de lecture"))
    def reading_time(self, article):
        return _("%(minutes)s min") % {"minutes": article.reading_minutes}

    @admin.display(description=_("L'essentiel et l'audio"))
    def reading_aids(self, article):
        if not article.pk:
            return _("Calculés à l'enregistrement.")
        state = (
            _("Vérifié par %(who)s le %(when)s")
            % {
                "who": article.summary_checked_by or "—",
                "when": date_format(timezone.localtime(article.summary_checked_at), "SHORT_DATETIME_FORMAT"),
            }
            if article.summary_is_checked
            else _("Résumé automatique, pas encore vérifié")
        )
        recording = article.audio_for(full=True)
        if recording:
            minutes, seconds = divmod(round(recording[1]), 60)
            sound = _("Audio prêt (%(minutes)s min %(seconds)02d s)") % {"minutes": minutes, "seconds": seconds}
        else:
            sound = _("Audio en préparation (ou article non publié)")
        return format_html(
            '<strong>{}</strong><ul>{}</ul><p>{}</p><p><a href="{}">{}</a></p>',
            state,
            format_html_join("", "<li>{}</li>", ((point,) for point in article.summary_for(full=True))),
            sound,
            reverse("admin:articles_article_reading_aids", args=[article.pk]),
            _("Modifier L'essentiel, le recalculer, refaire l'audio"),
        )

    # Workflow steps -------------------------------------------------------------------

    def _run(self, request, step, articles, **options):
        function, label = workflow.TRANSITIONS[step]
        done = 0
        for article in articles:
            try:
                function(user=request.user, article=article, **options)
                done += 1
            except workflow.TransitionRefused as error:
                self.message_user(request, str(error), messages.ERROR)
        if done:
            self.message_user(request, _("%(label)s : %(count)s article(s).") % {"label": label, "count": done})

    @admin.action(description=_("Soumettre à la relecture"))
    def submit(self, request, queryset):
        self._run(request, "submit", queryset)

    @admin.action(description=_("Publier (ou programmer à leur date)"))
    def publish(self, request, queryset):
        self._run(request, "publish", ready_to_publish(self, request, queryset))

    @admin.action(description=_("Dépublier"))
    def unpublish(self, request, queryset):
        self._run(request, "unpublish", queryset)

    @admin.action(description=_("Renvoyer en brouillon"))
    def return_to_draft(self, request, queryset):
        self._run(request, "return_to_draft", queryset)

    # Reading aids ---------------------------------------------------------------------

    def _aid(self, request, function, articles, done_message):
        done = 0
        for article in articles:
            try:
                function(user=request.user, article=article)
                done += 1
            except aids.AidRefused as error:
                self.message_user(request, f"« {article.title} » : {error}", messages.ERROR)
        if done:
            self.message_user(request, done_message % {"count": done})

    @admin.action(description=_("Recalculer L'essentiel"))
    def recompute_summaries(self, request, queryset):
        self._aid(request, aids.article_summary_recompute, queryset, _("L'essentiel recalculé : %(count)s article(s)."))

    @admin.action(description=_("Refaire l'audio"))
    def rerender_audio(self, request, queryset):
        self._aid(
            request,
            aids.article_audio_rerender,
            queryset,
            _("Audio demandé au traitement de fond : %(count)s article(s)."),
        )

    def reading_aids_view(self, request, pk):
        """ "L'essentiel" of one article, to rewrite (which marks it checked) or compute
        again, and its audio, to make again."""
        article = get_object_or_404(self.get_queryset(request).select_related("audio"), pk=pk)
        if not self.has_change_permission(request, article):
            raise PermissionDenied
        initial = {
            "public_text": "\n".join(article.summary_public),
            "full_text": "\n".join(article.summary_full),
        }
        form = SummaryForm(initial=initial, gated=article.is_gated)
        if request.method == "POST":
            try:
                if "_recompute" in request.POST:
                    aids.article_summary_recompute(user=request.user, article=article)
                    self.message_user(request, _("L'essentiel a été recalculé à partir du texte."))
                    return HttpResponseRedirect(request.path)
                if "_rerender" in request.POST:
                    aids.article_audio_rerender(user=request.user, article=article)
                    self.message_user(request, _("L'audio sera refait par le traitement de fond."))
                    return HttpResponseRedirect(request.path)
                form = SummaryForm(request.POST, gated=article.is_gated)
                if form.is_valid():
                    aids.article_summary_edit(user=request.user, article=article, **form.cleaned_data)
                    self.message_user(request, _("L'essentiel est enregistré et marqué comme vérifié."))
                    return HttpResponseRedirect(request.path)
            except aids.AidRefused as error:
                self.message_user(request, str(error), messages.ERROR)
        context = {
            **self.admin_site.each_context(request),
            "title": _("L'essentiel et l'audio"),
            "article": article,
            "form": form,
            "may_check": workflow.can_publish(request.user),
            "public_audio": article.audio_for(full=False),
            "full_audio": article.audio_for(full=True) if article.is_gated else None,
            "opts": self.opts,
        }
        return render(request, "admin/articles/article/reading_aids.html", context)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context["transitions"] = workflow.available_steps(user=request.user, article=obj) if obj else []
        context["preview_url"] = reverse("articles:preview", kwargs={"slug": obj.slug}) if obj else None
        context["markdown_preview_url"] = reverse("admin:articles_article_markdown_preview")
        return super().render_change_form(request, context, add, change, form_url, obj)

    def response_change(self, request, obj):
        step = request.POST.get("_step")
        if step in workflow.TRANSITIONS:
            warnings = workflow.publication_warnings(obj) if step == "publish" else []
            if warnings:
                context = {
                    **self.admin_site.each_context(request),
                    "title": _("Publier malgré tout ?"),
                    "article": obj,
                    "warnings": warnings,
                    "note": request.POST.get("_note", "")[:300],
                    "opts": self.opts,
                }
                return render(request, "admin/articles/article/confirm_publish.html", context)
            options = {"note": request.POST.get("_note", "")[:300]}
            if step == "reschedule":
                options["at"] = _posted_moment(request.POST.get("_publish_at", ""))
            self._run(request, step, [obj], **options)
            return HttpResponseRedirect(reverse("admin:articles_article_change", args=[obj.pk]))
        return super().response_change(request, obj)

    # Versions: seen by whoever may edit the piece, restored by editors through the workflow.

    def history_view(self, request, object_id, extra_context=None):
        self._article_with_versions(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        """simple-history's version page saved any posted form straight to the article: here
        a version is shown (compared with today's text) and restored only by an editor,
        through the recorded workflow step."""
        article = self._article_with_versions(request, object_id)
        version = _version(article.history.all(), version_id)
        if request.method != "POST":
            return HttpResponseRedirect(
                reverse("admin:articles_article_compare", args=[article.pk]) + f"?a={version.history_id}"
            )
        if not workflow.can_publish(request.user):
            raise PermissionDenied
        try:
            workflow.article_restore_version(
                user=request.user, article=article, version=version, note=request.POST.get("_note", "")[:200]
            )
        except workflow.TransitionRefused as error:
            self.message_user(request, str(error), messages.ERROR)
        else:
            self.message_user(request, _("La version est restaurée."), messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:articles_article_change", args=[article.pk]))

    def _article_with_versions(self, request, object_id):
        article = get_object_or_404(self.get_queryset(request), pk=_identifier(object_id))
        if not workflow.may_see_versions(request.user, article):
            raise PermissionDenied
        return article

    # Live preview and version comparison ------------------------------------------

    def get_urls(self):
        return [
            path(
                "apercu-markdown/",
                self.admin_site.admin_view(require_POST(self.markdown_preview)),
                name="articles_article_markdown_preview",
            ),
            path(
                "<int:pk>/publier/",
                self.admin_site.admin_view(require_POST(self.publish_anyway)),
                name="articles_article_publish_anyway",
            ),
            path(
                "<int:pk>/essentiel/",
                self.admin_site.admin_view(self.reading_aids_view),
                name="articles_article_reading_aids",
            ),
            path(
                "<int:pk>/comparer/",
                self.admin_site.admin_view(self.compare_view),
                name="articles_article_compare",
            ),
            *super().get_urls(),
        ]

    def publish_anyway(self, request, pk):
        """The editor saw the warnings and publishes all the same."""
        article = get_object_or_404(self.get_queryset(request), pk=pk)
        self._run(request, "publish", [article], note=request.POST.get("_note", "")[:300])
        return HttpResponseRedirect(reverse("admin:articles_article_change", args=[article.pk]))

    def markdown_preview(self, request):
        """The body as readers will see it, with its word count, for the editor's side panel.

        Called as the editor types: bounded like every rendering, and per account, so that
        one session cannot keep the server busy (the panel keeps its last preview meanwhile).
        """
        if not self.has_add_permission(request) and not self.has_change_permission(request):
            raise PermissionDenied
        if not allow(f"markdown-preview:{request.user.pk}", limit=PREVIEWS_PER_MINUTE, seconds=60):
            return JsonResponse({"errors": [_("Trop d'aperçus demandés : réessayez dans une minute.")]}, status=429)
        body = request.POST.get("body", "")
        if len(body) > MAX_BODY_LENGTH:
            message = _("Le texte compte %(count)s caractères : %(limit)s au plus.")
            return JsonResponse({"errors": [message % {"count": len(body), "limit": MAX_BODY_LENGTH}]}, status=400)
        html = render_markdown(body)
        words = count_words(plain_text(html))
        answer = {"html": str(html), "words": words, "minutes": max(1, round(words / 230))}
        if html.fell_back:
            answer["errors"] = [str(BODY_TOO_COMPLEX)]
        return JsonResponse(answer)

    def compare_view(self, request, pk):
        """Two saved versions side by side: what changed, field by field."""
        article = self._article_with_versions(request, pk)
        versions = article.history.all()
        newer = _version(versions, request.GET["b"]) if request.GET.get("b") else versions.first()
        older = _version(versions, request.GET["a"]) if request.GET.get("a") else newer.prev_record
        changes = []
        if older and newer:
            for change in newer.diff_against(older).changes:
                old_lines, new_lines = str(change.old or "").splitlines(), str(change.new or "").splitlines()
                table = difflib.HtmlDiff(wrapcolumn=70).make_table(old_lines, new_lines, context=True)
                changes.append({"field": article._meta.get_field(change.field).verbose_name, "table": table})
        context = {
            **self.admin_site.each_context(request),
            "title": _("Comparer deux versions"),
            "article": article,
            "versions": versions,
            "older": older,
            "newer": newer,
            "changes": changes,
            "may_restore": workflow.can_publish(request.user),
            "opts": self.opts,
        }
        return render(request, "admin/articles/article/compare.html", context)


def _identifier(value):
    """An article's or a version's id from the address or the query string; anything else
    ("abc", a number past the database's integers) is a 404, not a 500."""
    if not str(value).isdecimal() or not 0 < int(value) < 2**63:
        raise Http404("No such id")
    return int(value)


def _version(versions, value):
    return get_object_or_404(versions, pk=_identifier(value))


def _posted_moment(value):
    """A datetime-local field's value, in the site's time zone (None if unreadable)."""
    moment = parse_datetime(value.strip()) if value else None
    if moment is not None and timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


@admin.register(ArticleTransition)
class ArticleTransitionAdmin(RecordAdmin):
    list_display = ["created_at", "article", "user", "from_status", "to_status", "publish_at", "note"]
    list_filter = ["to_status"]
    list_select_related = ["article", "user"]
    date_hierarchy = "created_at"


class FrontPageSlotFormSet(forms.BaseInlineFormSet):
    """The places as typed, in their order; the same rules as the service that saves them."""

    def arrangement(self):
        rows = [
            (form.cleaned_data["position"], index, form.cleaned_data["article"])
            for index, form in enumerate(self.forms)
            if form.cleaned_data and not form.cleaned_data.get("DELETE") and form.cleaned_data.get("article")
        ]
        return [article for _position, _index, article in sorted(rows, key=lambda row: row[:2])]

    def clean(self):
        super().clean()
        if not any(form.errors for form in self.forms):
            problems = services.front_page_problems(self.arrangement())
            if problems:
                raise ValidationError(problems)


class FrontPageSlotInline(admin.TabularInline):
    model = FrontPageSlot
    formset = FrontPageSlotFormSet
    fields = ["position", "article"]
    autocomplete_fields = ["article"]
    extra = FRONT_PAGE_SLOTS
    max_num = FRONT_PAGE_SLOTS
    verbose_name = _("place")
    verbose_name_plural = _("L'ouverture (1) puis « À la une » (2 et suivantes)")


@admin.register(FrontPage)
class FrontPageAdmin(admin.ModelAdmin):
    """The editors' front page: one screen, saved through `front_page_arrange()`. Where they
    choose nothing, the newest pieces with an image and a standfirst open the page."""

    inlines = [FrontPageSlotInline]
    fields = ["updated_at", "updated_by"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        front_page = FrontPage.current()
        return HttpResponseRedirect(reverse("admin:articles_frontpage_change", args=[front_page.pk]))

    def save_model(self, request, obj, form, change):
        """Nothing to save on the row itself: `save_related` records the change."""

    def save_related(self, request, form, formsets, change):
        (slots,) = formsets
        services.front_page_arrange(user=request.user, articles=slots.arrangement())

    def construct_change_message(self, request, form, formsets, add=False):
        """The history line: the new order (the slots are replaced, not edited one by one)."""
        (slots,) = formsets
        return " · ".join(f"{position}. {article}" for position, article in enumerate(slots.arrangement(), start=1))
