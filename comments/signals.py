"""A new or changed comment changes counts and lists on cached pages: retire them."""

from django.db.models.signals import post_delete, post_save

from newsreader.page_cache import invalidate_pages

from .models import Comment


def comments_changed(sender, **kwargs):
    invalidate_pages()


post_save.connect(comments_changed, sender=Comment, dispatch_uid="pages-comment-save")
post_delete.connect(comments_changed, sender=Comment, dispatch_uid="pages-comment-delete")
