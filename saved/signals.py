"""The save an anonymous reader asked for is done once they have signed in: on sign-in, and
on sign-up too (allauth signs the new reader in, which sends the same signal)."""

from django.contrib import messages
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.utils.translation import gettext as _

from .services import pending_save_complete


@receiver(user_logged_in, dispatch_uid="saved.pending_save")
def complete_pending_save(sender, request, user, **kwargs):
    if request is None or not hasattr(request, "session"):
        return
    article = pending_save_complete(session=request.session, user=user)
    if article is not None:
        messages.success(request, _("« %(title)s » est dans Ma liste.") % {"title": article.title})
