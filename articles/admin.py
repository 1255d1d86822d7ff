from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import Article, Author, RelatedArticle, Section, Source, Tag


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
    autocomplete_fields = ["user"]


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


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["title", "status", "published_at", "section", "source", "access"]
    list_filter = ["status", "section", "source", "access"]
    list_select_related = ["section", "source"]
    search_fields = ["title", "standfirst", "kicker"]
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["authors", "tags"]
    inlines = [RelatedArticleInline]
    readonly_fields = ["created_at", "updated_at", "word_count"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "kicker", "standfirst", "body"]}),
        (_("Image"), {"fields": ["hero_image", "hero_alt", "hero_caption", "hero_credit"]}),
        (_("Classement"), {"fields": ["section", "source", "original_url", "authors", "tags"]}),
        (_("Publication"), {"fields": ["status", "published_at", "access", "teaser_paragraphs", "comments_mode"]}),
        (_("Informations"), {"fields": ["word_count", "created_at", "updated_at"]}),
    ]
