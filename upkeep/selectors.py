from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Max, QuerySet
from django.utils import timezone

from core.policy import restrict
from upkeep.models import Asset


def assets(*, user: Any) -> QuerySet[Asset]:
    return (
        restrict(Asset.objects.all(), user, "view")
        .select_related("project__program", "custodian")
        .annotate(last_check=Max("checks__date"))
    )


def attention(*, user: Any, today: dt.date | None = None) -> dict[str, list[Asset]]:
    """Assets without a custodian, and assets overdue for a check (never checked counts from registration)."""
    today = today or timezone.localdate()
    rows = list(assets(user=user))
    overdue = []
    for a in rows:
        since = a.last_check or a.created_at.date()
        if (today - since).days > a.check_interval_days:
            overdue.append(a)
    return {"no_custodian": [a for a in rows if a.custodian_id is None], "overdue": overdue}
