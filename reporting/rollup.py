"""Roll-up of reports: the 进度表 (progress table), summaries of confirmed data, on-time rates and the ranking.

Official figures count confirmed reports only; staff views may include pending ones (marked). ``Summary`` rows
are rewritten after a confirmation or unlock commits (reporting.services._move), never on page views.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import connection, transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy

from catalogue.models import Program, Project
from core.numbers import safe_quantize
from funding.models import Source
from orgs.models import LOCAL_KINDS, Organisation, OrgKind
from reporting.models import Period, Report, ReportFunds, Status, Summary, SummaryFunds
from reporting.rules import REPORTING_PAIRS_SQL, reporting_units

PENDING = (Status.SUBMITTED, Status.DEPT_APPROVED)
EDITABLE_STATUSES = (Status.DRAFT, Status.RETURNED)
BEHIND_TOLERANCE = Decimal("0.05")  # flagged 滞后 when completion is more than 5 points behind 序时进度


def _ratio(a: Decimal | None, b: Decimal | None) -> Decimal | None:
    return (Decimal(a) / Decimal(b)) if a is not None and b else None


def _statuses(include_pending: bool) -> tuple[str, ...]:
    return (Status.CONFIRMED, *PENDING) if include_pending else (Status.CONFIRMED,)


@dataclass(slots=True, eq=False)
class UnitRef:
    """An organisation as the read model shows it (not a model instance: nothing to save, nothing lazy)."""

    id: int
    name: str
    short_name: str = ""
    code: str = ""
    order: int = 0
    kind: str = ""

    @property
    def pk(self) -> int:
        return self.id

    @property
    def display_name(self) -> str:
        return self.short_name or self.name

    def __eq__(self, other: object) -> bool:
        return isinstance(other, (UnitRef, Organisation)) and other.pk == self.id

    def __hash__(self) -> int:
        return hash(("org", self.id))


@dataclass(slots=True, eq=False)
class ProjectRef:
    """A project as the 进度表 shows it; equal to the Project (or ProjectRef) with the same id."""

    id: int
    order: int
    name: str
    lead_department: UnitRef | None

    @property
    def pk(self) -> int:
        return self.id

    def __eq__(self, other: object) -> bool:
        return isinstance(other, (ProjectRef, Project)) and other.pk == self.id

    def __hash__(self) -> int:
        return hash(("project", self.id))


@dataclass(slots=True)
class ProgressRow:
    project: ProjectRef
    unit: UnitRef | None
    indicators: list[dict[str, Any]] = field(default_factory=list)  # name, unit, target, done, rate
    budget: dict[str, Decimal] = field(default_factory=dict)  # by source label
    budget_total: Decimal = Decimal(0)
    arrived: Decimal = Decimal(0)
    spent: Decimal = Decimal(0)
    completion: Decimal | None = None
    schedule: Decimal = Decimal(0)
    pending: int = 0

    @property
    def arrival_rate(self) -> Decimal | None:
        return _ratio(self.arrived, self.budget_total)

    @property
    def spending_rate(self) -> Decimal | None:
        return _ratio(self.spent, self.arrived)

    @property
    def gap(self) -> Decimal | None:
        return None if self.completion is None else self.completion - self.schedule

    @property
    def behind(self) -> bool:
        return self.gap is not None and self.gap < -BEHIND_TOLERANCE


# The 进度表 read model: one SQL query whose rows are tagged by kind — 'p' project (with its lead department and,
# for project totals, money and the pending count), 'u' reporting unit of a project (per unit: with its money and
# pending count), 'i' indicator (for project totals: with target and completed value), 't'/'d' per-unit target
# and completed value, 'b' budget by source (original + adjustments). Columns: tag, project, unit, ref, order,
# text ×4, number ×2.
# (project, unit) pairs that owe a report: reporting.rules.REPORTING_PAIRS_SQL.
_REPORTING_PAIRS = REPORTING_PAIRS_SQL
_PROGRESS_HEAD = """
WITH prj AS (
  SELECT p.id, p."order" AS ord, p.name, p.lead_department_id AS lead FROM catalogue_project p
  WHERE p.program_id = %s{scope}),
