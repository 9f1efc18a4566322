from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from catalogue.models import Program, Project
from core.policy import actor_for, restrict
from funding.models import FundingLine, Source
from orgs.models import Organisation
from reporting.models import Period, Report, Status


def current_program(*, user: Any) -> Program | None:
    from catalogue.selectors import program_list

    return (
        program_list(user=user)
        .filter(status=Program.Status.PUBLISHED, periods__isnull=False)
        .distinct()
        .first()
    )


def period_get(*, user: Any, program_pk: int, month: int) -> Period:
    return get_object_or_404(
        restrict(Period.objects.select_related("program"), user, "view"), program_id=program_pk, month=month
    )


def reported_by(unit: Organisation) -> Q:
    """Projects the unit reports on: those it implements, and those it leads that have no implementing units
    (the queryset form of services.reporting_units; combine with .distinct())."""
    return Q(implementing_units=unit) | Q(lead_department=unit, implementing_units__isnull=True)


def unit_projects(*, unit: Organisation, program: Program) -> list[Project]:
    qs = program.projects.filter(reported_by(unit))
    return list(qs.distinct().order_by("order").prefetch_related("indicators"))


@dataclass(slots=True)
class Ref:
    """A light (id, order, name) record of a project."""

    id: int
    order: int
    name: str


def unit_project_refs(*, unit: Organisation, program: Program) -> list[Ref]:
    """The same projects as unit_projects, as light records for checking large sheets."""
    qs = program.projects.filter(reported_by(unit)).distinct().order_by("order")
    return [Ref(*row) for row in qs.values_list("id", "order", "name")]


def unit_sources(*, unit: Organisation, projects: list[Project]) -> dict[int, list[str]]:
    """Sources to show per project: those with a funding line for the unit (or the project), else all."""
    have: dict[int, set[str]] = {}
    for pid, source in (
        FundingLine.objects.filter(project__in=projects)
        .filter(Q(unit=unit) | Q(unit__isnull=True))
        .values_list("project_id", "source")
    ):
        have.setdefault(pid, set()).add(source)
    return {p.id: [s for s in Source.values if s in have.get(p.id, set(Source.values))] for p in projects}


def review_queue(*, user: Any, period: Period) -> QuerySet[Report]:
    """Reports waiting for this user's decision (reporting.rules.awaiting_decision)."""
    from reporting.rules import awaiting_decision

    qs = restrict(Report.objects.filter(period=period), user, "view").select_related("project", "unit")
    waiting = awaiting_decision(user)
    if waiting is False:
        return qs.none()
    return qs if waiting is True else qs.filter(waiting)


def report_get(*, user: Any, pk: int) -> Report:
    qs = restrict(Report.objects.all(), user, "view").select_related(
        "project__lead_department", "unit", "period__program"
    )
    return get_object_or_404(qs, pk=pk)


def todo(*, user: Any) -> list[dict[str, Any]]:
    """In-app reminders for the home page: what this user's unit still has to report or review."""
    from django.urls import reverse
    from django.utils import timezone

    actor = actor_for(user)
    program = current_program(user=user) if not actor.is_public else None
    if program is None:
        return []
    today = timezone.localdate()
    period = (
        program.periods.filter(is_open=True, deadline__gte=today).order_by("month").first()
        or program.periods.filter(is_open=True).order_by("-month").first()
    )
    if period is None:
        return []
    items: list[dict[str, Any]] = []
    if actor.org_id:
        unit = Organisation.objects.get(pk=actor.org_id)
        owed = len(unit_projects(unit=unit, program=program))
        if owed:
            done = (
                Report.objects.filter(period=period, unit=unit)
                .exclude(status__in=(Status.DRAFT, Status.RETURNED))
                .count()
            )
            returned = Report.objects.filter(period=period, unit=unit, status=Status.RETURNED).count()
            if done < owed:
                late = "（已逾期）" if today > period.deadline else ""
                items.append(
                    {
                        "text": f"{period.label}报表：应报{owed}项，已提交{done}项，截止{period.deadline:%m月%d日}{late}",
                        "url": reverse("reporting:fill", args=[program.pk, period.month]),
                        "urgent": bool(late or returned),
                    }
                )
            if returned:
                items.append(
                    {
                        "text": f"有{returned}份报表被退回，请修改后重新提交",
                        "url": reverse("reporting:fill", args=[program.pk, period.month]),
                        "urgent": True,
                    }
                )
    queue = review_queue(user=user, period=period).count()
    if queue:
        items.append(
            {
                "text": f"{period.label}有{queue}份报表待您审核",
                "url": reverse("reporting:review", args=[program.pk, period.month]),
                "urgent": False,
            }
        )
    return items
