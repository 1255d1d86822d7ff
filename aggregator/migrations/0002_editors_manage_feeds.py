"""Editors manage the sources' feeds and work the "Dépêches à relire" desk."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

PERMISSIONS = [f"{action}_feed" for action in ("add", "change", "delete", "view")] + [
    "view_dispatch",
    "change_dispatch",
]


def grant(apps, schema_editor):
    app_config = apps.get_app_config("aggregator")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    editors, _ = Group.objects.get_or_create(name="Editors")
    editors.permissions.add(*Permission.objects.filter(content_type__app_label="aggregator", codename__in=PERMISSIONS))


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group in Group.objects.filter(name="Editors"):
        group.permissions.remove(*Permission.objects.filter(content_type__app_label="aggregator"))


class Migration(migrations.Migration):
    dependencies = [
        ("aggregator", "0001_initial"),
        ("accounts", "0002_newsroom_groups"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
