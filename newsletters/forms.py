from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Newsletter


class NewsletterChoiceField(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs):
        super().__init__(queryset=Newsletter.objects.filter(is_active=True), to_field_name="slug", **kwargs)

    def label_from_instance(self, newsletter):
        return newsletter.name


class SubscribeForm(forms.Form):
    """The letters to receive at an address (the page `/lettres/`, reached from the box
    under articles with the address already typed)."""

    email = forms.EmailField(label=_("Votre adresse e-mail"), widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    lettre = NewsletterChoiceField(
        label=_("Les lettres à recevoir"),
        error_messages={"required": _("Choisissez au moins une lettre.")},
    )


class AccountNewslettersForm(forms.Form):
    lettre = NewsletterChoiceField(label=_("Les lettres que je reçois"), required=False)
