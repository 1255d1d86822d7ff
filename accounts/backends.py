from allauth.account.auth_backends import AuthenticationBackend
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef


class ReaderBackend(AuthenticationBackend):
    """allauth's backend; loading the signed-in reader also brings what every article page
    asks about them (verified email, commenting standing), in the same single query."""

    def get_user(self, user_id):
        verified = EmailAddress.objects.filter(user=OuterRef("pk"), verified=True)
        user = (
            get_user_model()
            ._default_manager.select_related("commenter_standing")
            .annotate(has_verified_email=Exists(verified))
            .filter(pk=user_id)
            .first()
        )
        return user if user and self.user_can_authenticate(user) else None