rep AS (
  SELECT r.id, r.project_id, r.unit_id, r.status FROM reporting_report r JOIN prj ON prj.id = r.project_id
  WHERE r.period_id = (SELECT pe.id FROM reporting_period pe WHERE pe.program_id = %s AND pe.month = %s){visible}),
money AS (
  SELECT r.project_id{unit}, SUM(f.arrived) AS a, SUM(f.spent) AS s FROM reporting_reportfunds f
  JOIN rep r ON r.id = f.report_id WHERE r.status IN ({statuses}) GROUP BY r.project_id{unit}),
waiting AS (
  SELECT r.project_id{unit}, COUNT(*) AS n FROM rep r WHERE r.status IN ({pending}) GROUP BY r.project_id{unit}),
done AS (
  SELECT v.indicator_id{unit}, SUM(v.value) AS d FROM reporting_reportvalue v JOIN rep r ON r.id = v.report_id
  WHERE r.status IN ({statuses}) GROUP BY v.indicator_id{unit})
"""
_PROGRESS_BUDGET = """
UNION ALL
SELECT 'b', l.project_id, {line_unit}, NULL, NULL, l.source, NULL, NULL, NULL,
  CAST(SUM(l.original + COALESCE(
    (SELECT SUM(a.delta) FROM funding_fundingadjustment a WHERE a.line_id = l.id), 0)) AS TEXT), NULL
  FROM funding_fundingline l JOIN prj ON prj.id = l.project_id GROUP BY l.project_id{line_group}, l.source
"""
_PROGRESS_TOTALS = (
    _PROGRESS_HEAD
    + """
SELECT 'p', prj.id, prj.lead, w.n, prj.ord, prj.name, o.name, o.short_name, o.code,
  CAST(m.a AS TEXT), CAST(m.s AS TEXT)
  FROM prj LEFT JOIN orgs_organisation o ON o.id = prj.lead
  LEFT JOIN money m ON m.project_id = prj.id LEFT JOIN waiting w ON w.project_id = prj.id
UNION ALL
SELECT 'i', i.project_id, NULL, i.id, i."order", i.name, i.unit, NULL, NULL,
  CAST(COALESCE(NULLIF(i.target, 0),
    (SELECT SUM(t.value) FROM responsibility_target t WHERE t.indicator_id = i.id)) AS TEXT), CAST(d.d AS TEXT)
  FROM responsibility_indicator i JOIN prj ON prj.id = i.project_id LEFT JOIN done d ON d.indicator_id = i.id
"""
    + _PROGRESS_BUDGET.format(line_unit="NULL", line_group="")
)
_PROGRESS_UNITS = (
    _PROGRESS_HEAD
    + """,
units AS ("""
    + _REPORTING_PAIRS
    + """)
SELECT 'p', prj.id, prj.lead, CAST(NULL AS BIGINT), prj.ord, prj.name, o.name, o.short_name, o.code,
  CAST(NULL AS TEXT), CAST(NULL AS TEXT)
  FROM prj LEFT JOIN orgs_organisation o ON o.id = prj.lead
UNION ALL
SELECT 'u', u.project_id, u.unit_id, w.n, o."order", o.name, o.short_name, o.kind, o.code,
  CAST(m.a AS TEXT), CAST(m.s AS TEXT)
  FROM units u JOIN orgs_organisation o ON o.id = u.unit_id
  LEFT JOIN money m ON m.project_id = u.project_id AND m.unit_id = u.unit_id
  LEFT JOIN waiting w ON w.project_id = u.project_id AND w.unit_id = u.unit_id
UNION ALL
SELECT 'i', i.project_id, NULL, i.id, i."order", i.name, i.unit, NULL, NULL, NULL, NULL
  FROM responsibility_indicator i JOIN prj ON prj.id = i.project_id
