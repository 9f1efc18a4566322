"""One number-checking kit for every money and quantity input (forms, Excel imports, the API), and safe reading
and display of whatever is stored.

Limits, chosen for a county-level program and documented in docs/architecture.md:

- money: typed in 万元, stored as Decimal 元 with 2 decimals (``MONEY``: 16 digits). One amount (a budget line,
  an adjustment, an amount arrived or spent, an upkeep fund) is at most ``MONEY_MAX_WAN`` = 1,000,000 万元
  (100亿元); web forms take at most 2 decimals of 万元, Excel sheets at most 6 (the exact 分, which the
  downloaded template writes back);
- quantities (indicator values, targets: ``QUANTITY``, 18 digits, 4 decimals): 0 … ``QUANTITY_MAX`` (10^10);
- counts (beneficiaries, reach): whole numbers 0 … ``COUNT_MAX`` (10^9);
- input text of a number: at most ``MAX_INPUT_CHARS`` characters; thousands separators (``,``) and spaces are
  allowed; ``NaN``, ``Infinity``, ``inf`` and exponents (``1e5``) are refused;
- free text: at most ``TEXT_MAX`` characters where the model has no limit.
"""

from __future__ import annotations

import decimal
import math
import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.db import models
from django.utils.functional import cached_property

TEN_THOUSAND = Decimal(10000)
MONEY = {"max_digits": 16, "decimal_places": 2}  # 元
QUANTITY = {"max_digits": 18, "decimal_places": 4}
MONEY_MAX_WAN = Decimal(1_000_000)
QUANTITY_MAX = Decimal(10) ** 10
COUNT_MAX = 1_000_000_000
MAX_INPUT_CHARS = 40
TEXT_MAX = 10_000
ABNORMAL = "数值异常"

_PLAIN = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")
_SEPARATORS = re.compile(r"[,\s\u3000_]")
_NON_FINITE = re.compile(r"[+-]?(?:nan|snan|inf|infinity)", re.IGNORECASE)


