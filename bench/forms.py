"""A page's POST forms read as a browser would send them (for the rush; no locust import here).

Parsed with lxml (a C parser, already installed for python-docx): the rush's client shares the server's cores, and
the standard library's ``HTMLParser`` spent ≈ 16 ms of them on each 300-field fill page, against ≈ 3 ms here."""

from __future__ import annotations

import lxml.html

_SKIPPED = ("submit", "button", "file", "image", "reset")


def post_forms(html: str) -> list[list[tuple[str, str]]]:
    """The fields of each POST form of a page, in document order, as a browser would send them (no button;
    unchecked boxes left out; a text field without a value sent empty; a textarea's text stripped)."""
    forms = []
    for form in lxml.html.fromstring(html).forms:
        if (form.get("method") or "").lower() != "post":
            continue
        fields: list[tuple[str, str]] = []
        for el in form.iter("input", "textarea", "select"):
            name = el.get("name")
            if not name:
                continue
            if el.tag == "input":
                kind = (el.get("type") or "text").lower()
                if kind in _SKIPPED or (kind in ("checkbox", "radio") and el.get("checked") is None):
                    continue
                fields.append((name, el.get("value") or ""))
            elif el.tag == "textarea":
                fields.append((name, (el.text or "").strip()))
            else:
                fields += [
                    (name, o.get("value") or "") for o in el.iter("option") if o.get("selected") is not None
                ]
        forms.append(fields)
    return forms


def form_fields(html: str) -> list[tuple[str, str]]:
    """The fill form's fields: the POST form that carries report versions."""
    for fields in post_forms(html):
        if any(name.endswith("-version") for name, _ in fields):
            return fields
    return []