UNION ALL
SELECT 't', i.project_id, t.unit_id, i.id, NULL, NULL, NULL, NULL, NULL, CAST(SUM(t.value) AS TEXT), NULL
  FROM responsibility_target t JOIN responsibility_indicator i ON i.id = t.indicator_id
  JOIN prj ON prj.id = i.project_id GROUP BY i.project_id, t.unit_id, i.id
UNION ALL
SELECT 'd', i.project_id, d.unit_id, i.id, NULL, NULL, NULL, NULL, NULL, CAST(d.d AS TEXT), NULL
  FROM done d JOIN responsibility_indicator i ON i.id = d.indicator_id
"""
    + _PROGRESS_BUDGET.format(line_unit="l.unit_id", line_group=", l.unit_id")
)


_QUANT = {places: Decimal(1).scaleb(-places) for places in range(0, 7)}


def read_decimal(value: Any, places: int) -> Decimal | None:
    """A number from the read-model queries (or a stored figure as the driver returns it) as a Decimal with the
    field's decimal places; None when absent or abnormal. The queries cast sums to
    text: exact on PostgreSQL; on SQLite, where decimals are stored as floats, 15 significant digits, rounded here
    to the field's places as Django's own converter does."""
    if value is None:
        return None
    try:
        if isinstance(value, str | int):
            value = Decimal(value)
        elif not isinstance(value, Decimal):
            value = Decimal(f"{value:.{places}f}")
    except (InvalidOperation, ValueError, TypeError):
        return None
    if not value.is_finite():  # an abnormal stored value (NaN, infinity) counts as missing, never crashes
        return None
    return safe_quantize(value, _QUANT[places])


_finite = math.isfinite


def read_sum(value: Any, places: int) -> Decimal | None:
    """A sum or stored figure as the driver returns it (no CAST in SQL) as a Decimal with at most the field's
    places; None when absent or abnormal (NaN, infinity, not a number). psycopg's numerics come exact; sqlite3
    returns floats, rounded to the places and read by their shortest repr (Django's converter, within 15
    digits) — no Decimal context per value, which dominated the read models' Python time."""
    cls = value.__class__
    if cls is float:
        return Decimal(repr(round(value, places))) if _finite(value) else None
    if cls is int:
        return Decimal(value)
    if cls is Decimal:
        return value if value.is_finite() else None
    return read_decimal(value, places)


def figures_fragment(user: Any, column: str = "r.id") -> tuple[str, list[Any]]:
    """The SQL condition (`` AND column IN (...)``, or nothing) limiting a read-model query to the reports whose
    figures ``user`` may see (reporting.rules.figures_scope), with its parameters."""
    from reporting.rules import figures_scope

    visible = figures_scope(user)
    if visible is True:
        return "", []
    if visible is False:
        return " AND 1 = 0", []
    # .order_by(): without it the model's ordering joins four tables and sorts every visible report of the
    # province inside the IN (…), which PostgreSQL cannot turn into a semi-join (docs/performance.md: 25 s).
    sub, sub_params = Report.objects.filter(visible).order_by().values("id").query.sql_with_params()
    return f" AND {column} IN ({sub})", list(sub_params)


def progress_table(
    *,
    user: Any,
    program: Program,
    month: int,
    per_unit: bool = False,
    include_pending: bool = False,
    projects: Any = None,
) -> list[ProgressRow]:
    """The standard monthly 进度表 in one SQL query, assembled into rows (projects and units as light records,
    ProjectRef and UnitRef). Scoped to ``user`` (reporting.rules.figures_scope): confirmed figures for every
    staff role, pending ones only of the reports the user may view; ``user=None`` gives the official
    (confirmed-only) figures, as the public sees them."""
    params: list[Any] = [program.id]
    scope = ""
    if projects is not None:
        sub, sub_params = projects.order_by().values("id").query.sql_with_params()
        scope = f" AND p.id IN ({sub})"
        params += list(sub_params)
    visible, visible_params = figures_fragment(user)
    statuses = _statuses(include_pending)
    sql = (_PROGRESS_UNITS if per_unit else _PROGRESS_TOTALS).format(
        scope=scope,
        visible=visible,
        unit=", r.unit_id" if per_unit else "",
        statuses=", ".join(["%s"] * len(statuses)),
        pending=", ".join(["%s"] * len(PENDING)),
    )
    params += [program.id, month, *visible_params, *statuses, *PENDING, *statuses]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        fetched = cursor.fetchall()
    return _progress_rows(fetched, month=month, per_unit=per_unit)


