"""Form widgets that write their HTML in Python instead of through Django's widget templates.

A page with hundreds of inputs (the fill grid: about 300 per unit and month) spends most of its time rendering
``django/forms/widgets/input.html`` and ``attrs.html`` once per input. These widgets give the same markup — the
same element, attributes in the same order, values escaped the same way — from the same pieces Django's own
widget builds (``format_value``, ``build_attrs``: the attrs from the field and the bound field: ``id``,
``required``, ``disabled``, ``aria-invalid``, ``aria-describedby``), without a template render per input.
Validation and cleaning stay Django's: only ``render`` differs.

Each element is written by one ``format_html`` call (every value escaped by it); its format string is made from
the attribute names (which come from code, never from the request: a name that is not a plain attribute name
is refused) and kept per set of names, so a page of 300 inputs builds a handful of format strings."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from django import forms
from django.utils.html import format_html
from django.utils.safestring import SafeString

_NAME = re.compile(r"^[a-zA-Z][a-zA-Z0-9_:.-]*$")


@lru_cache(maxsize=256)
def _template(head: str, names: tuple[tuple[str, bool], ...], tail: str) -> str:
    """``head`` + `` name="{}"`` (or a bare `` name`` for True) per attribute + ``tail``, braces of the fixed
    parts doubled (they are format strings)."""
    pieces = [head]
    for name, bare in names:
        if not _NAME.match(name):
            raise ValueError(f"not an HTML attribute name: {name!r}")
        pieces.append(f" {name}" if bare else f' {name}="{{}}"')
    pieces.append(tail)
    return "".join(pieces)


def _element(head: str, attrs: dict[str, Any], tail: str, *extra: Any) -> SafeString:
    """``attrs.html``: `` name="value"`` each, a bare name for True, nothing for False — in one
    ``format_html`` (``head`` and ``tail`` may hold ``{}`` for ``extra``, written before and after)."""
    names: list[tuple[str, bool]] = []
    values: list[str] = []
    for name, value in attrs.items():
        if value is False:
            continue
        if value is True:
            names.append((name, True))
        else:
            names.append((name, False))
            values.append(str(value))
    n_head = head.count("{}")
    return format_html(_template(head, tuple(names), tail), *extra[:n_head], *values, *extra[n_head:])


class PlainInputMixin:
    """``input.html`` in Python, for any ``forms.Input`` subclass."""

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        shown = self.format_value(value)  # type: ignore[attr-defined]
        final = self.build_attrs(self.attrs, attrs)  # type: ignore[attr-defined]
        kind = self.input_type  # type: ignore[attr-defined]
        if shown is None:
            return _element('<input type="{}" name="{}"', final, ">", kind, name)
        return _element('<input type="{}" name="{}" value="{}"', final, ">", kind, name, str(shown))


class PlainTextInput(PlainInputMixin, forms.TextInput):
    pass


class PlainHiddenInput(PlainInputMixin, forms.HiddenInput):
    pass


class PlainTextarea(forms.Textarea):
    """``textarea.html`` in Python (the newline after the opening tag included, as Django writes it)."""

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        shown = self.format_value(value)
        final = self.build_attrs(self.attrs, attrs)
        return _element('<textarea name="{}"', final, ">\n{}</textarea>", name, shown or "")
