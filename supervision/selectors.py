from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from core.policy import restrict
from orgs.models import Organisation
from supervision.models import Finding, Inspection, Supervisor


def findings(*, user: Any, status: str = "", overdue: bool = False) -> QuerySet[Finding]:
    qs = restrict(Finding.objects.all(), user, "view").select_related(
        "responsible", "project", "inspection__supervisor"
    )
    if status:
        qs = qs.filter(status=status)
    if overdue:
        qs = qs.exclude(status=Finding.Status.CLOSED).filter(deadline__lt=timezone.localdate())
    return qs


def inspections(*, user: Any) -> QuerySet[Inspection]:
    return (
        restrict(Inspection.objects.all(), user, "view")
        .select_related("supervisor", "unit")
        .prefetch_related("projects")
    )


def supervisors(*, user: Any) -> QuerySet[Supervisor]:
    return restrict(Supervisor.objects.all(), user, "view").prefetch_related("projects", "units")


@dataclass
class Rate:
    unit: Organisation
    total: int
    closed: int
    overdue: int

    @property
    def rate(self) -> Decimal | None:
        return Decimal(self.closed) / Decimal(self.total) if self.total else None


def rectification_rates(*, user: Any, program_id: int | None = None) -> list[Rate]:
    """Per responsible unit: findings, closed, overdue, and the rectification rate (closed / total) — used by
    evaluation. One grouped query over the findings ``user`` may see."""
    qs = restrict(Finding.objects.all(), user, "view")
    if program_id:
        qs = qs.filter(Q(inspection__program_id=program_id) | Q(project__program_id=program_id))
    today = timezone.localdate()
    rows = qs.values("responsible").annotate(
        total=Count("id"),
        closed=Count("id", filter=Q(status=Finding.Status.CLOSED)),
        overdue=Count("id", filter=~Q(status=Finding.Status.CLOSED) & Q(deadline__lt=today)),
    )
    units = {o.id: o for o in Organisation.objects.filter(id__in=[r["responsible"] for r in rows])}
    rates = [Rate(units[r["responsible"]], r["total"], r["closed"], r["overdue"]) for r in rows]
    return sorted(rates, key=lambda r: (-(r.rate or 0), r.unit.order))
