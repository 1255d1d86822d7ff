"""A publisher's page changed: every page's footer lists it, so the whole site retires
(see `infrastructure.scopes`)."""

from django.db.models.signals import post_delete, post_save

from infrastructure import scopes
from infrastructure.scopes import content_changed

from .models import InfoPage


def info_page_changed(sender, **kwargs):
    content_changed(scopes.SITE)


post_save.connect(info_page_changed, sender=InfoPage, dispatch_uid="scopes-infopage-save")
post_delete.connect(info_page_changed, sender=InfoPage, dispatch_uid="scopes-infopage-delete")
