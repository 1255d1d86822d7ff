"""The newsroom's groups and their permissions, so no one has to set them up by hand."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CONTENT_MODELS = ["article", "author", "relatedarticle", "section", "source", "tag"]
ROLES = {
    "Editors": [
        (app, f"{action}_{model}")
        for app, models in [("articles", CONTENT_MODELS)]
        for model in models
        for action in ("add", "change", "delete", "view")
    ]
    + [("accounts", "view_user")],
    "Moderators": [("comments", f"{action}_comment") for action in ("change", "delete", "view")],
}


def create_groups(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, permissions in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        for app_label, codename in permissions:
            group.permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("articles", "0001_initial"),
        ("comments", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