def _progress_rows(fetched: list[tuple[Any, ...]], *, month: int, per_unit: bool) -> list[ProgressRow]:
    """Assemble the 进度表's rows from the tagged result rows of the read-model query."""
    zero = Decimal(0)
    heads: list[tuple[int, int, ProjectRef, Any, Any, Any]] = []
    indicators: dict[int, list[tuple[int, int, str, str, Any, Any]]] = defaultdict(list)
    per: dict[tuple[int, int, int], tuple[Any, Any]] = {}  # (project, indicator, unit) → target, done
    budgets: dict[tuple[int, int | None], dict[str, Any]] = defaultdict(dict)
    units_of: dict[int, list[tuple[int, str, UnitRef, Any, Any, Any]]] = defaultdict(list)
    orgs: dict[int, UnitRef] = {}
    for tag, pid, uid, ref, order, t1, t2, t3, t4, n1, n2 in fetched:
        if tag == "i":
            indicators[pid].append((order, ref, t1, t2, n1, n2))
        elif tag == "b":
            budgets[(pid, uid)][t1] = read_decimal(n1, 2) or zero
        elif tag == "p":
            lead = None
            if uid is not None:
                lead = orgs.get(uid)
                if lead is None:
                    lead = orgs[uid] = UnitRef(id=uid, name=t2, short_name=t3 or "", code=t4)
            project = ProjectRef(id=pid, order=order, name=t1, lead_department=lead)
            heads.append((order, pid, project, ref, n1, n2))
        elif tag == "u":
            unit = UnitRef(id=uid, order=order, name=t1, short_name=t2 or "", kind=t3, code=t4)
            units_of[pid].append((order, t1, unit, ref, n1, n2))
        else:  # "t" target or "d" done of one unit
            target, value = per.get((pid, ref, uid), (None, None))
            per[(pid, ref, uid)] = (n1, value) if tag == "t" else (target, n1)
    heads.sort(key=lambda h: (h[0], h[1]))
    labels = [(source, str(label)) for source, label in Source.choices]
    schedule = Decimal(month) / Decimal(12)
    rows: list[ProgressRow] = []
    for _order, pid, project, waiting, arrived, spent in heads:
        own = sorted(indicators[pid], key=lambda i: (i[0], i[1]))
        if per_unit:
            units = [(u[2], u[3], u[4], u[5]) for u in sorted(units_of[pid], key=lambda u: (u[0], u[1]))]
        else:
            units = [(None, waiting, arrived, spent)]
        for unit, waiting, arrived, spent in units:
            uid = unit.id if unit is not None else None
            row = ProgressRow(project=project, unit=unit, schedule=schedule, pending=waiting or 0)
            row.arrived = read_decimal(arrived, 2) or zero
            row.spent = read_decimal(spent, 2) or zero
            rates = []
            for _o, ind_id, name, measure, target, value in own:
                if per_unit:
                    target, value = per.get((pid, ind_id, uid), (None, None))
                target, value = read_decimal(target, 4), read_decimal(value, 4)
                rate = _ratio(value, target)
                if rate is not None:
                    rates.append(rate)
                row.indicators.append(
                    {"name": name, "unit": measure, "target": target, "done": value, "rate": rate}
                )
            row.completion = sum(rates, zero) / len(rates) if rates else None
            by_source = budgets.get((pid, uid), {})
            for source, label in labels:
                amount = by_source.get(source, zero)
                row.budget[label] = amount
                row.budget_total += amount
            rows.append(row)
    return rows


