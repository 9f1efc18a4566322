"""Year and month labels in the page's language: ``{{ program.year|year }}`` → 2021年 / 2021,
``{{ period.month|month }}`` → 6月 / month 6 (one translatable sentence each, no "年"/"月" glued on in templates)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import gettext, pgettext

register = template.Library()


@register.filter(name="year")
def year_label(value: Any) -> str:
    if value in (None, ""):
        return ""
    return pgettext("year label", "%(year)s年") % {"year": value}


@register.filter(name="month")
def month_label(value: Any) -> str:
    if value in (None, ""):
        return ""
    return pgettext("month label", "%(month)s月") % {"month": value}


@register.filter(name="stored_label")
def stored_label(value: Any, context: str = "") -> str:
    """A label the code stored in Chinese inside a snapshot (a letter's 牵头/配合/实施, a funding source 省/区),
    shown in the page's language. The label is a msgid of the catalogue because it is translated where it is made
    (``{% translate '牵头' context 'responsibility role' %}``, the model's choices)."""
    if not isinstance(value, str) or not value:
        return "" if value is None else str(value)
    return pgettext(context, value) if context else gettext(value)


@register.simple_tag(name="colon")
def colon() -> str:
    """The separator after a label: "：" in Chinese, ": " in English (``{% translate "牵头单位" %}{% colon %}``)."""
    return pgettext("label separator", "：")
