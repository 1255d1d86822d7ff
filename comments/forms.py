from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Report
from .rules import MAX_LENGTH, MIN_LENGTH


class CommentForm(forms.Form):
    text = forms.CharField(
        label=_("Votre commentaire"),
        min_length=MIN_LENGTH,
        max_length=MAX_LENGTH,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 5, "maxlength": MAX_LENGTH}),
        help_text=_("*italique*, **gras**, [lien](https://…) et > citation. Entre 2 et 5 000 caractères."),
        error_messages={
            "required": _("Écrivez votre commentaire avant de publier."),
            "min_length": _("Votre commentaire est trop court (au moins %(limit_value)d caractères)."),
            "max_length": _(
                "Votre commentaire est trop long : %(show_value)d caractères pour %(limit_value)d au plus."
            ),
        },
    )


class ReportForm(forms.Form):
    reason = forms.ChoiceField(label=_("Motif"), choices=Report.Reason.choices, widget=forms.RadioSelect)
    note = forms.CharField(label=_("Précision (facultatif)"), max_length=500, required=False)


SORTS = {
    "recents": (("-created_at",), _("Plus récents")),
    "anciens": (("created_at",), _("Plus anciens")),
    "recommandes": (("-recommend_count", "-created_at"), _("Plus recommandés")),
}
DEFAULT_SORT = "recents"
