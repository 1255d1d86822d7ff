from django.contrib import admin

from .models import Comment


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ["__str__", "article", "author", "status", "created_at"]
    list_filter = ["status"]
    list_select_related = ["article", "author"]
    search_fields = ["body", "author__email"]
    raw_id_fields = ["article", "author", "parent"]
    date_hierarchy = "created_at"
