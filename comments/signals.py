"""A new or changed comment changes counts and lists on cached pages: retire them."""

from django.db.models.signals import post_delete, post_save

from newsreader.page_cache import invalidate_pages

from .models import Comment, ModerationSettings


def comments_changed(sender, **kwargs):
    invalidate_pages()


post_save.connect(comments_changed, sender=Comment, dispatch_uid="pages-comment-save")
post_delete.connect(comments_changed, sender=Comment, dispatch_uid="pages-comment-delete")


def moderation_rules_changed(sender, created=False, **kwargs):
    if not created:  # the defaults being written for the first time change nothing on any page
        invalidate_pages()


post_save.connect(moderation_rules_changed, sender=ModerationSettings, dispatch_uid="pages-moderation-settings-save")
