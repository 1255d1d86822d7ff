"""Moderators work the comment queues, sanctions, the log and the rules: nothing else.
Also writes the default rules, so that they exist from the start."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

PERMISSIONS = {
    "comments": [
        "view_comment",
        "change_comment",
        "view_pendingcomment",
        "change_pendingcomment",
        "view_reportedcomment",
        "change_reportedcomment",
        "view_report",
        "add_commenterstanding",
        "change_commenterstanding",
        "view_commenterstanding",
        "view_moderationlog",
        "change_moderationsettings",
        "view_moderationsettings",
    ],
}


def grant(apps, schema_editor):
    for label in PERMISSIONS:
        app_config = apps.get_app_config(label)
        app_config.models_module = True
        create_permissions(app_config, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    moderators, _ = Group.objects.get_or_create(name="Moderators")
    for label, codenames in PERMISSIONS.items():
        moderators.permissions.add(
            *Permission.objects.filter(content_type__app_label=label, codename__in=codenames)
        )
    # Rejecting keeps a trace; deleting would not.
    moderators.permissions.remove(*Permission.objects.filter(codename="delete_comment"))
    apps.get_model("comments", "ModerationSettings").objects.get_or_create(pk=1)


class Migration(migrations.Migration):
    dependencies = [("comments", "0002_commenterstanding_moderationlog_moderationsettings_and_more"), ("accounts", "0004_user_comment_notifications_user_language")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
