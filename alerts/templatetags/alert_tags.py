"""``{% alert_panel_data user program month as panel %}``: what ``alerts/_panel.html`` shows (the dashboard
includes that template with a user, a program and a month)."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.simple_tag
def alert_panel_data(user: Any, program: Any = None, month: Any = None, limit: int = 8) -> dict[str, Any]:
    from alerts.selectors import alert_counts, alerts_for

    try:
        month = int(month) if month not in (None, "") else None
    except (TypeError, ValueError):
        month = None
    alerts = alerts_for(user=user, program=program or None, month=month)
    return {
        "alerts": alerts[: int(limit)],
        "counts": alert_counts(alerts),
        "more": max(len(alerts) - int(limit), 0),
    }
