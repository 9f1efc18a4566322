from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from catalogue.models import Program, Project
from core.policy import actor_for, restrict
from core.todo import DANGER, INFO, WARNING, TodoItem, TodoPart
from funding.models import FundingLine, Source
from orgs.models import Organisation
from reporting.models import Period, Report, Status
from reporting.rules import reported_by


def current_program(*, user: Any) -> Program | None:
    """The program a user works on by default: the latest published one with reporting periods — of the user's
    own government first (another government's published program is public, not the user's work)."""
    from catalogue.selectors import program_list
    from core.policy import own_government

    programs = (
        program_list(user=user).filter(status=Program.Status.PUBLISHED, periods__isnull=False).distinct()
    )
    own = own_government(user, Program)
    if not isinstance(own, bool):
        mine = programs.filter(own).first()
        if mine is not None:
            return mine
    return programs.first()


def period_get(*, user: Any, program_pk: int, month: int) -> Period:
    return get_object_or_404(
        restrict(Period.objects.select_related("program"), user, "view"), program_id=program_pk, month=month
    )


def unit_projects(*, unit: Organisation, program: Program) -> list[Project]:
    from responsibility.models import Indicator

    qs = program.projects.filter(reported_by(unit))
    # each project's indicators in the model's order (project, order, id) without its join through the project
    # to the program (the same rows per project; at province scale PostgreSQL answered the join by a hash over
    # every project: 2.2 ms of a fill page's reads)
    indicators = Prefetch("indicators", queryset=Indicator.objects.order_by("project_id", "order", "id"))
    return list(qs.distinct().order_by("order").prefetch_related(indicators))


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
    every = list(Source.values)  # an enum's values are rebuilt on each access: once here
    return {p.id: [s for s in every if s in have.get(p.id, every)] for p in projects}


def review_queue(*, user: Any, period: Period) -> QuerySet[Report]:
    """Reports waiting for this user's decision (reporting.rules.awaiting_decision)."""
    from reporting.rules import awaiting_decision

    qs = restrict(Report.objects.filter(period=period), user, "view").select_related("project", "unit")
    waiting = awaiting_decision(user)
    if waiting is False:
        return qs.none()
    return qs if waiting is True else qs.filter(waiting)


def reports_for_decision(*, user: Any, ids: list[int]) -> list[Report]:
    """The reports among ``ids`` this user may view, locked for the decision (select_for_update)."""
    qs = restrict(Report.objects.filter(pk__in=ids), user, "view")
    locked = Report.objects.select_for_update(of=("self",)).filter(pk__in=qs.values("pk")).order_by("pk")
    return list(locked.select_related("project__lead_department", "unit", "period__program"))


def report_get(*, user: Any, pk: int) -> Report:
    qs = restrict(Report.objects.all(), user, "view").select_related(
        "project__lead_department", "unit", "period__program"
    )
    return get_object_or_404(qs, pk=pk)


def _due_periods(periods: list[Period], year: int, today: dt.date) -> list[Period]:
    """The periods whose month has begun (a period is filled at the end of its month, due by its deadline)."""
    return [p for p in periods if dt.date(year, p.month, 1) <= today]


def current_period(periods: list[Period], today: dt.date) -> Period | None:
    """The period being reported now: the first open one not yet past its deadline, else the latest open one,
    else the latest (None without periods)."""
    if not periods:
        return None
    open_ = [p for p in periods if p.is_open] or periods
    return next((p for p in open_ if p.deadline >= today), open_[-1])


