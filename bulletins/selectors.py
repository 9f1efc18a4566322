"""Reads of the bulletins: the figures a bulletin is generated from (confirmed data only) and the lists."""

from __future__ import annotations

import calendar
import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet

from bulletins.models import Bulletin, Status
from core.policy import restrict
from reporting.models import Period


def _s(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _rate(a: Decimal, b: Decimal) -> Decimal | None:
    return a / b if b else None


def period_end(period: Period) -> dt.date:
    year = period.program.year
    return dt.date(year, period.month, calendar.monthrange(year, period.month)[1])


def upper_government(period: Period) -> Any:
    """The city or the province whose program ``period`` belongs to (its bulletin ranks its lower governments),
    else None (a district's bulletin ranks its towns and departments). One query."""
    from orgs.models import Level, Organisation

    issuer = Organisation.objects.filter(pk=period.program.issuer_id).select_related("government").first()
    government = issuer.government if issuer is not None else None
    if government is not None and government.level in (Level.CITY, Level.PROVINCE):
        return government
    return None


def _lagging_projects(*, actor: Any, period: Period, districts: list[int]) -> dict[int, list[dict[str, Any]]]:
    """Per district (a city's): its projects behind 序时 this month, from the districts' confirmed Summary totals
    of the programs the policy lets ``actor`` view (published ones). One query."""
    from catalogue.models import Program
    from reporting.models import Summary
    from reporting.rollup import BEHIND_TOLERANCE

    programs = restrict(
        Program.objects.filter(year=period.program.year, issuer__government_id__in=districts), actor, "view"
    ).values("id")
    rows = (
        Summary.objects.filter(
            period__program__in=programs,
            period__month=period.month,
            unit__isnull=True,
            reports_confirmed__gt=0,
            completion__isnull=False,
        )
        .order_by("project__order", "project_id")
        .values_list("period__program__issuer__government_id", "project__name", "completion")
    )
    schedule = Decimal(period.month) / Decimal(12)
    out: dict[int, list[dict[str, Any]]] = {}
    for district, name, completion in rows:
        gap = Decimal(completion) - schedule
        if gap < -BEHIND_TOLERANCE:
            out.setdefault(district, []).append({"name": name, "completion": _s(Decimal(completion))})
    return out


def tree_figures(*, period: Period, actor: Any, government: Any) -> dict[str, Any]:
    """A city's (or the province's) bulletin in figures: its lower governments ranked from the roll-up
    (reporting.governments.tree_table — the districts' confirmed figures only), per district its progress and its
    projects behind 序时. Same shape as ``bulletin_figures`` (``level`` set, ``districts`` the ranking)."""
    from dashboard.governments import tree_kpis
    from orgs.models import Level
    from reporting import governments as tree
    from reporting.rollup import BEHIND_TOLERANCE

    program = period.program
    rows = tree.tree_table(user=actor, government=government, year=program.year, month=period.month)
    kpis = tree_kpis(rows, period.month)
    is_city = government.level == Level.CITY
    lagging = (
        _lagging_projects(actor=actor, period=period, districts=[r.unit.id for r in rows]) if is_city else {}
    )
    districts = [
        {
            "rank": r.rank,
            "name": r.unit.display_name,
            "score": _s(r.score),
            "completion": _s(r.completion),
            "gap": _s(r.gap),
            "arrival": _s(r.arrival_rate),
            "spending": _s(r.spending_rate),
            "confirmed_rate": _s(r.confirmed_rate),
            "confirmed": r.confirmed,
            "owed": r.owed,
            "budget": _s(r.budget),
            "arrived": _s(r.arrived),
            "spent": _s(r.spent),
            "reporting": r.has_figures,
            "behind": r.behind,
            "districts": r.districts,
            "districts_reporting": r.districts_reporting,
            "lagging": lagging.get(r.unit.id, []),
        }
        for r in rows
    ]
    return {
        "year": program.year,
        "month": period.month,
        "noun": program.noun,
        "schedule": _s(kpis.schedule),
        "tolerance": _s(BEHIND_TOLERANCE),
        "level": government.level,
        "government": government.display_name,
        "overview": {
            "governments": kpis.governments,
            "reporting": kpis.reporting,
            "districts": kpis.districts,
            "districts_reporting": kpis.districts_reporting,
            "measured": kpis.districts_reporting,  # the checklist's "any confirmed data"
            "behind": kpis.behind,
            "completion": _s(kpis.completion),
            "budget": _s(kpis.budget),
            "arrived": _s(kpis.arrived),
            "spent": _s(kpis.spent),
            "arrival_rate": _s(kpis.arrival_rate),
            "spending_rate": _s(kpis.spending_rate),
            "findings": 0,
            "findings_overdue": 0,
        },
        "districts": districts,
        "towns": [],
        "departments": [],
        "projects": [],
        "findings": [],
    }


def bulletin_figures(*, period: Period, actor: Any) -> dict[str, Any]:
    """Everything a bulletin says in figures, from confirmed data only, as JSON-ready values (Decimals as
    strings): the 进度表 read model with ``user=None`` (official figures), the ranking of towns and of
    departments (confirmed Summary rows, ``reporting.rollup.ranking``) and the supervision findings not put
    right by the end of the month. A fixed number of queries whatever the number of projects and units.
    A city's or the province's bulletin: ``tree_figures`` (its lower governments, from the roll-up)."""
    from reporting.rollup import BEHIND_TOLERANCE, progress_table, ranking
    from supervision.models import Finding

    government = upper_government(period)
    if government is not None:
        return tree_figures(period=period, actor=actor, government=government)
    program = period.program
    totals = progress_table(user=None, program=program, month=period.month)
    per_unit = progress_table(user=None, program=program, month=period.month, per_unit=True)
    lagging: dict[int, list[dict[str, Any]]] = {}
    no_data: dict[int, int] = {}
    for row in per_unit:
        if row.behind:
            lagging.setdefault(row.project.id, []).append(
                {"name": row.unit.display_name, "completion": _s(row.completion), "gap": _s(row.gap)}
            )
        elif row.completion is None:
            no_data[row.project.id] = no_data.get(row.project.id, 0) + 1
    projects = []
    budget = arrived = spent = Decimal(0)
    completions = []
    for row in totals:
        budget += row.budget_total
        arrived += row.arrived
        spent += row.spent
        if row.completion is not None:
            completions.append(row.completion)
        units = sorted(lagging.get(row.project.id, []), key=lambda u: Decimal(u["gap"]))
        projects.append(
            {
                "name": row.project.name,
                "lead": row.project.lead_department.display_name if row.project.lead_department else "",
                "completion": _s(row.completion),
                "behind": row.behind,
                "budget": _s(row.budget_total),
                "arrived": _s(row.arrived),
                "spent": _s(row.spent),
                "arrival_rate": _s(row.arrival_rate),
                "spending_rate": _s(row.spending_rate),
                "lagging": units,
                "no_data": no_data.get(row.project.id, 0),
            }
        )
    schedule = Decimal(period.month) / Decimal(12)

    def ranked(kind: str) -> list[dict[str, Any]]:
        return [
            {
                "rank": s.rank,
                "name": s.unit.display_name,
                "score": _s(s.score),
                "completion": _s(s.completion),
                "arrival": _s(s.arrival),
                "spending": _s(s.spending),
                "on_time": _s(s.on_time_rate),
            }
            for s in ranking(user=actor, period=period, kind=kind)
        ]

    end = period_end(period)
    open_findings = (
        Finding.objects.filter(Q(project__program=program) | Q(inspection__program=program))
        .filter(Q(closed_at__isnull=True) | Q(closed_at__date__gt=end))
        .filter(Q(inspection__isnull=True) | Q(inspection__date__lte=end))
        .select_related("project", "responsible")
        .order_by("deadline", "id")
        .distinct()
    )
    findings = [
        {
            "project": f.project.name if f.project else "",
            "unit": f.responsible.short_name or f.responsible.name,
            "description": f.description,
            "deadline": f.deadline.isoformat(),
            "overdue": f.deadline < end,
        }
        for f in open_findings
    ]
    measured = [p for p in projects if p["completion"] is not None]
    return {
        "year": program.year,
        "month": period.month,
        "noun": program.noun,
        "schedule": _s(schedule),
        "tolerance": _s(BEHIND_TOLERANCE),
        "overview": {
            "projects": len(projects),
            "measured": len(measured),
            "behind": sum(1 for p in measured if p["behind"]),
            "on_schedule": sum(1 for p in measured if not p["behind"]),
            "completion": _s(sum(completions, Decimal(0)) / len(completions) if completions else None),
            "budget": _s(budget),
            "arrived": _s(arrived),
            "spent": _s(spent),
            "arrival_rate": _s(_rate(arrived, budget)),
            "spending_rate": _s(_rate(spent, arrived)),
            "findings": len(findings),
            "findings_overdue": sum(1 for f in findings if f["overdue"]),
        },
        "towns": ranked("local"),
        "departments": ranked("department"),
        "projects": projects,
        "findings": findings,
    }


def bulletins(*, user: Any) -> QuerySet[Bulletin]:
    return restrict(Bulletin.objects.all(), user, "view").select_related("period__program")


def bulletin_get(*, user: Any, pk: int) -> Bulletin:
    from django.shortcuts import get_object_or_404

    return get_object_or_404(bulletins(user=user), pk=pk)


def public_bulletins() -> QuerySet[Bulletin]:
    """What the portal lists: issued bulletins marked public (the public's scope, asked of the policy)."""
    return bulletins(user=None).filter(status=Status.ISSUED).order_by("-issued_at", "-id")


def periods_for_bulletin(*, user: Any) -> QuerySet[Period]:
    """The periods a bulletin may be generated for: those of the user's own government's published programs (a
    city's bulletin is of its own program, and ranks its districts)."""
    from catalogue.models import Program
    from core.policy import own_government

    own = own_government(user, Period)
    qs = restrict(Period.objects.all(), user, "view")
    if own is False:
        return qs.none()
    if own is not True:
        qs = qs.filter(own)
    return (
        qs.filter(program__status=Program.Status.PUBLISHED)
        .select_related("program")
        .order_by("-program__year", "-month")
    )