@transaction.atomic
def summary_refresh(*, project_id: int, period_id: int) -> None:
    """Rewrite the confirmed-only summary rows of one project in one period (per unit and the project total)."""
    period = Period.objects.select_related("program").filter(pk=period_id).first()
    project = Project.objects.filter(pk=project_id).first()
    if (
        period is None or project is None
    ):  # removed since (e.g. in a rolled-back savepoint): nothing to refresh
        return
    per_unit = {
        r.unit.id if r.unit else None: r
        for r in progress_table(
            user=None,
            program=period.program,
            month=period.month,
            per_unit=True,
            projects=Project.objects.filter(pk=project_id),
        )
    }
    total = progress_table(
        user=None, program=period.program, month=period.month, projects=Project.objects.filter(pk=project_id)
    )[0]
    counted = (
        Report.objects.filter(project_id=project_id, period_id=period_id, status=Status.CONFIRMED)
        .order_by()
        .values_list("unit_id")
        .annotate(n=Count("id"), t=Count("id", filter=Q(submitted_at__lt=deadline_cutoff(period))))
    )
    confirmed = {unit_id: n for unit_id, n, _t in counted}
    timely = {unit_id: t for unit_id, _n, t in counted}
    funds = source_funds(project_id=project_id, period_id=period_id)
    units = reporting_units(project)
    Summary.objects.filter(project_id=project_id, period_id=period_id).delete()
    rows = [
        Summary(
            project_id=project_id,
            period_id=period_id,
            unit_id=u.id,
            budget=per_unit[u.id].budget_total,
            arrived=per_unit[u.id].arrived,
            spent=per_unit[u.id].spent,
            completion=per_unit[u.id].completion,
            schedule=per_unit[u.id].schedule,
            reports_expected=1,
            reports_confirmed=confirmed.get(u.id, 0),
            reports_on_time=timely.get(u.id, 0),
        )
        for u in units
        if u.id in per_unit
    ]
    rows.append(
        Summary(
            project_id=project_id,
            period_id=period_id,
            unit=None,
            budget=total.budget_total,
            arrived=total.arrived,
            spent=total.spent,
            completion=total.completion,
            schedule=total.schedule,
            reports_expected=len(units),
            reports_confirmed=sum(confirmed.values()),
            reports_on_time=sum(timely.values()),
        )
    )
    Summary.objects.bulk_create(rows)
    SummaryFunds.objects.bulk_create(
        SummaryFunds(summary_id=row.pk, source=source, budget=b, arrived=a, spent=sp)
        for row in rows
        for source, (b, a, sp) in sorted(funds.get(row.unit_id, {}).items())
    )


def source_funds(*, project_id: int, period_id: int) -> dict[int | None, dict[str, tuple[Decimal, ...]]]:
    """Budget (original + adjustments), arrived and spent by funding source of one project in one period,
    confirmed reports only: unit id → source → (budget, arrived, spent); ``None`` is the project total (every
    line, every confirmed report). Three aggregate queries."""
    from funding.models import FundingAdjustment, FundingLine

    zero = Decimal(0)
    out: dict[int | None, dict[str, list[Decimal]]] = defaultdict(dict)

    def add(unit_id: int | None, source: str, slot: int, amount: Decimal | None) -> None:
        for key in {unit_id, None}:
            figures = out[key].setdefault(source, [zero, zero, zero])
            figures[slot] += amount or zero

    deltas = dict(
        FundingAdjustment.objects.filter(line__project_id=project_id)
        .order_by()
        .values_list("line_id")
        .annotate(t=Sum("delta"))
    )
    for line_id, unit_id, source, original in FundingLine.objects.filter(project_id=project_id).values_list(
        "id", "unit_id", "source", "original"
    ):
        add(unit_id, source, 0, (original or zero) + (deltas.get(line_id) or zero))
    reported = (
        ReportFunds.objects.filter(
            report__project_id=project_id, report__period_id=period_id, report__status=Status.CONFIRMED
        )
        .order_by()
        .values_list("report__unit_id", "source")
        .annotate(a=Sum("arrived"), s=Sum("spent"))
    )
    for unit_id, source, arrived, spent in reported:
        add(unit_id, source, 1, arrived)
        add(unit_id, source, 2, spent)
    return {unit: {src: tuple(v) for src, v in by.items()} for unit, by in out.items()}


