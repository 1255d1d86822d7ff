from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import InfoPage


@admin.register(InfoPage)
class InfoPageAdmin(admin.ModelAdmin):
    """The publisher's pages. Editors fill in what the seeded ones mark "À compléter par
    l'éditeur"; a new page (terms of sale…) is one more row."""

    list_display = ["title", "slug", "position", "completed", "updated_at"]
    list_editable = ["position"]
    search_fields = ["title", "body"]
    prepopulated_fields = {"slug": ["title"]}
    fieldsets = [
        (None, {"fields": ["title", "slug", "position", "body"]}),
        (_("En anglais"), {"fields": ["title_en", "body_en"]}),
    ]

    @admin.display(description=_("complétée"), boolean=True)
    def completed(self, page):
        return not page.to_complete
