from django.contrib import admin


class RecordAdmin(admin.ModelAdmin):
    """For records of what happened (workflow steps, moderation log): read, never edited."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