class _PendingRefresh:
    """The summaries one transaction must refresh after it commits: registered once per transaction with
    ``on_commit``, so a rolled-back transaction takes its pairs with it."""

    def __init__(self) -> None:
        self.pairs: set[tuple[int, int]] = set()

    def __call__(self) -> None:
        for project_id, period_id in sorted(self.pairs):
            summary_refresh(project_id=project_id, period_id=period_id)


def summary_refresh_on_commit(*, project_id: int, period_id: int) -> None:
    """Refresh the summary of a project × period once the transaction commits — once per pair, however many
    reports of it the transaction confirmed (a batch confirm, the demo year)."""
    connection = transaction.get_connection()
    pending = next((e[1] for e in connection.run_on_commit if isinstance(e[1], _PendingRefresh)), None)
    if pending is not None:
        pending.pairs.add((project_id, period_id))
        return
    pending = _PendingRefresh()
    pending.pairs.add((project_id, period_id))
    transaction.on_commit(pending)  # outside a transaction: runs at once


# --- deadlines and ranking --------------------------------------------------------------------------------


@dataclass(slots=True)
class UnitScore:
    unit: UnitRef
    expected: int
    on_time: int
    completion: Decimal | None
    arrival: Decimal | None
    spending: Decimal | None
    score: Decimal = Decimal(0)
    rank: int = 0

    @property
    def on_time_rate(self) -> Decimal | None:
        return _ratio(Decimal(self.on_time), Decimal(self.expected)) if self.expected else None


FORMULA = gettext_lazy(
    "综合得分 = 40 × 任务完成率 + 20 × 资金到位率 + 20 × 资金支出率 + 20 × 按时报送率（各率以100%封顶，只计民生办已确认的数据）"
)
WEIGHTS = (Decimal(40), Decimal(20), Decimal(20), Decimal(20))


def expected_reports(program: Program, with_lead: bool = False) -> list[Any]:
    """(project_id, unit_id) pairs that owe a report every period (with the lead department's id as a third
    item if ``with_lead``)."""
    pairs: list[Any] = []
    for p in program.projects.prefetch_related("implementing_units").select_related("lead_department"):
        pairs += [
            (p.id, u.id, p.lead_department_id) if with_lead else (p.id, u.id) for u in reporting_units(p)
        ]
    return pairs


def deadline_cutoff(period: Period) -> dt.datetime:
    """The first instant after the deadline day, in the site's time zone (Asia/Shanghai): on time is before it."""
    return timezone.make_aware(dt.datetime.combine(period.deadline + dt.timedelta(days=1), dt.time.min))


def _visible_expected(user: Any, period: Period) -> dict[int, int]:
    """unit id → reports it owes this period, for the units whose page ``user`` may view (core.policy on
    Organisation: the district-wide roles all, a unit its own tree)."""
    from core.policy import restrict

    expected: dict[int, int] = defaultdict(int)
    for _, unit_id in expected_reports(period.program):
        expected[unit_id] += 1
    visible = set(
        restrict(Organisation.objects.filter(id__in=list(expected)), user, "view").values_list(
            "id", flat=True
        )
    )
    return {u: n for u, n in expected.items() if u in visible}


def on_time(*, user: Any, period: Period) -> dict[int, tuple[int, int]]:
    """unit id → (expected reports, reports submitted by the deadline, whatever their state now), for the units
    whose page ``user`` may view. Reads the month's reports: for the views that count pending figures."""
    expected = _visible_expected(user, period)
    timely = dict(
        Report.objects.filter(
            period=period, submitted_at__lt=deadline_cutoff(period), unit_id__in=list(expected)
        )
        .order_by()
        .values_list("unit_id")
        .annotate(n=Count("id"))
    )
    return {u: (n, timely.get(u, 0)) for u, n in expected.items()}


