"""Keep cached navigation and anonymous pages fresh when the newsroom changes content."""

from django.db.models.signals import post_delete, post_save

from newsreader.page_cache import invalidate_pages

from .models import Article, Author, Section, Source, Tag


def content_changed(sender, **kwargs):
    invalidate_pages()


for model in (Article, Author, Section, Source, Tag):
    post_save.connect(content_changed, sender=model, dispatch_uid=f"pages-{model.__name__}-save")
    post_delete.connect(content_changed, sender=model, dispatch_uid=f"pages-{model.__name__}-delete")
