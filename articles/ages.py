"""Relative ages as a French reader says them: "il y a 8 heures", "il y a 7 jours"."""

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

MINUTE = 60
HOUR = 60 * MINUTE
DAY = 24 * HOUR
# Up to "il y a 7 jours"; from the eighth day on, the date itself.
FULL_DATE_AFTER = 8 * DAY


def relative_age(moment, now=None):
    """A short relative age within a week, the full local date beyond."""
    now = now or timezone.now()
    seconds = int((now - moment).total_seconds())
    if seconds < 0:
        return date_format(timezone.localtime(moment), "DATETIME_FORMAT")
    if seconds < MINUTE:
        return _("à l'instant")
    if seconds < HOUR:
        count = seconds // MINUTE
        return ngettext("il y a %(count)d minute", "il y a %(count)d minutes", count) % {"count": count}
    if seconds < DAY:
        count = seconds // HOUR
        return ngettext("il y a %(count)d heure", "il y a %(count)d heures", count) % {"count": count}
    if seconds < FULL_DATE_AFTER:
        count = seconds // DAY
        return ngettext("il y a %(count)d jour", "il y a %(count)d jours", count) % {"count": count}
    return _("le %(date)s") % {"date": date_format(timezone.localtime(moment), "DATE_FORMAT")}
