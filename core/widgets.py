"""Form widgets that write their HTML in Python instead of through Django's widget templates.

A page with hundreds of inputs (the fill grid: about 300 per unit and month) spends most of its time rendering
``django/forms/widgets/input.html`` and ``attrs.html`` once per input. These widgets give the same markup — the
same element, attributes in the same order, values escaped the same way — from the context Django's own widget
builds (``get_context``: the value as formatted, the attrs from the field and the bound field: ``id``,
``required``, ``disabled``, ``aria-invalid``, ``aria-describedby``), without a template render per input.
Validation and cleaning stay Django's: only ``render`` differs."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString


def _attrs(attrs: dict[str, Any]) -> SafeString:
    """``attrs.html``: `` name="value"`` each, a bare name for True, nothing for False (escaped by format_html)."""
    pieces = []
    for name, value in attrs.items():
        if value is False:
            continue
        if value is True:
            pieces.append(format_html(" {}", name))
        else:
            pieces.append(format_html(' {}="{}"', name, str(value)))
    return format_html_join("", "{}", ((piece,) for piece in pieces))


class PlainInputMixin:
    """``input.html`` in Python, for any ``forms.Input`` subclass."""

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]  # type: ignore[attr-defined]
        shown = "" if widget["value"] is None else format_html(' value="{}"', str(widget["value"]))
        return format_html(
            '<input type="{}" name="{}"{}{}>', widget["type"], widget["name"], shown, _attrs(widget["attrs"])
        )


class PlainTextInput(PlainInputMixin, forms.TextInput):
    pass


class PlainHiddenInput(PlainInputMixin, forms.HiddenInput):
    pass


class PlainTextarea(forms.Textarea):
    """``textarea.html`` in Python (the newline after the opening tag included, as Django writes it)."""

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        return format_html(
            '<textarea name="{}"{}>\n{}</textarea>',
            widget["name"],
            _attrs(widget["attrs"]),
            widget["value"] or "",
        )
