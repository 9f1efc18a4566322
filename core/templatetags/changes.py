"""``{% load changes %}``: ``{{ value|when }}`` (local time, 2026年12月1日 15:40) and ``event|changes`` (the
displayed (label, before, after) rows of an audit event) — see core/changes.py."""

from __future__ import annotations

from typing import Any

from django import template

from core import changes as _changes

register = template.Library()


@register.filter
def when(value: Any) -> str:
    return _changes.when(value)


@register.filter
def readable(value: Any) -> str:
    return _changes.readable(value)


@register.filter
def changes(event: Any) -> list[tuple[str, str, str]]:
    return _changes.event_changes(event)
