from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from articles.ages import relative_age

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=ZoneInfo("Europe/Paris"))


@pytest.mark.parametrize(
    ("delta", "french", "english"),
    [
        (timedelta(seconds=20), "à l'instant", "just now"),
        (timedelta(minutes=1), "il y a 1 minute", "1 minute ago"),
        (timedelta(minutes=35), "il y a 35 minutes", "35 minutes ago"),
        (timedelta(hours=1), "il y a 1 heure", "1 hour ago"),
        (timedelta(hours=8, minutes=40), "il y a 8 heures", "8 hours ago"),
        (timedelta(days=1, hours=3), "il y a 1 jour", "1 day ago"),
        (timedelta(days=7), "il y a 7 jours", "7 days ago"),
        (timedelta(days=9), "le 15 novembre 2026", "on Nov. 15, 2026"),
    ],
)
def test_relative_age_in_both_languages(delta, french, english):
    with translation.override("fr"):
        assert relative_age(NOW - delta, now=NOW) == french
    with translation.override("en"):
        assert relative_age(NOW - delta, now=NOW) == english
