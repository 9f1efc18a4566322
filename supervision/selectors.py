from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Min, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.policy import restrict
from core.todo import DANGER, INFO, WARNING, TodoItem
from orgs.models import Organisation
from supervision.models import Finding, Inspection, Photo, Step, Supervisor
from supervision.rules import findings_to_answer, findings_to_verify

#: The to-do queues of findings (``?todo=`` on the list): the rules that define them.
QUEUES = {"answer": findings_to_answer, "verify": findings_to_verify}


def findings(*, user: Any, status: str = "", overdue: bool = False, queue: str = "") -> QuerySet[Finding]:
    qs = restrict(Finding.objects.all(), user, "view").select_related(
        "responsible", "project", "inspection__supervisor"
    )
    if queue in QUEUES:
        waiting = QUEUES[queue](user)
        qs = qs.none() if waiting is False else qs.filter(waiting)
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


def supervisor_of(*, user: Any) -> Supervisor | None:
    """The roster entry of the logged-in user (None if they are not a registered supervisor)."""
    return Supervisor.objects.filter(user=user).first() if user.is_authenticated else None


def inspection_findings(*, inspection: Inspection) -> QuerySet[Finding]:
    """The findings of an inspection read through ``inspections`` (visible with it)."""
    return inspection.findings.select_related("responsible")


def finding_steps(*, finding: Finding) -> QuerySet[Step]:
    """The answer/verify steps of a finding read through ``findings``, with their actors and photos."""
    return finding.steps.select_related("actor").prefetch_related("photos")


def photo_visible(*, user: Any, pk: int) -> Photo | None:
    """The photo, if its inspection or finding is one the user may see (core.policy via the selectors)."""
    photo = Photo.objects.select_related("step").filter(pk=pk).first()
    if photo is None:
        return None
    visible = (photo.inspection_id and inspections(user=user).filter(pk=photo.inspection_id).exists()) or (
        photo.step_id and findings(user=user).filter(pk=photo.step.finding_id).exists()
    )
    return photo if visible else None


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


def todo_items(*, user: Any, today: Any = None) -> list[TodoItem]:
    """The home page's finding queues (see core.todo): findings the user's unit must answer (overdue flagged),
    findings the user must verify. One query per queue."""
    today = today or timezone.localdate()
    items = []
    labels = {"answer": _("问题待整改反馈"), "verify": _("整改待核实销号")}
    for queue, rule_fn in QUEUES.items():
        waiting = rule_fn(user)
        if waiting is False:
            continue
        agg = restrict(Finding.objects.filter(waiting), user, "view").aggregate(
            n=Count("id"), late=Count("id", filter=Q(deadline__lt=today)), first=Min("id")
        )
        n, late = agg["n"], agg["late"] if queue == "answer" else 0
        url = (
            reverse("supervision:finding_detail", args=[agg["first"]])
            if n == 1
            else f"{reverse('supervision:index')}?todo={queue}"
        )
        items.append(
            TodoItem(
                key=f"supervision.{queue}",
                place=_("监督整改"),
                label=labels[queue],
                count=n,
                url=url,
                severity=DANGER if late else (WARNING if n else INFO),
                note=_("%(n)d项已超过整改期限") % {"n": late} if late else "",
            )
        )
    return items
