"""Authors write and submit their own drafts; Editors also publish and follow the history."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

AUTHORS = [
    "add_article",
    "change_article",
    "view_article",
    "view_author",
    "view_section",
    "view_source",
    "view_tag",
    "add_tag",
    "view_historicalarticle",
    "view_articletransition",
]
EDITORS = ["publish_article", "view_historicalarticle", "view_articletransition"]


def grant(apps, schema_editor):
    app_config = apps.get_app_config("articles")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in (("Authors", AUTHORS), ("Editors", EDITORS)):
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(*Permission.objects.filter(content_type__app_label="articles", codename__in=codenames))


def revoke(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name="Authors").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0003_alter_article_options_article_created_by_and_more"),
        ("accounts", "0002_newsroom_groups"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
