"""The English catalogue is complete and the committed .mo is compiled from the committed .po.

After ``make messages`` every new or changed Chinese string must get a checked English translation (no empty
msgstr, no ``#, fuzzy`` guess left behind), and the .mo must be recompiled; obsolete entries do not count.
"""

from __future__ import annotations

import re
from pathlib import Path

import polib
import pytest
from django.conf import settings

LOCALE = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES"
PO = LOCALE / "django.po"
MO = LOCALE / "django.mo"

#: %(name)s / %(n)d / %s, and {name} placeholders.
PLACEHOLDER = re.compile(r"%\([^)]+\)[#0 +-]*\d*(?:\.\d+)?[sdifrx]|%[sdifrx]|\{[A-Za-z_][A-Za-z0-9_]*\}")


@pytest.fixture(scope="module")
def po() -> polib.POFile:
    return polib.pofile(str(PO))


def _live(po: polib.POFile) -> list[polib.POEntry]:
    return [e for e in po if not e.obsolete]


def _label(entry: polib.POEntry) -> str:
    where = ", ".join(f"{path}:{line}" for path, line in entry.occurrences[:2])
    return f"{entry.msgid!r} ({where})"


def test_every_entry_is_translated(po: polib.POFile) -> None:
    missing = []
    for entry in _live(po):
        if entry.msgid_plural:
            if not entry.msgstr_plural or not all(entry.msgstr_plural.values()):
                missing.append(_label(entry))
        elif not entry.msgstr:
            missing.append(_label(entry))
    assert not missing, "untranslated entries in locale/en/LC_MESSAGES/django.po:\n" + "\n".join(missing)


def test_no_fuzzy_entries(po: polib.POFile) -> None:
    fuzzy = [_label(e) for e in _live(po) if "fuzzy" in e.flags]
    assert not fuzzy, "fuzzy entries (check the translation, then remove the flag):\n" + "\n".join(fuzzy)


def test_placeholders_are_kept(po: polib.POFile) -> None:
    wrong = []
    for entry in _live(po):
        wanted = sorted(PLACEHOLDER.findall(entry.msgid_plural or entry.msgid))
        for text in entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]:
            if not text:
                continue
            found = sorted(PLACEHOLDER.findall(text))
            # A singular English form may spell out "one" instead of the number.
            if found != wanted and not (entry.msgid_plural and set(found) < set(wanted)):
                wrong.append(f"{_label(entry)}: {found} instead of {wanted}")
    assert not wrong, "placeholders changed in translations:\n" + "\n".join(wrong)


def _catalogue(entries: list) -> dict[tuple[str | None, str], object]:
    out: dict[tuple[str | None, str], object] = {}
    for entry in entries:
        if not entry.msgid:  # the header
            continue
        if entry.msgid_plural:
            out[(entry.msgctxt, entry.msgid)] = tuple(sorted(entry.msgstr_plural.items()))
        else:
            out[(entry.msgctxt, entry.msgid)] = entry.msgstr
    return out


def test_mo_is_compiled_from_the_po(po: polib.POFile) -> None:
    """What the .po compiles to (translated, not fuzzy, not obsolete) is exactly what the committed .mo holds."""
    expected = _catalogue(po.translated_entries())
    compiled = _catalogue(list(polib.mofile(str(MO))))
    stale = sorted(str(k[1]) for k in expected.keys() - compiled.keys())
    extra = sorted(str(k[1]) for k in compiled.keys() - expected.keys())
    changed = sorted(str(k[1]) for k in expected.keys() & compiled.keys() if expected[k] != compiled[k])
    assert not (stale or extra or changed), (
        "locale/en/LC_MESSAGES/django.mo is out of date; run `make messages` and commit the .mo\n"
        f"missing from the .mo: {stale[:10]}\nonly in the .mo: {extra[:10]}\ntranslated differently: {changed[:10]}"
    )
