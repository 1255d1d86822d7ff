from django.db import migrations, models
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce


def count_published_comments(apps, schema_editor):
    Article = apps.get_model("articles", "Article")
    Comment = apps.get_model("comments", "Comment")
    published = Comment.objects.filter(article=OuterRef("pk"), status="published").order_by()
    count = published.values("article").annotate(n=Count("pk")).values("n")
    Article.objects.update(comment_count=Coalesce(Subquery(count), 0))


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0004_authors_group_and_publishing"),
        ("comments", "0003_moderators_permissions"),
    ]

    operations = [
        migrations.AddField(
            model_name="article",
            name="comment_count",
            field=models.PositiveIntegerField(default=0, editable=False, verbose_name="commentaires publiés"),
        ),
        migrations.RunPython(count_published_comments, migrations.RunPython.noop),
    ]
