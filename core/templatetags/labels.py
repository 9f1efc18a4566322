"""Year and month labels in the page's language: ``{{ program.year|year }}`` → 2021年 / 2021,
``{{ period.month|month }}`` → 6月 / month 6 (one translatable sentence each, no "年"/"月" glued on in templates)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import pgettext

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
