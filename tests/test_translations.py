import shutil
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import call_command

LOCALE = Path(settings.BASE_DIR) / "locale"


@pytest.fixture
def fresh_catalogs(tmp_path):
    """The catalogs as `makemessages` would write them from today's code; the committed
    files are put back afterwards."""
    if not shutil.which("xgettext"):
        pytest.skip("xgettext (gettext) is not installed")
    files = {code: LOCALE / code / "LC_MESSAGES" / "django.po" for code in ("en", "fr")}
    for code, path in files.items():
        shutil.copy(path, tmp_path / f"{code}.po")
    try:
        call_command(
            "makemessages",
            locale=list(files),
            ignore_patterns=[".venv", "staticfiles", "tests"],
            no_location=True,
            verbosity=0,
        )
        yield {code: polib.pofile(str(path)) for code, path in files.items()}
    finally:
        for code, path in files.items():
            shutil.copy(tmp_path / f"{code}.po", path)


def test_english_translation_is_complete(fresh_catalogs):
    """Every user-facing string in the code has an English translation that is not fuzzy."""
    english = fresh_catalogs["en"]
    assert [entry.msgid for entry in english.untranslated_entries()] == []
    assert [entry.msgid for entry in english.fuzzy_entries()] == []


def test_french_catalog_carries_every_plural(fresh_catalogs):
    """French is the source language, but "0 commentaire" needs French plural rules: every
    plural string is in the French catalog, whose Plural-Forms says n > 1."""
    french = fresh_catalogs["fr"]
    assert "plural=(n > 1)" in french.metadata["Plural-Forms"]
    missing = [entry.msgid for entry in french if entry.msgid_plural and not all(entry.msgstr_plural.values())]
    assert missing == []
