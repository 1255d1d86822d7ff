"""Editors set the gift offers and see gifts, payments and Stripe's events (read only:
those change only through Stripe)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

PERMISSIONS = [f"{action}_giftoffer" for action in ("add", "change", "delete", "view")] + [
    "view_gift",
    "view_payment",
    "view_stripeevent",
]


def grant(apps, schema_editor):
    app_config = apps.get_app_config("subscriptions")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    editors, _ = Group.objects.get_or_create(name="Editors")
    editors.permissions.add(
        *Permission.objects.filter(content_type__app_label="subscriptions", codename__in=PERMISSIONS)
    )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group in Group.objects.filter(name="Editors"):
        group.permissions.remove(
            *Permission.objects.filter(content_type__app_label="subscriptions", codename__in=PERMISSIONS)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("subscriptions", "0004_card_payments_and_gifts"),
        ("accounts", "0002_newsroom_groups"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
