"""Every catalogue is complete (no empty or fuzzy entries) and its committed .mo matches its .po."""

from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.utils import translation

ROOT = Path(settings.BASE_DIR)
SHOPPER_LANGUAGES = ("en", "ro", "pl", "ru")
MUST_BE_TRANSLATED = ("ro", "pl", "ru")  # English msgids stand for themselves


def locale_dirs() -> list[Path]:
    """The project catalogue and every app's own."""
    return [ROOT / "locale", *sorted(p for p in ROOT.glob("*/locale") if p.parent.name != "locale")]


def catalogues() -> list[Path]:
    return sorted(p for d in locale_dirs() for p in d.glob("*/LC_MESSAGES/*.po"))


def ids(paths: list[Path]) -> list[str]:
    return [str(p.relative_to(ROOT)) for p in paths]


def test_project_catalogue_exists():
    assert (ROOT / "locale").is_dir()


@pytest.mark.parametrize("locale_dir", locale_dirs(), ids=ids(locale_dirs()))
def test_every_shopper_language_has_a_catalogue(locale_dir):
    missing = [
        lang for lang in SHOPPER_LANGUAGES if not (locale_dir / lang / "LC_MESSAGES" / "django.po").exists()
    ]
    assert not missing, f"{locale_dir.relative_to(ROOT)} lacks {missing}"


@pytest.mark.parametrize("po_path", catalogues(), ids=ids(catalogues()))
def test_catalogue_is_complete(po_path):
    po = polib.pofile(str(po_path))
    language = po_path.parent.parent.name
    fuzzy = [e.msgid for e in po.fuzzy_entries() if not e.obsolete]
    assert not fuzzy, f"fuzzy entries: {fuzzy}"
    if language in MUST_BE_TRANSLATED:
        untranslated = [e.msgid for e in po.untranslated_entries() if not e.obsolete]
        assert not untranslated, f"untranslated entries: {untranslated}"


def as_catalogue(entries) -> dict[tuple[str | None, str], object]:
    catalogue: dict[tuple[str | None, str], object] = {}
    for entry in entries:
        if entry.msgid == "" or entry.obsolete or "fuzzy" in entry.flags:
            continue
        if entry.msgid_plural:
            forms = tuple(sorted((int(k), v) for k, v in entry.msgstr_plural.items()))
            if any(v for _, v in forms):
                catalogue[(entry.msgctxt, entry.msgid)] = forms
        elif entry.msgstr:
            catalogue[(entry.msgctxt, entry.msgid)] = entry.msgstr
    return catalogue


@pytest.mark.parametrize("po_path", catalogues(), ids=ids(catalogues()))
def test_compiled_catalogue_is_up_to_date(po_path, tmp_path):
    mo_path = po_path.with_suffix(".mo")
    assert mo_path.exists(), f"{mo_path.relative_to(ROOT)} is missing: run compilemessages"
    fresh = tmp_path / "fresh.mo"
    fresh.write_bytes(polib.pofile(str(po_path)).to_binary())
    expected = as_catalogue(polib.mofile(str(fresh)))
    committed = as_catalogue(polib.mofile(str(mo_path)))
    assert committed == expected, "the .mo differs from its .po: run compilemessages"


def test_project_strings_are_served_translated():
    for language, expected in {
        "ro": "Cheie API nevalidă.",
        "pl": "Nieprawidłowy klucz API.",
        "ru": "Неверный ключ API.",
        "en": "Invalid API key.",
    }.items():
        with translation.override(language):
            assert translation.gettext("Invalid API key.") == expected
