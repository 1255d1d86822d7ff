from allauth.account.forms import SignupForm as AllauthSignupForm
from allauth.mfa.webauthn.forms import AddWebAuthnForm, EditWebAuthnForm
from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.utils.translation import gettext_lazy as _

from newsletters.selectors import morning_newsletter
from newsletters.services import signup_newsletters_request

from .models import User


class SignupForm(AllauthSignupForm):
    """allauth's sign-up, answering in the same time whether the address is known or not.

    For a known address allauth creates nothing and e-mails the owner instead, so the answer
    came back without the password hashing a new account costs (0.03 s against 0.58 s in
    production): enough to tell which addresses have an account. Hash the password typed on
    that path too, as allauth's login does for an unknown address.
    """

    newsletter = forms.BooleanField(label=_("Recevoir La matinale, notre lettre de 7 h"), required=False)

    def try_save(self, request):
        if self.account_already_exists:
            get_user_model()().set_password(self.cleaned_data.get("password1"))
        return super().try_save(request)

    def save(self, request):
        """The letter asked for starts once the address is verified (the opt-in)."""
        user = super().save(request)
        morning = morning_newsletter() if self.cleaned_data.get("newsletter") else None
        if morning:
            signup_newsletters_request(user=user, newsletters=[morning])
        return user


class UserCreationAdminForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ["email"]


class UserChangeAdminForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["display_name", "language", "comment_notifications"]


class DeleteAccountForm(forms.Form):
    password = forms.CharField(
        label=_("Votre mot de passe"), widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )
    confirm = forms.BooleanField(label=_("Je comprends que la suppression est définitive."))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if not user.has_usable_password():
            del self.fields["password"]

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("Ce mot de passe n'est pas le bon."))
        return password


# allauth's passkey forms leave the name field without a label, so Django shows its
# attribute name ("Name") untranslated: ours say it in the reader's language.
PASSKEY_NAME_LABEL = _("Nom de la clé")


class AddPasskeyForm(AddWebAuthnForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].label = PASSKEY_NAME_LABEL


class EditPasskeyForm(EditWebAuthnForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].label = PASSKEY_NAME_LABEL
