"""Retire what a change in the catalogue makes stale, and nothing more (see
`infrastructure.scopes`): an article's own page and the lists when it is saved (and its
audio, when what a published piece says has changed), its page when its audio is ready;
every page when something all pages show changes (a section, a source, an author, a tag)
or an article leaves the site. And keep the search index current: a save that changes what
search reads of an article rewrites its entry, in the same transaction."""

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

from infrastructure import scopes
from infrastructure.scopes import content_changed

from .models import SEARCHED_FIELDS, Article, ArticleAudio, Author, RelatedArticle, Section, Source, Tag
from .search import index_articles
from .tasks import article_audio_request


def article_saved(sender, instance, **kwargs):
    content_changed(scopes.article(instance.pk), scopes.LISTS)
    if getattr(instance, "speech_changed", False) and instance.status == Article.Status.PUBLISHED:
        # What a published (or scheduled) piece says has changed: its audio is stale.
        article_audio_request(article=instance)


def article_text_saved(sender, instance, update_fields=None, raw=False, **kwargs):
    """`update_fields` is what the save wrote: a workflow step (status, time) leaves the index alone."""
    if not raw and (update_fields is None or SEARCHED_FIELDS & set(update_fields)):
        index_articles([instance])


def article_links_changed(sender, instance, action, **kwargs):
    if action.startswith("post_") and isinstance(instance, Article):
        content_changed(scopes.article(instance.pk), scopes.LISTS)
    elif action.startswith("post_"):  # an author or tag gained or lost articles
        content_changed(scopes.SITE)


def audio_changed(sender, instance, **kwargs):
    """The worker finished reading an article aloud: its page shows the player now."""
    content_changed(scopes.article(instance.article_id))


def audio_deleted(sender, instance, **kwargs):
    """An article gone (or its audio record): its files go too, once that is committed."""
    names = [field.name for field in (instance.public_file, instance.full_file) if field]
    storage = instance.public_file.storage
    transaction.on_commit(lambda: [storage.delete(name) for name in names])


def pick_changed(sender, instance, **kwargs):
    content_changed(scopes.article(instance.from_article_id))


def site_wide_change(sender, **kwargs):
    content_changed(scopes.SITE)


post_save.connect(article_saved, sender=Article, dispatch_uid="scopes-article-save")
post_save.connect(article_text_saved, sender=Article, dispatch_uid="search-article-save")
post_delete.connect(site_wide_change, sender=Article, dispatch_uid="scopes-article-delete")
for through in (Article.authors.through, Article.tags.through):
    m2m_changed.connect(article_links_changed, sender=through, dispatch_uid=f"scopes-{through.__name__}")
post_save.connect(audio_changed, sender=ArticleAudio, dispatch_uid="scopes-audio-save")
post_delete.connect(audio_deleted, sender=ArticleAudio, dispatch_uid="audio-files-delete")
post_save.connect(pick_changed, sender=RelatedArticle, dispatch_uid="scopes-pick-save")
post_delete.connect(pick_changed, sender=RelatedArticle, dispatch_uid="scopes-pick-delete")
for model in (Author, Section, Source, Tag):
    post_save.connect(site_wide_change, sender=model, dispatch_uid=f"scopes-{model.__name__}-save")
    post_delete.connect(site_wide_change, sender=model, dispatch_uid=f"scopes-{model.__name__}-delete")
