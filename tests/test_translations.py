import shutil
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import call_command

PO_FILE = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES" / "django.po"


@pytest.fixture
def fresh_catalog(tmp_path):
    """The English catalog as `makemessages` would write it from today's code; the committed
    file is put back afterwards."""
    if not shutil.which("xgettext"):
        pytest.skip("xgettext (gettext) is not installed")
    backup = tmp_path / "django.po"
    shutil.copy(PO_FILE, backup)
    try:
        call_command(
            "makemessages",
            locale=["en"],
            ignore_patterns=[".venv", "staticfiles", "tests"],
            no_location=True,
            verbosity=0,
        )
        yield polib.pofile(str(PO_FILE))
    finally:
        shutil.copy(backup, PO_FILE)


def test_english_translation_is_complete(fresh_catalog):
    """Every user-facing string in the code has an English translation that is not fuzzy."""
    untranslated = [entry.msgid for entry in fresh_catalog.untranslated_entries()]
    fuzzy = [entry.msgid for entry in fresh_catalog.fuzzy_entries()]
    assert untranslated == [], "Strings without an English translation"
    assert fuzzy == [], "Fuzzy English translations to check"
