"""Money is stored in 元 and shown in 万元 with two decimals."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django import template

register = template.Library()
TEN_THOUSAND = Decimal(10000)


@register.filter
def wan(value: Decimal | int | float | str | None) -> str:
    """12345678.9 元 → "1,234.57" (万元)."""
    if value in (None, ""):
        return "—"
    wan_value = (Decimal(str(value)) / TEN_THOUSAND).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return f"{wan_value:,.2f}"


@register.filter
def percent(value: Decimal | float | None) -> str:
    if value in (None, ""):
        return "—"
    return f"{Decimal(str(value)) * 100:.1f}%"