def on_time_confirmed(*, user: Any, period: Period) -> dict[int, tuple[int, int]]:
    """As ``on_time``, official figures: the confirmed reports submitted by the deadline, from the units'
    summary rows (``Summary.reports_on_time``, written when a confirmation commits) — no scan of the reports."""
    expected = _visible_expected(user, period)
    timely = dict(
        Summary.objects.filter(period=period, unit_id__in=list(expected))
        .order_by()
        .values_list("unit_id")
        .annotate(n=Sum("reports_on_time"))
    )
    return {u: (n, timely.get(u) or 0) for u, n in expected.items()}


def overdue(*, user: Any, period: Period, today: Any) -> list[tuple[Project, Organisation, Report | None]]:
    """Reports not submitted although the deadline has passed, those ``user`` may see
    (reporting.rules.report_pair_visible: as the report rule would answer for them)."""
    from core.policy import restrict
    from reporting.rules import report_pair_visible

    if today <= period.deadline:
        return []
    visible = report_pair_visible(user)
    pairs = [(p, u) for p, u, lead in expected_reports(period.program, with_lead=True) if visible(lead, u)]
    if not pairs:
        return []
    submitted = set(
        Report.objects.filter(period=period)
        .exclude(status__in=(Status.DRAFT, Status.RETURNED))
        .values_list("project_id", "unit_id")
    )
    drafts = {
        (r.project_id, r.unit_id): r
        for r in restrict(Report.objects.filter(period=period, status__in=EDITABLE_STATUSES), user, "view")
    }
    projects = {p.id: p for p in period.program.projects.all()}
    units = {o.id: o for o in Organisation.objects.filter(id__in={u for _, u in pairs})}
    return [(projects[p], units[u], drafts.get((p, u))) for p, u in pairs if (p, u) not in submitted]


_RANKING_SQL = (
    """
WITH prj AS (SELECT p.id, p.lead_department_id AS lead FROM catalogue_project p WHERE p.program_id = %s),
pairs AS ("""
    + _REPORTING_PAIRS
    + """),
expected AS (SELECT unit_id, COUNT(*) AS n FROM pairs GROUP BY unit_id),
money AS (SELECT s.unit_id, SUM(s.budget) AS b, SUM(s.arrived) AS a, SUM(s.spent) AS sp,
  SUM(ROUND(s.completion, 4)) AS c, COUNT(s.completion) AS cn FROM reporting_summary s
  WHERE s.period_id = %s AND s.unit_id IS NOT NULL GROUP BY s.unit_id),
units AS (SELECT unit_id FROM expected UNION SELECT unit_id FROM money)
SELECT o.id, o.code, o.name, o.short_name, o."order", o.kind, e.n,
  (SELECT COUNT(*) FROM reporting_report r WHERE r.unit_id = o.id AND r.period_id = %s AND r.submitted_at < %s),
  CAST(m.b AS TEXT), CAST(m.a AS TEXT), CAST(m.sp AS TEXT), CAST(m.c AS TEXT), m.cn
FROM units u JOIN orgs_organisation o ON o.id = u.unit_id
LEFT JOIN expected e ON e.unit_id = o.id LEFT JOIN money m ON m.unit_id = o.id
WHERE o.kind IN ({kinds})
"""
)
# Departments answer for the projects they lead (牵头), whoever carries them out, and for the rows they carry out
# themselves for projects others lead: ``resp`` gives each reporting pair its responsible departments (the
# implementing unit and the lead; UNION keeps a pair once when both are the same department).
_DEPARTMENT_RANKING_SQL = (
    """
WITH prj AS (SELECT p.id, p.lead_department_id AS lead FROM catalogue_project p WHERE p.program_id = %s),
pairs AS ("""
    + _REPORTING_PAIRS
    + """),
resp AS (SELECT project_id, unit_id, unit_id AS owner FROM pairs
  UNION SELECT pairs.project_id, pairs.unit_id, prj.lead FROM pairs JOIN prj ON prj.id = pairs.project_id
  WHERE prj.lead IS NOT NULL),
expected AS (SELECT owner AS unit_id, COUNT(*) AS n FROM resp GROUP BY owner),
money AS (SELECT resp.owner AS unit_id, SUM(s.budget) AS b, SUM(s.arrived) AS a, SUM(s.spent) AS sp,
  SUM(ROUND(s.completion, 4)) AS c, COUNT(s.completion) AS cn FROM reporting_summary s
  JOIN resp ON resp.project_id = s.project_id AND resp.unit_id = s.unit_id
  WHERE s.period_id = %s GROUP BY resp.owner),
timely AS (SELECT resp.owner AS unit_id, COUNT(*) AS n FROM reporting_report r
  JOIN resp ON resp.project_id = r.project_id AND resp.unit_id = r.unit_id
  WHERE r.period_id = %s AND r.submitted_at < %s GROUP BY resp.owner)
SELECT o.id, o.code, o.name, o.short_name, o."order", o.kind, e.n, t.n,
  CAST(m.b AS TEXT), CAST(m.a AS TEXT), CAST(m.sp AS TEXT), CAST(m.c AS TEXT), m.cn
FROM expected e JOIN orgs_organisation o ON o.id = e.unit_id
LEFT JOIN money m ON m.unit_id = o.id LEFT JOIN timely t ON t.unit_id = o.id
WHERE o.kind IN ({kinds})
"""
)


