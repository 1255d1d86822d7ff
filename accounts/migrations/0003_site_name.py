"""The site's name in allauth's emails is Newsreader, not example.com."""

from django.db import migrations


def name_site(apps, schema_editor):
    Site = apps.get_model("sites", "Site")
    Site.objects.update_or_create(
        pk=1, defaults={"name": "Newsreader"}, create_defaults={"name": "Newsreader", "domain": "localhost:8000"}
    )


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_newsroom_groups"), ("sites", "0002_alter_domain_unique")]

    operations = [migrations.RunPython(name_site, migrations.RunPython.noop)]
