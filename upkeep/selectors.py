from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Max, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from catalogue.models import Project
from core.policy import actor_for, restrict
from core.todo import INFO, WARNING, TodoItem
from upkeep.models import Asset, Check


def assets(*, user: Any) -> QuerySet[Asset]:
    return (
        restrict(Asset.objects.all(), user, "view")
        .select_related("project__program", "custodian")
        .annotate(last_check=Max("checks__date"))
    )


def plannable_projects(*, user: Any) -> QuerySet[Project]:
    """Projects the user may register assets of (core.policy ``plan``), latest program first."""
    return (
        restrict(Project.objects.filter(program__is_sample=False), user, "plan")
        .select_related("program")
        .order_by("-program__year", "order")
    )


def asset_checks(*, asset: Asset) -> QuerySet[Check]:
    """An asset's checks (the asset was read through ``assets``), with the findings they raised."""
    return asset.checks.select_related("finding")


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


def todo_items(*, user: Any, today: dt.date | None = None) -> list[TodoItem]:
    """The home page's upkeep queue (see core.todo): assets the user's unit looks after that are due for a check
    (never checked counts from registration). One query."""
    from orgs.rules import is_unit_staff

    actor = actor_for(user)
    if not is_unit_staff(actor):
        return []
    today = today or timezone.localdate()
    rows = (
        restrict(Asset.objects.filter(custodian_id=actor.org_id), user, "change")
        .annotate(last_check=Max("checks__date"))
        .values_list("pk", "last_check", "created_at", "check_interval_days")
    )
    due = [pk for pk, last, created, days in rows if (today - (last or created.date())).days > days]
    if not rows:
        return []  # the unit looks after no asset: no queue
    url = (
        reverse("upkeep:asset_detail", args=[due[0]])
        if len(due) == 1
        else reverse("upkeep:index") + ("#overdue" if due else "")
    )
    return [
        TodoItem(
            key="upkeep.check",
            place=_("长效管护"),
            label=_("管护资产到期待检查"),
            count=len(due),
            url=url,
            severity=WARNING if due else INFO,
        )
    ]