def ranking(*, user: Any, period: Period, kind: str) -> list[UnitScore]:
    """Rank local units (kind="local") or departments (kind="department") for one period, confirmed data only:
    money and completion from the Summary rows, on-time rates from the reports, in one SQL query. A department
    is ranked on every project it leads (the towns' rows included) and on the rows it carries out itself for
    projects others lead; equal scores share a rank (``assign_ranks``). The ranking
    is the district's official comparison, shown to whoever may open the period (reporting.rules
    ``may_see_ranking``); it counts no unconfirmed figure."""
    from reporting.rules import may_see_ranking

    if not may_see_ranking(user, period):
        return []
    kinds = LOCAL_KINDS if kind == "local" else (OrgKind.DEPARTMENT,)
    params = [
        period.program_id,
        period.id,
        period.id,
        connection.ops.adapt_datetimefield_value(deadline_cutoff(period)),
        *kinds,
    ]
    with connection.cursor() as cursor:
        sql = _RANKING_SQL if kind == "local" else _DEPARTMENT_RANKING_SQL
        cursor.execute(sql.format(kinds=", ".join(["%s"] * len(kinds))), params)
        fetched = cursor.fetchall()
    zero = Decimal(0)
    scores = []
    for (
        uid,
        code,
        name,
        short,
        order,
        org_kind,
        expected,
        in_time,
        budget,
        arrived,
        spent,
        c_sum,
        c_n,
    ) in fetched:
        budget, arrived, spent = (read_decimal(v, 2) or zero for v in (budget, arrived, spent))
        score = UnitScore(
            unit=UnitRef(id=uid, code=code, name=name, short_name=short or "", order=order, kind=org_kind),
            expected=expected or 0,
            on_time=(in_time or 0) if expected else 0,
            completion=completion / c_n
            if c_n and (completion := read_decimal(c_sum, 4)) is not None
            else None,
            arrival=_ratio(arrived, budget),
            spending=_ratio(spent, arrived),
        )
        parts = (score.completion, score.arrival, score.spending, score.on_time_rate)
        score.score = sum((w * min(p or zero, Decimal(1)) for w, p in zip(WEIGHTS, parts, strict=True)), zero)
        scores.append(score)
    scores.sort(key=lambda s: (-s.score, s.unit.order, s.unit.name))
    assign_ranks(scores)
    return scores


def assign_ranks(scores: list[UnitScore]) -> None:
    """Standard competition ranking ("1224") on the score as shown (2 decimals): equal shown scores share a
    rank and the next rank skips the tied places; ``scores`` is already sorted best first."""
    previous: Decimal | None = None
    rank = 0
    for position, s in enumerate(scores, start=1):
        shown = safe_quantize(s.score, Decimal("0.01"))
        if shown != previous:
            rank, previous = position, shown
        s.rank = rank
