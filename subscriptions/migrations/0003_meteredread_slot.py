from django.db import migrations, models


def number_existing_reads(apps, schema_editor):
    MeteredRead = apps.get_model("subscriptions", "MeteredRead")
    slots = {}
    for read in MeteredRead.objects.order_by("user_id", "month", "read_at", "pk"):
        key = (read.user_id, read.month)
        slots[key] = slots.get(key, 0) + 1
        read.slot = slots[key]
        read.save(update_fields=["slot"])


class Migration(migrations.Migration):
    dependencies = [("subscriptions", "0002_editors_grant_subscriptions")]

    operations = [
        migrations.AddField(
            model_name="meteredread",
            name="slot",
            field=models.PositiveSmallIntegerField(null=True),
        ),
        migrations.RunPython(number_existing_reads, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="meteredread",
            name="slot",
            field=models.PositiveSmallIntegerField(help_text="1 for the month's first free article, 2 for the second…"),
        ),
        # The slot constraint starts with (user, month): it serves the lookups the index did.
        migrations.RemoveIndex(model_name="meteredread", name="subscriptio_user_id_c90103_idx"),
        migrations.AddConstraint(
            model_name="meteredread",
            constraint=models.UniqueConstraint(fields=("user", "month", "slot"), name="one_read_per_slot"),
        ),
    ]
