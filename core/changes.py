"""How a change log reads: the one helper every page that shows changes uses (object histories, the audit log,
report transitions, finding steps …).

Stored audit rows keep machine values (choice codes, ISO timestamps, 元 amounts, ids); ``event_changes`` turns
them into what a user reads — the field's label, a choice's label, local time as ``Y年n月j日 H:i``, money in 万元,
the related object's name — and ``when`` formats a timestamp the same way."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import models
from django.utils import dateformat, timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.numbers import MONEY, wan_text

_ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ISO_IN_TEXT = re.compile(
    r"\b\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?\b"
)

#: keys that services write besides model fields: their label, and whether the value is money (元)
EXTRA_KEYS: dict[str, tuple[Any, bool]] = {
    "content_items": (gettext_lazy("建设（实施）内容"), False),
    "budget": (gettext_lazy("预算"), True),
    "adjustment": (gettext_lazy("调整金额"), True),
    "amendment": (gettext_lazy("修订"), False),
    "must_change_password": (gettext_lazy("须修改密码"), False),
    "password": (gettext_lazy("密码"), False),
    "locked_out": (gettext_lazy("登录已锁定"), False),
    "username": (gettext_lazy("账号"), False),
    "ip_address": (gettext_lazy("IP 地址"), False),
    # a report's snapshot (reporting.services._snapshot): its figures by indicator and by funding source
    "values": (gettext_lazy("指标完成值"), False),
    "funds": (gettext_lazy("资金到位与支出"), False),
    # fields declared without a verbose name (Django would show "created by")
    "created_by": (gettext_lazy("创建人"), False),
    "created_by_id": (gettext_lazy("创建人"), False),
    "created_at": (gettext_lazy("创建时间"), False),
    "updated_at": (gettext_lazy("修改时间"), False),
    "uploaded_by": (gettext_lazy("上传人"), False),
    "uploaded_by_id": (gettext_lazy("上传人"), False),
    "uploaded_at": (gettext_lazy("上传时间"), False),
}


def when(value: Any) -> str:
    """A timestamp (datetime, date or ISO text) in local time: 2026年12月1日 15:40; a date: 2026年12月1日."""
    if value in (None, ""):
        return ""
    if isinstance(value, str):
        parsed: Any = parse_datetime(value) if _ISO_DATETIME.match(value) else None
        if parsed is None and _ISO_DATE.match(value):
            parsed = parse_date(value)
        if parsed is None:
            return value
        value = parsed
    if isinstance(value, dt.datetime):
        if timezone.is_naive(value):
            value = timezone.make_aware(value, dt.UTC)
        # Translators: a date and time in change logs (Django date format; 年/月/日 are literal)
        return dateformat.format(timezone.localtime(value), _("Y年n月j日 H:i"))
    if isinstance(value, dt.date):
        # Translators: a date in change logs (Django date format)
        return dateformat.format(value, _("Y年n月j日"))
    return str(value)


def readable(text: Any) -> str:
    """Stored text (an object's name as recorded, a value) with every ISO date or timestamp in it shown as local
    time: "2021-09-01 石台镇" → "2021年9月1日 石台镇"."""
    return _ISO_IN_TEXT.sub(lambda m: when(m.group()), str(text)) if text not in (None, "") else ""


def _is_money(field: Any) -> bool:
    return (
        isinstance(field, models.DecimalField)
        and field.decimal_places == MONEY["decimal_places"]
        and field.max_digits == MONEY["max_digits"]
    )


def _related_name(field: Any, value: Any, cache: dict[tuple[Any, Any], str]) -> str:
    key = (field.related_model, value)
    if key not in cache:
        obj = field.related_model._default_manager.filter(pk=value).first()
        cache[key] = readable(obj) if obj is not None else f"#{value}"
    return cache[key]


def display_value(field: Any, value: Any, *, money: bool = False, cache: dict | None = None) -> str:
    """One stored value as a user reads it, through its model field (``None`` for keys that are not fields)."""
    if value is None or value == "":
        return "—"
    if isinstance(value, list):
        return "、".join(display_value(field, v, money=money, cache=cache) for v in value) or "—"
    if field is not None and getattr(field, "choices", None):
        labels = {str(k): str(v) for k, v in field.flatchoices}
        if str(value) in labels:
            return labels[str(value)]
    if isinstance(value, bool) or isinstance(field, models.BooleanField):
        return _("是") if value else _("否")
    if money or _is_money(field):
        try:
            return f"{wan_text(Decimal(str(value)))} {_('万元')}"
        except (InvalidOperation, ValueError):
            return str(value)
    if field is not None and field.is_relation and field.many_to_one and not isinstance(value, str | dict):
        return _related_name(field, value, cache if cache is not None else {})
    if isinstance(field, models.FileField) and isinstance(
        value, str
    ):  # the file's name, not its storage path
        return value.rsplit("/", 1)[-1]
    if isinstance(value, str):
        return readable(value)
    if isinstance(value, dict):  # a structured snapshot (a letter's content): its keys are no words to show
        return _("（已记录%(n)d项内容）") % {"n": len(value)}
    return str(value)


def _auto_name(field: Any) -> bool:
    """The field has no verbose name of its own (Django made one from the attribute name)."""
    return str(field.verbose_name) == field.name.replace("_", " ")


def _fields(event: Any) -> dict[str, Any]:
    model = event.content_type.model_class() if event.content_type_id else None
    fields: dict[str, Any] = {}
    if model is not None:
        for f in model._meta.get_fields():
            if hasattr(f, "verbose_name"):
                fields[f.name] = f
                fields.setdefault(getattr(f, "attname", f.name), f)
    return fields


def event_changes(event: Any, *, cache: dict | None = None) -> list[tuple[str, str, str]]:
    """(label, before, after) as displayed, for each key of an audit row whose value differs."""
    if cache is None and getattr(event, "_display_changes", None) is not None:
        return event._display_changes
    before, after = event.before or {}, event.after or {}
    fields = _fields(event)
    keys = [k for k in (list(before) + [k for k in after if k not in before]) if k != "id"]
    cache = {} if cache is None else cache
    rows = []
    for k in keys:
        old, new = before.get(k), after.get(k)
        if old == new:
            continue
        field = fields.get(k)
        label, money = EXTRA_KEYS.get(k, (None, False))
        if field is not None and not (label is not None and _auto_name(field)):
            label = field.verbose_name
            if _auto_name(field) and field.is_relation and field.related_model is not None:
                label = field.related_model._meta.verbose_name
        rows.append(
            (
                str(label if label is not None else k),
                display_value(field, old, money=money, cache=cache),
                display_value(field, new, money=money, cache=cache),
            )
        )
    return rows


def changes_attach(events: list[Any], *, known: Any = None) -> list[Any]:
    """Compute the displayed changes of many audit rows at once: the related objects they name are read with one
    query per model (not one per value), then each row keeps its changes for ``event|changes``. ``known``: the
    object whose history this is — the related objects already loaded on it cost no query."""
    cache: dict[tuple[Any, Any], str] = {}
    if known is not None:
        for f in known._meta.concrete_fields:
            if f.is_relation and f.many_to_one and f.is_cached(known):
                related = getattr(known, f.name)
                if related is not None:
                    cache[(f.related_model, related.pk)] = readable(related)
    wanted: dict[Any, set[Any]] = {}
    for event in events:
        fields = _fields(event)
        for data in (event.before or {}, event.after or {}):
            for k, v in data.items():
                f = fields.get(k)
                if f is not None and f.is_relation and f.many_to_one and isinstance(v, int) and not f.choices:
                    if (f.related_model, v) not in cache:
                        wanted.setdefault(f.related_model, set()).add(v)
    for model, pks in wanted.items():
        found = model._default_manager.in_bulk(list(pks))
        for pk in pks:
            cache[(model, pk)] = readable(found[pk]) if pk in found else f"#{pk}"
    for event in events:
        event._display_changes = event_changes(event, cache=cache)
    return events
