from datetime import timedelta

from django import forms
from django.utils.translation import gettext_lazy as _

PERIODS = {
    "24h": timedelta(hours=24),
    "semaine": timedelta(days=7),
    "mois": timedelta(days=31),
    "an": timedelta(days=366),
}
QUERY_MAX_LENGTH = 200


class SearchForm(forms.Form):
    """The search page's question. Every field is optional and a wrong value is reported
    beside its field while the rest still applies: a search never fails for a bad filter."""

    q = forms.CharField(label=_("Rechercher"), max_length=QUERY_MAX_LENGTH, required=False)
    rubrique = forms.ChoiceField(label=_("Rubrique"), required=False)
    source = forms.ChoiceField(label=_("Source"), required=False)
    periode = forms.ChoiceField(
        label=_("Période"),
        required=False,
        choices=[
            ("", _("Toutes les dates")),
            ("24h", _("Dernières 24 heures")),
            ("semaine", _("Dernière semaine")),
            ("mois", _("Dernier mois")),
            ("an", _("Dernière année")),
        ],
    )
    tri = forms.ChoiceField(
        label=_("Trier par"),
        required=False,
        choices=[("", _("Pertinence")), ("date", _("Date, les plus récents d'abord"))],
    )

    def __init__(self, *args, sections, sources, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["q"].widget.attrs.update(type="search", placeholder=_("Un mot, « une expression », -sauf"))
        self.fields["rubrique"].choices = [("", _("Toutes les rubriques"))] + [(s["slug"], s["name"]) for s in sections]
        self.fields["source"].choices = [("", _("Toutes les sources"))] + [(s["slug"], s["name"]) for s in sources]
        self._by_slug = {
            "rubrique": {s["slug"]: s["pk"] for s in sections},
            "source": {s["slug"]: s["pk"] for s in sources},
        }

    def question(self):
        """What to search for, from the fields that are valid: the text, the section and
        source ids, the period and the order."""
        self.is_valid()
        data = self.cleaned_data
        return {
            "text": data.get("q", ""),
            "section": self._by_slug["rubrique"].get(data.get("rubrique")),
            "source": self._by_slug["source"].get(data.get("source")),
            "period": PERIODS.get(data.get("periode")),
            "newest_first": data.get("tri") == "date",
        }

    def filtered(self):
        """Whether a filter narrows the search (the empty state then suggests removing it)."""
        data = getattr(self, "cleaned_data", {})
        return any(data.get(name) for name in ("rubrique", "source", "periode"))
