"""The dashboard's reads: every figure from the official read models, never by scanning reports on a page view.

Confirmed figures come from ``reporting.Summary`` (rewritten when a confirmation commits) and the ranking
(``reporting.rollup.ranking``, itself over the summary rows); when the viewer asks for pending figures (as the
进度表 does, ``reporting.rules.may_see_pending``) the month's rows come from ``reporting.rollup.progress_table``
with ``include_pending`` — the 进度表's own one-query read model, scoped by ``figures_scope``. Each function
runs a fixed number of queries whatever the number of projects, units and reports. Whose rows they are is
``dashboard.rules.dashboard_reach``.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property
from typing import Any

from django.db import connection
from django.db.models import Count, Q, Sum
from django.utils import timezone

from catalogue.models import Program, Project
from core.policy import restrict
from dashboard.rules import Reach, dashboard_reach, may_see_fiscal
from funding.models import FundingAdjustment, FundingLine, Source
from orgs.models import Organisation
from reporting import rollup
from reporting.models import Period, Report, ReportFunds, Summary
from reporting.rules import may_see_pending

ZERO = Decimal(0)
BEHIND = rollup.BEHIND_TOLERANCE


def _ratio(a: Decimal | None, b: Decimal | None) -> Decimal | None:
    return (Decimal(a) / Decimal(b)) if a is not None and b else None


@dataclass(slots=True)
class Figure:
    """One project (or one unit's row of a project) as the dashboard shows it; money in 元, rates as fractions."""

    project_id: int
    order: int
    name: str
    lead_id: int | None
    lead_name: str
    unit_id: int | None = None
    unit_name: str = ""
    budget: Decimal = ZERO
    arrived: Decimal = ZERO
    spent: Decimal = ZERO
    completion: Decimal | None = None
    schedule: Decimal = ZERO
    pending: int = 0
    reported: bool = True  # False: no confirmed (or, when asked, pending) figure this month — shown as 未报

    @property
    def arrival_rate(self) -> Decimal | None:
        return _ratio(self.arrived, self.budget)

    @property
    def spending_rate(self) -> Decimal | None:
        return _ratio(self.spent, self.arrived)

    @property
    def gap(self) -> Decimal | None:
        return None if self.completion is None else self.completion - self.schedule

    @property
    def behind(self) -> bool:
        """滞后: more than the 进度表's tolerance behind 序时 (exactly on 序时, or within it, is not behind)."""
        return self.gap is not None and self.gap < -BEHIND


def _merge(figures: list[Figure]) -> Figure:
    """Several rows of one project (a viewer's own units) as one: money summed, completion averaged."""
    first = figures[0]
    if len(figures) == 1:
        return first
    rates = [f.completion for f in figures if f.completion is not None]
    return Figure(
        project_id=first.project_id,
        order=first.order,
        name=first.name,
        lead_id=first.lead_id,
        lead_name=first.lead_name,
        unit_id=first.unit_id,
        unit_name=first.unit_name,
        budget=sum((f.budget for f in figures), ZERO),
        arrived=sum((f.arrived for f in figures), ZERO),
        spent=sum((f.spent for f in figures), ZERO),
        completion=sum(rates, ZERO) / len(rates) if rates else None,
        schedule=first.schedule,
        pending=sum(f.pending for f in figures),
    )


# The figures as the driver returns them (psycopg: exact Decimals; sqlite3: floats, read back by ``_num``) — no
# CAST or ROUND in SQL, which cost SQLite more than the query itself.
_FIGURES_SQL = """
SELECT s.project_id, p."order", p.name, p.lead_department_id, o.short_name, o.name, s.unit_id, u.short_name,
  u.name, s.budget, s.arrived, s.spent, s.completion, s.schedule
FROM reporting_summary s JOIN catalogue_project p ON p.id = s.project_id
LEFT JOIN orgs_organisation o ON o.id = p.lead_department_id LEFT JOIN orgs_organisation u ON u.id = s.unit_id
WHERE s.period_id IN ({periods}) AND {where}
"""
_UNIT_JOIN = " LEFT JOIN orgs_organisation u ON u.id = s.unit_id"
# A district-wide viewer: every project of the periods' programs, with its totals row when it has one (a project
# without a confirmed report has none: it is listed as 未报, never silently left out).
_WHOLE_SQL = """
SELECT p.id, p."order", p.name, p.lead_department_id, o.short_name, o.name, NULL, NULL, NULL,
  s.budget, s.arrived, s.spent, s.completion, s.schedule, s.project_id
FROM catalogue_project p JOIN reporting_period pe ON pe.program_id = p.program_id
LEFT JOIN reporting_summary s ON s.project_id = p.id AND s.period_id = pe.id AND s.unit_id IS NULL
LEFT JOIN orgs_organisation o ON o.id = p.lead_department_id
WHERE pe.id IN ({periods}) ORDER BY p."order", p.id
"""


def _reach_sql(reach: Reach) -> tuple[str, list[Any]]:
    """The summary rows that are the viewer's, as SQL over ``s`` (summary) and ``p`` (project): project totals
    where the project is theirs whole, their own units' rows of the other projects."""
    if reach.whole:
        return "s.unit_id IS NULL", []
    units = sorted(reach.units) or [0]
    own = f"s.unit_id IN ({', '.join(['%s'] * len(units))})"
    if reach.lead_id is None:
        return own, units
    return (
        f"((s.unit_id IS NULL AND p.lead_department_id = %s) OR ({own} AND "
        "(p.lead_department_id IS NULL OR p.lead_department_id <> %s)))",
        [reach.lead_id, *units, reach.lead_id],
    )


def _summary_rows(
    reach: Reach, period_ids: list[int], extra: str = "", params: list[Any] | None = None
) -> list[Figure]:
    """The viewer's summary rows of the periods as figures: one SQL query (sums cast to text and read as exact
    Decimals, as reporting.rollup does)."""
    where, where_params = _reach_sql(reach)
    sql = _FIGURES_SQL.format(periods=", ".join(["%s"] * len(period_ids)), where=where + extra)
    if reach.whole:  # project totals only: no unit to name
        sql = sql.replace("u.short_name,\n  u.name,", "NULL, NULL,").replace(_UNIT_JOIN, "")
    sql += ' ORDER BY p."order", s.project_id'
    with connection.cursor() as cursor:
        cursor.execute(sql, [*period_ids, *where_params, *(params or [])])
        fetched = cursor.fetchall()
    return _figures(fetched)


_finite = math.isfinite


def _num(value: Any, places: int) -> Decimal | None:
    """A sum of the dashboard's queries as a Decimal with at most the field's places; None when absent or
    abnormal (NaN, infinity, not a number). PostgreSQL's numerics come exact; SQLite sums floats: rounded to the
    places and read by their shortest repr, as Django's converter does within 15 digits."""
    cls = value.__class__
    if cls is float:
        return Decimal(repr(round(value, places))) if _finite(value) else None
    return _stored(value, places)


def _stored(value: Any, places: int) -> Decimal | None:
    """A stored figure (one summary column) as a Decimal; None when absent or abnormal. SQLite keeps the text
    Django wrote as a float whose shortest repr is that text (up to 15 digits): no rounding needed. This
    conversion is most of the dashboard's Python time, hence the type dispatch and no Decimal context."""
    cls = value.__class__
    if cls is float:
        return Decimal(repr(value)) if _finite(value) else None
    if cls is int:
        return Decimal(value)
    if cls is Decimal:
        return value if value.is_finite() else None
    if value is None:
        return None
    return rollup.read_decimal(value, places)  # text (SQLite stores what it is given)


def _whole_rows(period_ids: list[int]) -> list[Figure]:
    """Every project of the periods' programs with its totals, those without a summary row as 未报: one query."""
    sql = _WHOLE_SQL.format(periods=", ".join(["%s"] * len(period_ids)))
    with connection.cursor() as cursor:
        cursor.execute(sql, period_ids)
        fetched = cursor.fetchall()
    figures = _figures([row[:14] for row in fetched])
    for figure, row in zip(figures, fetched, strict=True):
        if row[14] is None:
            figure.reported = False
    return figures


def _unreported(reach: Reach, period_ids: list[int], seen: set[int]) -> list[Figure]:
    """The viewer's projects without any row of theirs this month (no confirmed report): every project for a
    district-wide viewer, else the projects the department leads and those its or the town's units report on —
    one query."""
    from reporting.rules import reported_by

    own = Q() if reach.whole else Q(pk__in=[])
    if reach.lead_id is not None:
        own |= Q(lead_department_id=reach.lead_id)
    for unit in sorted(reach.units):
        own |= reported_by(unit)
    programs = Period.objects.filter(pk__in=period_ids).values("program_id")
    projects = (
        Project.objects.filter(own, program_id__in=programs)
        .exclude(pk__in=seen)
        .distinct()
        .select_related("lead_department")
        .order_by()
    )
    return [
        Figure(
            project_id=p.pk,
            order=p.order,
            name=p.name,
            lead_id=p.lead_department_id,
            lead_name=p.lead_department.display_name if p.lead_department else "",
            reported=False,
        )
        for p in projects
    ]


def _figures(fetched: list[tuple[Any, ...]]) -> list[Figure]:
    num = _stored
    return [
        Figure(
            pid,
            order,
            name,
            lead,
            lead_short or lead_name or "",
            uid,
            unit_short or unit_name or "",
            num(budget, 2) or ZERO,
            num(arrived, 2) or ZERO,
            num(spent, 2) or ZERO,
            num(completion, 4),
            num(schedule, 4) or ZERO,
        )
        for (
            pid,
            order,
            name,
            lead,
            lead_short,
            lead_name,
            uid,
            unit_short,
            unit_name,
            budget,
            arrived,
            spent,
            completion,
            schedule,
        ) in fetched
    ]


def _from_progress(rows: list[rollup.ProgressRow]) -> list[Figure]:
    """The 进度表's rows that carry figures (a completed value, money reported or a report waiting): the others
    have no confirmed or pending report, as a project without summary rows."""
    out = []
    for r in rows:
        if r.completion is None and not r.arrived and not r.spent and not r.pending:
            continue
        lead = r.project.lead_department
        out.append(
            Figure(
                project_id=r.project.id,
                order=r.project.order,
                name=r.project.name,
                lead_id=lead.id if lead else None,
                lead_name=lead.display_name if lead else "",
                unit_id=r.unit.id if r.unit else None,
                unit_name=r.unit.display_name if r.unit else "",
                budget=r.budget_total,
                arrived=r.arrived,
                spent=r.spent,
                completion=r.completion,
                schedule=r.schedule,
                pending=r.pending,
            )
        )
    return out


def project_figures(*, user: Any, periods: list[Period], pending: bool = False) -> list[Figure]:
    """The viewer's projects in the given periods (one period per program: a district's month, or the same month
    of every district of a province), sorted by project order: one query."""
    reach = dashboard_reach(user)
    if pending:
        figures = []
        for period in periods:
            kw = {"user": user, "program": period.program, "month": period.month, "include_pending": True}
            if (
                reach.whole or reach.lead_id is not None
            ):  # project totals (of the projects a department leads)
                figures += [
                    f for f in _from_progress(rollup.progress_table(**kw)) if reach.project_whole(f.lead_id)
                ]
            if not reach.whole:  # the viewer's own rows of the other projects
                figures += [
                    f
                    for f in _from_progress(rollup.progress_table(per_unit=True, **kw))
                    if f.unit_id in reach.units and not reach.project_whole(f.lead_id)
                ]
        figures += _unreported(reach, [p.id for p in periods], {f.project_id for f in figures})
    elif reach.whole:  # one row per project (its totals, or 未报), sorted by project order: nothing to merge
        return _whole_rows([p.id for p in periods])
    else:
        figures = _summary_rows(reach, [p.id for p in periods])
        figures += _unreported(reach, [p.id for p in periods], {f.project_id for f in figures})
    by_project: dict[tuple[int, int], list[Figure]] = defaultdict(list)
    for f in figures:
        by_project[(f.order, f.project_id)].append(f)
    return [_merge(group) for _key, group in sorted(by_project.items())]


def _unit_rows(
    reach: Reach, period_id: int, extra: str = "", params: list[Any] | None = None
) -> list[Figure]:
    if not reach.units:  # every unit's row (the caller narrows them)
        where = _FIGURES_SQL.replace("{where}", "s.unit_id IS NOT NULL{extra}")
        with connection.cursor() as cursor:
            cursor.execute(where.format(periods="%s", extra=extra), [period_id, *(params or [])])
            fetched = cursor.fetchall()
        return sorted(_figures(fetched), key=lambda f: f.unit_name)
    return _summary_rows(reach, [period_id], extra, params)


def unit_figures(*, user: Any, period: Period, project: Project, pending: bool = False) -> list[Figure]:
    """The units of one project (the drill-down from a project), those the viewer reaches: one query."""
    reach = dashboard_reach(user)
    if pending:
        rows = rollup.progress_table(
            user=user,
            program=period.program,
            month=period.month,
            per_unit=True,
            include_pending=True,
            projects=Project.objects.filter(pk=project.pk),
        )
        figures = _from_progress(rows)
    else:
        every = Reach(whole=False, lead_id=None, units=frozenset())  # all unit rows, narrowed below
        figures = _unit_rows(every, period.id, " AND s.project_id = %s", [project.pk])
    return [f for f in figures if f.unit_id is not None and reach.unit_row(f.unit_id, f.lead_id)]


def unit_project_figures(
    *, user: Any, period: Period, unit: Organisation, pending: bool = False
) -> list[Figure]:
    """The projects one unit reports on (the drill-down from a unit), those rows the viewer reaches: one query."""
    reach = dashboard_reach(user)
    if pending:
        rows = rollup.progress_table(
            user=user, program=period.program, month=period.month, per_unit=True, include_pending=True
        )
        figures = [f for f in _from_progress(rows) if f.unit_id == unit.pk]
    else:
        figures = _unit_rows(Reach(whole=False, lead_id=None, units=frozenset([unit.pk])), period.id)
        figures.sort(key=lambda f: (f.order, f.project_id))
    return [f for f in figures if reach.unit_row(unit.pk, f.lead_id)]


def may_reach_project(user: Any, project: Project) -> bool:
    """Whether the viewer has any row of ``project`` (its totals, or one of their own units reports on it)."""
    reach = dashboard_reach(user)
    if reach.project_whole(project.lead_department_id):
        return True
    if not reach.units:
        return False
    from reporting.rules import reporting_units

    return any(u.id in reach.units for u in reporting_units(project))


def may_reach_unit(user: Any, unit: Organisation, program: Program) -> bool:
    """Whether the viewer has any row of ``unit``: their own, or a unit of a project their department leads."""
    reach = dashboard_reach(user)
    if reach.whole or unit.pk in reach.units:
        return True
    if reach.lead_id is None:
        return False
    from reporting.rules import reported_by

    return program.projects.filter(reported_by(unit), lead_department_id=reach.lead_id).exists()


@dataclass(slots=True)
class TrendPoint:
    month: int
    completion: Decimal | None
    arrival: Decimal | None
    spending: Decimal | None
    schedule: Decimal


def trend(*, user: Any, program: Program, months: list[int] | None = None) -> list[TrendPoint]:
    """The year month by month against the 序时 plan (month / 12), confirmed figures from the summary rows: one
    grouped query, plus one for the program's months unless the caller has them (the page's month chooser). A
    month without confirmed data shows no figure."""
    reach = dashboard_reach(user)
    where, params = _reach_sql(reach)
    join = "" if reach.whole else " JOIN catalogue_project p ON p.id = s.project_id"
    sql = f"""
SELECT pe.month, SUM(s.budget), SUM(s.arrived), SUM(s.spent), SUM(s.completion), COUNT(s.completion)
FROM reporting_summary s JOIN reporting_period pe ON pe.id = s.period_id{join}
WHERE pe.program_id = %s AND {where} GROUP BY pe.month"""
    with connection.cursor() as cursor:
        if months is None:
            cursor.execute(
                "SELECT pe.month FROM reporting_period pe WHERE pe.program_id = %s ORDER BY pe.month",
                [program.pk],
            )
            months = [row[0] for row in cursor.fetchall()]
        cursor.execute(sql, [program.pk, *params])
        grouped = {row[0]: row for row in cursor.fetchall()}
    points = []
    twelve = Decimal(12)
    for m in months:
        _m, b, a, sp, c_sum, c_n = grouped.get(m) or (m, None, None, None, None, 0)
        budget, arrived, spent = _num(b, 2), _num(a, 2), _num(sp, 2)
        c_total = _num(c_sum, 4)
        points.append(
            TrendPoint(
                month=m,
                completion=c_total / c_n if c_n and c_total is not None else None,
                arrival=_ratio(arrived, budget),
                spending=_ratio(spent, arrived),
                schedule=Decimal(m) / twelve,
            )
        )
    return points


@dataclass(slots=True)
class SourceFunds:
    source: str
    label: str
    budget: Decimal
    arrived: Decimal
    spent: Decimal

    @property
    def arrival_rate(self) -> Decimal | None:
        return _ratio(self.arrived, self.budget)

    @property
    def spending_rate(self) -> Decimal | None:
        return _ratio(self.spent, self.arrived)


_FUNDS_SQL = """
SELECT f.source, SUM(f.arrived), SUM(f.spent)
FROM reporting_summaryfunds f JOIN reporting_summary s ON s.id = f.summary_id{join}
WHERE s.period_id = %s AND {where} GROUP BY f.source"""


def _budgets(reach: Reach, period: Period) -> dict[str, Decimal]:
    """The viewer's budget by source (original + adjustments of the program's lines: planning data, shown
    before any report is confirmed): two aggregate queries."""
    lines = FundingLine.objects.filter(project__program_id=period.program_id)
    if not reach.whole:
        own = Q(unit_id__in=list(reach.units))
        if reach.lead_id is not None:
            own |= Q(project__lead_department_id=reach.lead_id)
        lines = lines.filter(own)
    original = dict(lines.order_by().values("source").annotate(t=Sum("original")).values_list("source", "t"))
    adjusted = dict(
        FundingAdjustment.objects.filter(line__in=lines.order_by().values("id"))
        .order_by()
        .values("line__source")
        .annotate(t=Sum("delta"))
        .values_list("line__source", "t")
    )
    return {
        source: (original.get(source) or ZERO) + (adjusted.get(source) or ZERO)
        for source in {*original, *adjusted}
    }


def funds_by_source(*, user: Any, period: Period, pending: bool = False) -> list[SourceFunds]:
    """Budget (original + adjustments), arrived and spent by source for the viewer's part: the budget lines and
    their adjustments (two aggregate queries), and the money reported — confirmed figures from the summary rows'
    money by source (``reporting.SummaryFunds``, written with the summaries: one grouped query over the viewer's
    rows, ``_reach_sql``); asked for pending figures, the month's funds of confirmed reports plus the pending
    ones the viewer may see, as the 进度表 counts them (one aggregate). Sources without any money are left out."""
    reach = dashboard_reach(user)
    budgets = _budgets(reach, period)
    if pending:
        money = _pending_money(user, reach, period)
    else:
        where, params = _reach_sql(reach)
        join = "" if reach.whole else " JOIN catalogue_project p ON p.id = s.project_id"
        with connection.cursor() as cursor:
            cursor.execute(_FUNDS_SQL.format(join=join, where=where), [period.pk, *params])
            money = {source: (_num(a, 2), _num(sp, 2)) for source, a, sp in cursor.fetchall()}
    out = []
    for source, label in Source.choices:
        budget = budgets.get(source) or ZERO
        arrived, spent = money.get(source, (None, None))
        arrived, spent = arrived or ZERO, spent or ZERO
        if budget or arrived or spent:
            out.append(SourceFunds(source, str(label), budget, arrived, spent))
    return out


def _pending_money(user: Any, reach: Reach, period: Period) -> dict[str, tuple[Any, Any]]:
    """Arrived and spent by source of the month's confirmed reports and the pending ones the viewer may see
    (reporting.rules.figures_scope), the viewer's part: one aggregate over the month's reports."""
    from reporting.rules import figures_scope

    statuses = (rollup.Status.CONFIRMED, *rollup.PENDING)
    reports = Report.objects.filter(period=period, status__in=statuses)
    visible = figures_scope(user)
    if visible is False:
        reports = reports.none()
    elif visible is not True:
        reports = reports.filter(visible)
    if not reach.whole:
        own = Q(unit_id__in=list(reach.units))
        if reach.lead_id is not None:
            own |= Q(project__lead_department_id=reach.lead_id)
        reports = reports.filter(own)
    return {
        row["source"]: (row["a"], row["s"])
        for row in ReportFunds.objects.filter(report__in=reports.order_by().values("id"))
        .order_by()
        .values("source")
        .annotate(a=Sum("arrived"), s=Sum("spent"))
    }


@dataclass(slots=True)
class Kpis:
    month: int
    schedule: Decimal
    projects: int  # with figures this month
    behind: int
    unreported: int  # listed as 未报 (no confirmed report this month)
    completion: Decimal | None
    budget: Decimal
    arrived: Decimal
    spent: Decimal
    reports_expected: int
    reports_on_time: int
    findings_open: int
    findings_overdue: int
    letters_issued: int
    letters_unsigned: int
    fiscal_share: Decimal | None
    fiscal_level: str

    @property
    def arrival_rate(self) -> Decimal | None:
        return _ratio(self.arrived, self.budget)

    @property
    def spending_rate(self) -> Decimal | None:
        return _ratio(self.spent, self.arrived)

    @property
    def on_time_rate(self) -> Decimal | None:
        return _ratio(Decimal(self.reports_on_time), Decimal(self.reports_expected))


def kpis(
    *,
    user: Any,
    period: Period,
    figures: list[Figure],
    today: dt.date | None = None,
    pending: bool = False,
) -> Kpis:
    """The month's headline figures for the viewer: from the project figures (behind 序时, completion, funds),
    the reports on time (confirmed ones from the summary rows, ``rollup.on_time_confirmed``; with ``pending``
    every report submitted by the deadline, ``rollup.on_time``), one aggregate each for findings and letters,
    and the fiscal check."""
    from funding.selectors import fiscal_check
    from responsibility.models import Letter
    from supervision.models import Finding

    today = today or timezone.localdate()
    reach = dashboard_reach(user)
    program = period.program
    rates = [f.completion for f in figures if f.completion is not None]
    timely = (rollup.on_time if pending else rollup.on_time_confirmed)(user=user, period=period)
    findings = restrict(Finding.objects.filter(project__program=program), user, "view")
    letters = restrict(Letter.objects.filter(program=program), user, "view")
    if not reach.whole:
        findings = findings.filter(responsible_id__in=list(reach.units)) | findings.filter(
            project__lead_department_id=reach.lead_id or 0
        )
        letters = letters.filter(organisation_id__in=list(reach.units))
    open_statuses = (Finding.Status.OPEN, Finding.Status.ANSWERED, Finding.Status.REOPENED)
    f_agg = findings.order_by().aggregate(
        open=Count("id", filter=Q(status__in=open_statuses)),
        late=Count("id", filter=Q(status__in=open_statuses, deadline__lt=today)),
    )
    l_agg = letters.order_by().aggregate(
        out=Count("id", filter=~Q(status=Letter.Status.DRAFTED)),
        unsigned=Count("id", filter=Q(status=Letter.Status.ISSUED)),
    )
    fiscal = fiscal_check(user=user, program=program) if may_see_fiscal(user) else None
    return Kpis(
        month=period.month,
        schedule=Decimal(period.month) / Decimal(12),
        projects=sum(1 for f in figures if f.reported),
        behind=sum(1 for f in figures if f.behind),
        unreported=sum(1 for f in figures if not f.reported),
        completion=sum(rates, ZERO) / len(rates) if rates else None,
        budget=sum((f.budget for f in figures), ZERO),
        arrived=sum((f.arrived for f in figures), ZERO),
        spent=sum((f.spent for f in figures), ZERO),
        reports_expected=sum(n for n, _t in timely.values()),
        reports_on_time=sum(t for _n, t in timely.values()),
        findings_open=f_agg["open"],
        findings_overdue=f_agg["late"],
        letters_issued=l_agg["out"],
        letters_unsigned=l_agg["unsigned"],
        fiscal_share=fiscal.share if fiscal else None,
        fiscal_level=fiscal.level if fiscal else "unknown",
    )


def unit_reports(*, user: Any, program: Program, project: Project, unit: Organisation) -> list[Report]:
    """The unit's reports on the project, month by month (the last step of the drill-down), as the viewer may
    see them (core.policy on Report): one query."""
    return list(
        restrict(Report.objects.filter(period__program=program, project=project, unit=unit), user, "view")
        .select_related("period")
        .order_by("period__month")
    )


def dashboard_periods(*, user: Any) -> tuple[Program | None, list[Period]]:
    """The program the dashboard opens on (the newest published one with periods) and its periods."""
    from reporting.selectors import current_program

    program = current_program(user=user)
    if program is None:
        return None, []
    return program, list(restrict(program.periods.order_by("month"), user, "view"))


def dashboard_programs(*, user: Any) -> list[Program]:
    """The years the dashboard can switch to: the published programs the viewer may see that have periods,
    newest first (the first is the one the dashboard opens on) — one query."""
    from catalogue.selectors import program_list
    from core.policy import government_scope

    programs = program_list(user=user).filter(status=Program.Status.PUBLISHED, periods__isnull=False)
    governed = government_scope(user, Program)  # one's own government's years (and those below it)
    if governed is not True:
        programs = programs.filter(governed) if governed is not False else programs.none()
    return list(programs.distinct())


def program_periods(*, user: Any, program_pk: int) -> tuple[Program, list[Period]]:
    """A program of the year switcher and its periods as the viewer may see them (404 otherwise)."""
    from django.shortcuts import get_object_or_404

    from catalogue.selectors import program_list

    program = get_object_or_404(
        program_list(user=user).filter(status=Program.Status.PUBLISHED), pk=program_pk
    )
    return program, list(restrict(program.periods.order_by("month"), user, "view"))


def default_month(periods: list[Period], today: dt.date) -> Period | None:
    """The month a dashboard opens on: the latest one with confirmed figures (summary rows) whose deadline has
    passed, else the latest with confirmed figures, else the latest passed, else the first (one query)."""
    if not periods:
        return None
    with_data = set(
        Summary.objects.filter(period_id__in=[p.id for p in periods])
        .order_by()
        .values_list("period_id", flat=True)
        .distinct()
    )
    passed = [p for p in periods if p.deadline < today]
    for choice in (
        [p for p in passed if p.id in with_data],
        [p for p in periods if p.id in with_data],
        passed,
    ):
        if choice:
            return choice[-1]
    return periods[0]


class Board:
    """Everything one dashboard page (or one of its JSON endpoints) shows for a viewer and a month; each part
    computed on first use, so an endpoint runs only its own queries."""

    def __init__(
        self, *, user: Any, period: Period, pending: bool = False, months: list[int] | None = None
    ) -> None:
        self.user = user
        self.months = months  # the program's months when the caller has them (saves the trend one query)
        self.period = period
        self.program = period.program
        self.pending = pending and may_see_pending(user)
        self.reach = dashboard_reach(user)
        self.schedule = Decimal(period.month) / Decimal(12)

    @cached_property
    def figures(self) -> list[Figure]:
        return project_figures(user=self.user, periods=[self.period], pending=self.pending)

    @cached_property
    def kpis(self) -> Kpis:
        return kpis(user=self.user, period=self.period, figures=self.figures, pending=self.pending)

    @cached_property
    def funds(self) -> list[SourceFunds]:
        return funds_by_source(user=self.user, period=self.period, pending=self.pending)

    @cached_property
    def trend(self) -> list[TrendPoint]:
        return trend(user=self.user, program=self.program, months=self.months)

    def ranking(self, kind: str) -> list[rollup.UnitScore]:
        cache = self.__dict__.setdefault("_ranking", {})
        if kind not in cache:
            cache[kind] = rollup.ranking(user=self.user, period=self.period, kind=kind)
        return cache[kind]

    @cached_property
    def reachable_units(self) -> set[int] | None:
        """The units whose drill-down the viewer may open (None: all): their own, and for a lead department the
        units of its projects — one query."""
        if self.reach.whole:
            return None
        units = set(self.reach.units)
        if self.reach.lead_id is not None:
            led = Project.objects.filter(program=self.program, lead_department_id=self.reach.lead_id)
            units |= set(
                Organisation.objects.filter(
                    Q(implemented_projects__in=led.values("id"))
                    | Q(led_projects__in=led.filter(implementing_units__isnull=True).values("id"))
                ).values_list("id", flat=True)
            )
        return units