class NumberError(ValueError):
    """A refused number; ``message`` is the Chinese text for the user (naming the field)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _plain(value: Decimal) -> str:
    """A Decimal without exponent and without trailing zeros: 1E+6 → "1000000", 0.50 → "0.5"."""
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def parse_decimal(
    raw: Any,
    *,
    field_label: str,
    max_digits: int,
    decimal_places: int,
    min_value: Decimal | int | None = None,
    max_value: Decimal | int | None = None,
) -> Decimal | None:
    """Check one number typed by a user, read from a sheet or posted to the API; ``None`` when empty.

    ``raw`` may be text, an int, a float (spreadsheet cells: rounded to ``decimal_places``) or a Decimal. The
    result has at most ``max_digits`` digits, ``decimal_places`` of them after the point, and lies within
    ``min_value`` … ``max_value``. Raises NumberError with a Chinese message that names ``field_label``."""
    if raw is None or isinstance(raw, bool):
        if raw is None:
            return None
        raise NumberError(f"{field_label}：请填写数字")
    if isinstance(raw, float):
        if not math.isfinite(raw):
            raise NumberError(f"{field_label}：不是有效数字（不接受NaN、无穷大）")
        value = Decimal(repr(raw))
        if abs(value) < Decimal(10) ** (max_digits - decimal_places):
            value = value.quantize(Decimal(1).scaleb(-decimal_places), rounding=ROUND_HALF_UP)
    elif isinstance(raw, int):
        value = Decimal(raw) if abs(raw) < 10**MAX_INPUT_CHARS else Decimal("Infinity")
        if not value.is_finite():
            raise NumberError(f"{field_label}：数字过长")
    elif isinstance(raw, Decimal):
        if not raw.is_finite():
            raise NumberError(f"{field_label}：不是有效数字（不接受NaN、无穷大）")
        value = raw
    else:
        text = str(raw)
        if len(text) > MAX_INPUT_CHARS * 4:
            raise NumberError(f"{field_label}：数字过长（不超过{MAX_INPUT_CHARS}位）")
        text = _SEPARATORS.sub("", text.strip())
        if not text:
            return None
        if len(text) > MAX_INPUT_CHARS:
            raise NumberError(f"{field_label}：数字过长（不超过{MAX_INPUT_CHARS}位）")
        if not _PLAIN.fullmatch(text):
            if _NON_FINITE.fullmatch(text):
                raise NumberError(f"{field_label}：“{text}”不是有效数字（不接受NaN、无穷大）")
            if re.fullmatch(r"[+-]?[0-9.]+[eE][+-]?[0-9]+", text):
                raise NumberError(f"{field_label}：请直接填写数字，不要用科学计数法（“{text}”）")
            raise NumberError(f"{field_label}：“{text}”不是数字")
        value = Decimal(text)
    sign, digits, exponent = value.as_tuple()
    assert isinstance(exponent, int)
    if exponent < -decimal_places:
        if value != value.quantize(Decimal(1).scaleb(-decimal_places), rounding=ROUND_HALF_UP):
            if decimal_places == 0:
                raise NumberError(f"{field_label}：须为整数")
            raise NumberError(f"{field_label}：最多保留{decimal_places}位小数")
        value = value.quantize(Decimal(1).scaleb(-decimal_places))
    if min_value is not None and value < Decimal(min_value):
        if Decimal(min_value) == 0:
            raise NumberError(f"{field_label}：不能为负数")
        raise NumberError(f"{field_label}：不能小于{_plain(Decimal(min_value))}")
    if max_value is not None and value > Decimal(max_value):
        raise NumberError(f"{field_label}：不能大于{_plain(Decimal(max_value))}")
    if abs(value) >= Decimal(10) ** (max_digits - decimal_places):
        raise NumberError(f"{field_label}：数值过大（整数部分不超过{max_digits - decimal_places}位）")
    return value + 0 if value == 0 else value  # -0 → 0


def parse_wan(
    raw: Any,
    *,
    field_label: str,
    decimal_places: int = 2,
    min_wan: Decimal | int | None = 0,
    max_wan: Decimal | int | None = MONEY_MAX_WAN,
) -> Decimal | None:
    """An amount typed in 万元 (at most ``decimal_places`` ≤ 6 decimals), checked, still in 万元."""
    places = min(decimal_places, 6)
    return parse_decimal(
        raw,
        field_label=field_label,
        max_digits=MONEY["max_digits"] - MONEY["decimal_places"] - 4 + places,
        decimal_places=places,
        min_value=min_wan,
        max_value=max_wan,
    )


def parse_money(
    raw: Any,
    *,
    field_label: str,
    decimal_places: int = 2,
    min_wan: Decimal | int | None = 0,
    max_wan: Decimal | int | None = MONEY_MAX_WAN,
) -> Decimal | None:
    """An amount typed in 万元 (at most ``decimal_places`` decimals) → Decimal 元 with 2 decimals."""
    wan = parse_wan(
        raw, field_label=field_label, decimal_places=decimal_places, min_wan=min_wan, max_wan=max_wan
    )
    return None if wan is None else wan_to_yuan(wan)


def wan_to_yuan(wan: Decimal) -> Decimal:
    """An amount in 万元 → Decimal 元 as stored (2 decimals, half-up): the one conversion into storage."""
    return (wan * TEN_THOUSAND).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def yuan_to_wan(yuan: Decimal) -> Decimal:
    """A stored amount in 元 → 万元, unrounded (for spreadsheet cells, which format it); text uses wan_text."""
    return yuan / TEN_THOUSAND


def parse_quantity(
    raw: Any,
    *,
    field_label: str,
    min_value: Decimal | int | None = 0,
    max_value: Decimal | int | None = QUANTITY_MAX,
) -> Decimal | None:
    """An indicator value or target (``QUANTITY`` digits, 0 … 10^10 unless told otherwise)."""
    return parse_decimal(raw, field_label=field_label, **QUANTITY, min_value=min_value, max_value=max_value)


def parse_count(raw: Any, *, field_label: str, max_value: int = COUNT_MAX) -> int | None:
    """A whole number of people or times (0 … 10^9); "12.0" from a sheet is 12."""
    value = parse_decimal(raw, field_label=field_label, max_digits=12, decimal_places=0, min_value=0)
    if value is None:
        return None
    if value > max_value:
        raise NumberError(f"{field_label}：不能大于{max_value}")
    return int(value)


def parse_id(raw: Any, *, field_label: str) -> int:
    """A positive database id from a query string or a form (1 … 2^63-1); anything else is a NumberError."""
    text = str(raw).strip()
    if not re.fullmatch(r"[0-9]{1,19}", text) or not 0 < int(text) < 2**63:
        raise NumberError(f"{field_label}：“{text[:MAX_INPUT_CHARS]}”不是有效的编号")
    return int(text)


# --- reading and showing stored values --------------------------------------------------------------------


def is_sane(value: Any) -> bool:
    """A finite number (stored values can be anything on SQLite, and NaN on PostgreSQL)."""
    if value is None:
        return True
    if isinstance(value, Decimal):
        return value.is_finite()
    if isinstance(value, float):
        return math.isfinite(value)
    return isinstance(value, int)


def safe_quantize(value: Decimal, places: Decimal) -> Decimal:
    """``value.quantize(places)`` that never raises: abnormal values come back as they are."""
    try:
        return value.quantize(places, rounding=ROUND_HALF_UP, context=decimal.Context(prec=60))
    except (InvalidOperation, ValueError, TypeError):
        return value


def as_float(value: Any) -> float | None:
    """For spreadsheets: a stored number as a float, ``None`` when absent or not finite."""
    if value is None:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError, OverflowError):
        return None
    return number if math.isfinite(number) else None


def wan_text(value: Any) -> str:
    """12345678.9 元 → "1,234.57" (万元); "—" when absent; "数值异常" when not a plausible stored number."""
    if value in (None, ""):
        return "—"
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        return ABNORMAL
    if not number.is_finite() or abs(number) >= Decimal(10) ** 20:
        return ABNORMAL
    wan = (number / TEN_THOUSAND).quantize(
        Decimal("0.01"), rounding=ROUND_HALF_UP, context=decimal.Context(prec=40)
    )
    return f"{wan:,.2f}"


def quantity_text(value: Any, *, places: int = 4) -> str:
    """A stored quantity for reading: 2.0000 → "2", 12.5000 → "12.5", 1234.5678 → "1234.5678" (at most
    ``places`` decimals, no trailing zeros, no exponent); "—" when absent; "数值异常" when not plausible."""
    if value in (None, ""):
        return "—"
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        return ABNORMAL
    if not number.is_finite() or abs(number) >= Decimal(10) ** 20:
        return ABNORMAL
    rounded = number.quantize(
        Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP, context=decimal.Context(prec=40)
    )
    return _plain(rounded + 0 if rounded == 0 else rounded)


class DecimalField(models.DecimalField):
    """A model DecimalField whose stored values never crash a read.

    SQLite does not enforce ``max_digits``: a value stored beyond it (or infinite) made Django's converter raise
    InvalidOperation on every query that read the row. This field quantizes with a wide context without traps
    (an out-of-range number comes back as it is, infinity as NaN), so pages can show “数值异常” instead of an
    error. Migrations see a plain ``models.DecimalField``."""

    @cached_property
    def context(self) -> decimal.Context:
        return decimal.Context(prec=max(self.max_digits, 400), traps=[])

    def to_python(self, value: Any) -> Any:
        if isinstance(value, float):  # as Django does, with the field's own precision
            value = decimal.Context(prec=self.max_digits).create_decimal_from_float(value)
        return super().to_python(value)

    def deconstruct(self) -> Any:
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.DecimalField", args, kwargs


class IdConverter:
    """URL converter ``<id:pk>``: a database id (1 … 2^63-1) or month; a larger number does not match (404)
    instead of overflowing the database driver (SQLite's OverflowError, PostgreSQL's integer out of range)."""

    regex = "[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        number = int(value)
        if number >= 2**63:
            raise ValueError(value)
        return number

    def to_url(self, value: int | str) -> str:
        return str(value)