def todo_items(*, user: Any, today: dt.date | None = None) -> list[TodoItem]:
    """The home page's reporting queues (see core.todo): reports this user's unit still has to fill (by month,
    overdue flagged), reports sent back, and reports waiting for this user's review or confirmation
    (``rules.awaiting_by_step``). Five queries whatever the number of reports."""
    from django.urls import reverse
    from django.utils import timezone

    from orgs.rules import is_unit_staff
    from reporting.rules import (
        CONFIRM,
        EDITABLE,
        REVIEW,
        awaiting_by_step,
        awaiting_decision,
        may_see_rollup,
    )

    actor = actor_for(user)
    if actor.is_public:
        return []
    program = current_program(user=user)
    if program is None:
        return []
    if actor.government_id is not None and program.issuer.government_id != actor.government_id:
        # no program of the user's own government is being reported on: another government's reports are
        # decided by its own 民生办; a city's or the province's staff follow them in the roll-up
        return (
            [
                TodoItem(
                    key="reporting.tree",
                    place=_("逐级汇总"),
                    label=_("下级政府已确认的进度与排名"),
                    count=0,
                    url=reverse("reporting:tree_index"),
                    severity=INFO,
                )
            ]
            if may_see_rollup(user)
            else []
        )
    today = today or timezone.localdate()
    every = list(program.periods.order_by("month"))
    if not every:
        return []
    periods = [p for p in every if p.is_open]  # reports are filled in open periods only
    current = current_period(every, today)
    if current is None:
        return []
    items: list[TodoItem] = []

    def fill_url(month: int) -> str:
        return reverse("reporting:fill", args=[program.pk, month])

    if is_unit_staff(actor):
        projects = program.projects.filter(reported_by(actor.org_id)).distinct()  # type: ignore[arg-type]
        owed = projects.count()
        if owed:
            due = _due_periods(periods, program.year, today)
            done: dict[int, int] = {}
            returned: dict[int, int] = {}
            rows = (
                Report.objects.filter(period__in=due, unit_id=actor.org_id, project__in=projects)
                .values("period_id")
                .annotate(
                    done=Count("id", filter=~Q(status__in=EDITABLE)),
                    returned=Count("id", filter=Q(status=Status.RETURNED)),
                )
            )
            for row in rows:
                done[row["period_id"]], returned[row["period_id"]] = row["done"], row["returned"]
            parts = []
            for p in due:
                left = owed - done.get(p.pk, 0)
                if left > 0:
                    late = today > p.deadline
                    parts.append(
                        TodoPart(
                            label=p.display_label
                            if late
                            else _("%(period)s（%(date)s截止）")
                            % {"period": p.display_label, "date": f"{p.deadline:%m-%d}"},
                            count=left,
                            url=fill_url(p.month),
                            severity=DANGER if late else INFO,
                        )
                    )
            late_months = sum(1 for part in parts if part.severity == DANGER)
            items.append(
                TodoItem(
                    key="reporting.fill",
                    place=_("报表填报"),
                    label=_("报表待填报"),
                    count=sum(part.count for part in parts),
                    url=parts[0].url if parts else fill_url(current.month),
                    severity=DANGER if late_months else INFO,
                    note=_("%(n)d个月已逾期") % {"n": late_months} if late_months else "",
                    parts=tuple(parts),
                )
            )
            back = [
                TodoPart(label=p.display_label, count=returned[p.pk], url=fill_url(p.month), severity=WARNING)
                for p in due
                if returned.get(p.pk)
            ]
            if back:
                items.append(
                    TodoItem(
                        key="reporting.returned",
                        place=_("报表填报"),
                        label=_("报表被退回待修改"),
                        count=sum(part.count for part in back),
                        url=back[0].url,
                        severity=WARNING,
                        parts=tuple(back),
                    )
                )

    steps = awaiting_by_step(user)
    if steps:
        counts = {
            row["period__month"]: row
            for row in restrict(Report.objects.filter(period__program=program), user, "view")
            .filter(awaiting_decision(user))
            .values("period__month")
            .annotate(**{step: Count("id", filter=q) for step, q in steps.items()})
        }
        labels = {REVIEW: _("报表待审核"), CONFIRM: _("报表待确认")}
        for step in (REVIEW, CONFIRM):
            if step not in steps:
                continue
            parts = [
                TodoPart(
                    label=p.display_label,
                    count=counts[p.month][step],
                    url=reverse("reporting:review", args=[program.pk, p.month]),
                )
                for p in every
                if counts.get(p.month, {}).get(step)
            ]
            items.append(
                TodoItem(
                    key=f"reporting.{step}",
                    place=_("报表审核"),
                    label=labels[step],
                    count=sum(part.count for part in parts),
                    url=parts[0].url
                    if parts
                    else reverse("reporting:review", args=[program.pk, current.month]),
                    severity=WARNING if parts else INFO,
                    parts=tuple(parts),
                )
            )
    return items
