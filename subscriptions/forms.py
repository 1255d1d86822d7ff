from datetime import timedelta

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Plan, Subscription


class RedeemCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code d'accès"),
        max_length=40,
        help_text=_("Par exemple ABCD-EFGH-JKLM. Les tirets et les espaces sont facultatifs."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}),
    )


class GenerateCodesForm(forms.Form):
    count = forms.IntegerField(label=_("Nombre de codes"), min_value=1, max_value=5000, initial=50)
    plan = forms.ModelChoiceField(label=_("Formule"), queryset=Plan.objects.all(), required=False)
    days = forms.IntegerField(label=_("Ou nombre de jours"), min_value=1, max_value=3650, required=False)
    max_redemptions = forms.IntegerField(label=_("Utilisations par code"), min_value=1, initial=1)
    expires_at = forms.DateTimeField(
        label=_("Expire le"), required=False, widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    batch = forms.CharField(label=_("Nom du lot"), max_length=80, required=False)

    def clean(self):
        data = super().clean()
        if not data.get("plan") and not data.get("days"):
            raise forms.ValidationError(_("Choisissez une formule ou un nombre de jours."))
        return data


class GrantSubscriptionForm(forms.ModelForm):
    """The newsroom offers a subscription: a plan's period or a number of days."""

    days = forms.IntegerField(
        label=_("Ou nombre de jours"), min_value=1, max_value=3650, required=False, help_text=_("À défaut de formule.")
    )

    class Meta:
        model = Subscription
        fields = ["user", "plan", "note"]

    def clean(self):
        data = super().clean()
        if not data.get("plan") and not data.get("days"):
            raise forms.ValidationError(_("Choisissez une formule ou un nombre de jours."))
        return data

    @property
    def duration(self):
        days = self.cleaned_data.get("days") or self.cleaned_data["plan"].days
        return timedelta(days=days)
