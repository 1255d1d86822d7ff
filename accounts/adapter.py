from allauth.account.adapter import DefaultAccountAdapter
from django.utils.translation import get_language


class AccountAdapter(DefaultAccountAdapter):
    def login(self, request, user):
        """Remember the language a reader signs in with: our e-mails to them use it."""
        language = (get_language() or "fr")[:2]
        if user.pk and user.language != language:
            user.language = language
            user.save(update_fields=["language"])
        return super().login(request, user)
