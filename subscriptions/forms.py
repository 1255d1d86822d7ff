from datetime import timedelta

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import GiftOffer, Plan, Subscription


class TermsMixin(forms.Form):
    """French consumer law: the terms of sale are accepted, knowingly, before paying
    (the template links them beside the box: subscriptions/includes/terms_field.html)."""

    accept_terms = forms.BooleanField(
        label=_("J'ai lu et j'accepte les conditions générales de vente"),
        error_messages={"required": _("Acceptez les conditions générales de vente pour continuer.")},
    )


class CheckoutForm(TermsMixin):
    next = forms.CharField(required=False, widget=forms.HiddenInput)


class GiftForm(TermsMixin):
    offer = forms.ModelChoiceField(
        label=_("Durée offerte"),
        queryset=GiftOffer.objects.filter(is_active=True).exclude(stripe_price_id=""),
        widget=forms.RadioSelect,
        empty_label=None,
    )
    recipient_email = forms.EmailField(label=_("E-mail du destinataire"), help_text=_("Le code lui sera envoyé."))
    recipient_name = forms.CharField(label=_("Son prénom ou son nom"), max_length=80, required=False)
    message = forms.CharField(
        label=_("Un mot pour accompagner le cadeau"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    field_order = ["offer", "recipient_email", "recipient_name", "message", "accept_terms"]


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
