"""La matinale exists from the start (daily at 7:00, Paris time); editors manage the
letters and their editions and see the subscribers and the sends."""

import datetime

from django.contrib.auth.management import create_permissions
from django.db import migrations

PERMISSIONS = [
    *(f"{action}_{model}" for action in ("add", "change", "delete", "view") for model in ("newsletter", "edition")),
    *(f"{action}_editionarticle" for action in ("add", "change", "delete", "view")),
    "view_subscriber",
    "change_subscriber",
    "view_send",
]


def forwards(apps, schema_editor):
    Newsletter = apps.get_model("newsletters", "Newsletter")
    Newsletter.objects.get_or_create(
        slug="la-matinale",
        defaults={
            "name": "La matinale",
            "description": "Les articles à la une, chaque matin.",
            "send_time": datetime.time(7, 0),
            "article_count": 6,
        },
    )
    app_config = apps.get_app_config("newsletters")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    editors, _ = Group.objects.get_or_create(name="Editors")
    editors.permissions.add(*Permission.objects.filter(content_type__app_label="newsletters", codename__in=PERMISSIONS))


def backwards(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group in Group.objects.filter(name="Editors"):
        group.permissions.remove(*Permission.objects.filter(content_type__app_label="newsletters"))


class Migration(migrations.Migration):
    dependencies = [
        ("newsletters", "0001_initial"),
        ("accounts", "0002_newsroom_groups"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
