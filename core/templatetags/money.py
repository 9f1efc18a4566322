"""Money is stored in 元 and shown in 万元 with two decimals; an abnormal stored value shows as 数值异常."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django import template

from core.numbers import ABNORMAL, quantity_text, wan_text

register = template.Library()


@register.filter
def wan(value: Decimal | int | float | str | None) -> str:
    """12345678.9 元 → "1,234.57" (万元)."""
    return wan_text(value)


@register.filter
def qty(value: Decimal | int | float | str | None, places: int = 4) -> str:
    """A quantity (indicator value, target) without trailing zeros: 2.0000 → "2"; None → "—"."""
    return quantity_text(value, places=int(places))


@register.filter
def percent(value: Decimal | float | None) -> str:
    if value in (None, ""):
        return "—"
    try:
        number = Decimal(str(value))
        if not number.is_finite() or abs(number) >= 10**12:
            return ABNORMAL
        return f"{number * 100:.1f}%"
    except (InvalidOperation, ValueError):
        return ABNORMAL


@register.filter
def cell(value: Any) -> Any:
    """A table cell of already-rounded figures: a Decimal as it is written (2 decimals stay 2), an abnormal one
    (NaN, infinite, beyond 10^20) as 数值异常; anything else unchanged."""
    if isinstance(value, Decimal):
        if not value.is_finite() or abs(value) >= Decimal(10) ** 20:
            return ABNORMAL
        return f"{value:f}"
    return value
