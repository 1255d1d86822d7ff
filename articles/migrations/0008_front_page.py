"""The front page as the editors arrange it (its one row, and the Editors' right to change
it), and the word count's French label."""

import django.db.models.deletion
from django.conf import settings
from django.contrib.auth.management import create_permissions
from django.db import migrations, models

EDITORS = [
    "view_frontpage",
    "change_frontpage",
    "view_frontpageslot",
    "add_frontpageslot",
    "change_frontpageslot",
    "delete_frontpageslot",
]


def create_front_page(apps, schema_editor):
    app_config = apps.get_app_config("articles")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0)
    app_config.models_module = None
    apps.get_model("articles", "FrontPage").objects.get_or_create(pk=1)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    editors, _ = Group.objects.get_or_create(name="Editors")
    editors.permissions.add(*Permission.objects.filter(content_type__app_label="articles", codename__in=EDITORS))


class Migration(migrations.Migration):

    dependencies = [
        ('articles', '0007_search'),
        ('accounts', '0002_newsroom_groups'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name='article',
            name='word_count',
            field=models.PositiveIntegerField(default=0, editable=False, verbose_name='nombre de mots'),
        ),
        migrations.CreateModel(
            name='FrontPage',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('updated_at', models.DateTimeField(blank=True, editable=False, null=True, verbose_name='modifiée le')),
                ('updated_by', models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='modifiée par')),
            ],
            options={
                'verbose_name': 'la une',
                'verbose_name_plural': 'la une',
            },
        ),
        migrations.CreateModel(
            name='FrontPageSlot',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('position', models.PositiveSmallIntegerField(help_text="1 : l'ouverture de la page ; 2 et suivantes : « À la une », dans cet ordre.", verbose_name='position')),
                ('article', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='front_page_slots', to='articles.article', verbose_name='article')),
                ('front_page', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='slots', to='articles.frontpage')),
            ],
            options={
                'verbose_name': 'place à la une',
                'verbose_name_plural': 'places à la une',
                'ordering': ['position', 'pk'],
            },
        ),
        migrations.RunPython(create_front_page, migrations.RunPython.noop),
    ]
