"""Prices as readers of each language write them: "9,99 €" in French, "€9.99" in English."""

from decimal import Decimal

from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext as _

register = template.Library()

SYMBOLS = {"EUR": "€", "USD": "$", "GBP": "£", "CHF": "CHF"}


@register.filter
def money(amount, currency="EUR"):
    """A whole amount drops its cents ("99 €"); the symbol's place is the translation's."""
    if amount is None or amount == "":
        return ""
    amount = Decimal(amount)
    decimals = 0 if amount == amount.to_integral_value() else 2
    number = number_format(amount, decimal_pos=decimals, use_l10n=True, force_grouping=True)
    symbol = SYMBOLS.get((currency or "EUR").upper(), (currency or "").upper())
    # Translators: a price; the English catalog puts the symbol first ("€9.99").
    # (A non-breaking space keeps the amount and the symbol together in French.)
    return _("%(amount)s %(symbol)s") % {"amount": number, "symbol": symbol}
