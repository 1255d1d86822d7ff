"""A comment written, moderated or deleted changes its article's count and its page.

Signals, because the count is derived data that must follow every write, whichever path
made it (a service, a cascade, a factory in a test); what the change *means* (notifying,
logging) stays in `services`.
"""

from django.db.models.signals import post_delete, post_save

from infrastructure import scopes
from infrastructure.scopes import content_changed

from .models import Comment, ModerationSettings
from .services import article_comment_count_refresh


def comment_changed(sender, instance, **kwargs):
    article_comment_count_refresh(article_id=instance.article_id)
    content_changed(scopes.article(instance.article_id))


post_save.connect(comment_changed, sender=Comment, dispatch_uid="comment-save")
post_delete.connect(comment_changed, sender=Comment, dispatch_uid="comment-delete")


def moderation_rules_changed(sender, created=False, **kwargs):
    if not created:  # the defaults being written for the first time change nothing on any page
        content_changed(scopes.MODERATION)


post_save.connect(moderation_rules_changed, sender=ModerationSettings, dispatch_uid="moderation-settings-save")
