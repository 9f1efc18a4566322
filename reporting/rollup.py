"""Roll-up of reports: the 进度表 (progress table), summaries of confirmed data, on-time rates and the ranking.

Official figures count confirmed reports only; staff views may include pending ones (marked). ``Summary`` rows
are rewritten after a confirmation or unlock commits (reporting.services._move), never on page views.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Sum

from catalogue.models import Program, Project
from funding.models import FundingAdjustment, FundingLine, Source
from orgs.models import LOCAL_KINDS, Organisation, OrgKind
from reporting.models import Period, Report, ReportFunds, ReportValue, Status, Summary
from responsibility.models import Indicator, Target

PENDING = (Status.SUBMITTED, Status.DEPT_APPROVED)
BEHIND_TOLERANCE = Decimal("0.05")  # flagged 滞后 when completion is more than 5 points behind 序时进度


def _ratio(a: Decimal | None, b: Decimal | None) -> Decimal | None:
    return (Decimal(a) / Decimal(b)) if a is not None and b else None


def _statuses(include_pending: bool) -> tuple[str, ...]:
    return (Status.CONFIRMED, *PENDING) if include_pending else (Status.CONFIRMED,)


def _budgets(program: Program, by: str) -> dict[Any, Decimal]:
    """Current budget (original + adjustments) grouped by ``by`` ("project", "project,source", "project,unit")."""
    keys = by.split(",")
    lines = FundingLine.objects.filter(project__program=program)
    out: dict[Any, Decimal] = defaultdict(Decimal)
    for row in lines.values(*keys).annotate(t=Sum("original")):
        out[tuple(row[k] for k in keys)] += row["t"]
    adj_keys = [f"line__{k}" for k in keys]
    for row in (
        FundingAdjustment.objects.filter(line__project__program=program)
        .values(*adj_keys)
        .annotate(t=Sum("delta"))
    ):
        out[tuple(row[k] for k in adj_keys)] += row["t"]
    return out


@dataclass
class ProgressRow:
    project: Project
    unit: Organisation | None
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


def progress_table(
    *,
    program: Program,
    month: int,
    per_unit: bool = False,
    include_pending: bool = False,
    projects: Any = None,
) -> list[ProgressRow]:
    """The standard monthly 进度表, computed with a fixed number of grouped queries."""
    projects = list(
        (projects if projects is not None else program.projects.all())
        .select_related("lead_department")
        .order_by("order")
    )
    ids = [p.id for p in projects]
    statuses = _statuses(include_pending)
    reports = Report.objects.filter(
        project_id__in=ids, period__program=program, period__month=month, status__in=statuses
    )
    unit_key = ["unit"] if per_unit else []
    done = defaultdict(Decimal)
    for row in (
        ReportValue.objects.filter(report__in=reports)
        .values("report__project", "indicator", *[f"report__{k}" for k in unit_key])
        .annotate(t=Sum("value"))
    ):
        done[(row["report__project"], row["indicator"], row.get("report__unit"))] += row["t"]
    targets = defaultdict(Decimal)
    for row in (
        Target.objects.filter(indicator__project_id__in=ids)
        .values("indicator__project", "indicator", *unit_key)
        .annotate(t=Sum("value"))
    ):
        targets[(row["indicator__project"], row["indicator"], row.get("unit"))] += row["t"]
    project_targets = {i.id: i.target for i in Indicator.objects.filter(project_id__in=ids)}
    indicators = defaultdict(list)
    for ind in Indicator.objects.filter(project_id__in=ids).order_by("order", "id"):
        indicators[ind.project_id].append(ind)
    money = defaultdict(lambda: [Decimal(0), Decimal(0)])
    for row in (
        ReportFunds.objects.filter(report__in=reports)
        .values("report__project", *[f"report__{k}" for k in unit_key])
        .annotate(a=Sum("arrived"), s=Sum("spent"))
    ):
        key = (row["report__project"], row.get("report__unit"))
        money[key][0] += row["a"]
        money[key][1] += row["s"]
    pending = defaultdict(int)
    for row in (
        Report.objects.filter(
            project_id__in=ids, period__program=program, period__month=month, status__in=PENDING
        )
        .values("project", *unit_key)
        .annotate(n=Sum(1))
    ):
        pending[(row["project"], row.get("unit"))] += row["n"]
    by_source = _budgets(program, "project,source" + (",unit" if per_unit else ""))
    labels = dict(Source.choices)
    schedule = Decimal(month) / Decimal(12)

    rows: list[ProgressRow] = []
    units_of: dict[int, list[Organisation | None]] = {}
    if per_unit:
        from reporting.services import reporting_units

        for p in (
            Project.objects.filter(id__in=ids)
            .prefetch_related("implementing_units")
            .select_related("lead_department")
        ):
            units_of[p.id] = reporting_units(p)
    for p in projects:
        for unit in units_of.get(p.id, [None]) if per_unit else [None]:
            uid = unit.id if unit else None
            row = ProgressRow(project=p, unit=unit, schedule=schedule)
            rates = []
            for ind in indicators[p.id]:
                target = (
                    targets.get((p.id, ind.id, uid))
                    if per_unit
                    else (project_targets.get(ind.id) or targets.get((p.id, ind.id, None)))
                )
                value = done.get((p.id, ind.id, uid))
                rate = _ratio(value, target)
                if rate is not None:
                    rates.append(rate)
                row.indicators.append(
                    {"name": ind.name, "unit": ind.unit, "target": target, "done": value, "rate": rate}
                )
            row.completion = sum(rates, Decimal(0)) / len(rates) if rates else None
            for source in Source.values:
                key = (p.id, source, uid) if per_unit else (p.id, source)
                amount = by_source.get(key, Decimal(0))
                row.budget[str(labels[source])] = amount
                row.budget_total += amount
            row.arrived, row.spent = money.get((p.id, uid), [Decimal(0), Decimal(0)])
            row.pending = pending.get((p.id, uid), 0)
            rows.append(row)
    return rows


@transaction.atomic
def summary_refresh(*, project_id: int, period_id: int) -> None:
    """Rewrite the confirmed-only summary rows of one project in one period (per unit and the project total)."""
    from reporting.services import reporting_units

    period = Period.objects.select_related("program").get(pk=period_id)
    project = Project.objects.get(pk=project_id)
    per_unit = {
        r.unit.id if r.unit else None: r
        for r in progress_table(
            program=period.program,
            month=period.month,
            per_unit=True,
            projects=Project.objects.filter(pk=project_id),
        )
    }
    total = progress_table(
        program=period.program, month=period.month, projects=Project.objects.filter(pk=project_id)
    )[0]
    confirmed = dict(
        Report.objects.filter(project_id=project_id, period_id=period_id, status=Status.CONFIRMED)
        .values_list("unit_id")
        .annotate(n=Sum(1))
    )
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
        )
    )
    Summary.objects.bulk_create(rows)


# --- deadlines and ranking --------------------------------------------------------------------------------


@dataclass
class UnitScore:
    unit: Organisation
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


FORMULA = "综合得分 = 40 × 任务完成率 + 20 × 资金到位率 + 20 × 资金支出率 + 20 × 按时报送率（各率以100%封顶，只计民生办已确认的数据）"
WEIGHTS = (Decimal(40), Decimal(20), Decimal(20), Decimal(20))


def expected_reports(program: Program) -> list[tuple[int, int]]:
    """(project_id, unit_id) pairs that owe a report every period."""
    from reporting.services import reporting_units

    pairs = []
    for p in program.projects.prefetch_related("implementing_units").select_related("lead_department"):
        pairs += [(p.id, u.id) for u in reporting_units(p)]
    return pairs


def on_time(*, period: Period) -> dict[int, tuple[int, int]]:
    """unit id → (expected reports, reports submitted by the deadline)."""
    expected = defaultdict(int)
    for _, unit_id in expected_reports(period.program):
        expected[unit_id] += 1
    timely = defaultdict(int)
    for report in Report.objects.filter(period=period, submitted_at__isnull=False).only(
        "unit_id", "submitted_at"
    ):
        if report.submitted_at.date() <= period.deadline:
            timely[report.unit_id] += 1
    return {u: (n, timely.get(u, 0)) for u, n in expected.items()}


def overdue(*, period: Period, today: Any) -> list[tuple[Project, Organisation, Report | None]]:
    """Reports not submitted although the deadline has passed."""
    if today <= period.deadline:
        return []
    submitted = set(
        Report.objects.filter(period=period)
        .exclude(status__in=(Status.DRAFT, Status.RETURNED))
        .values_list("project_id", "unit_id")
    )
    drafts = {
        (r.project_id, r.unit_id): r
        for r in Report.objects.filter(period=period, status__in=(Status.DRAFT, Status.RETURNED))
    }
    projects = {p.id: p for p in period.program.projects.all()}
    units = {o.id: o for o in Organisation.objects.all()}
    return [
        (projects[p], units[u], drafts.get((p, u)))
        for p, u in expected_reports(period.program)
        if (p, u) not in submitted
    ]


def ranking(*, period: Period, kind: str) -> list[UnitScore]:
    """Rank local units (kind="local") or departments (kind="department") for one period, confirmed data only."""
    kinds = LOCAL_KINDS if kind == "local" else (OrgKind.DEPARTMENT,)
    summaries = (
        Summary.objects.filter(period=period, unit__kind__in=kinds)
        .values("unit")
        .annotate(budget=Sum("budget"), arrived=Sum("arrived"), spent=Sum("spent"))
    )
    completion = defaultdict(list)
    for s in Summary.objects.filter(period=period, unit__kind__in=kinds, completion__isnull=False).values(
        "unit", "completion"
    ):
        completion[s["unit"]].append(s["completion"])
    timely = on_time(period=period)
    units = {o.id: o for o in Organisation.objects.filter(kind__in=kinds)}
    unit_ids = {s["unit"] for s in summaries} | {u for u in timely if u in units}
    money = {s["unit"]: s for s in summaries}
    scores = []
    for uid in unit_ids:
        m = money.get(uid, {"budget": Decimal(0), "arrived": Decimal(0), "spent": Decimal(0)})
        c = completion.get(uid)
        expected, in_time = timely.get(uid, (0, 0))
        score = UnitScore(
            unit=units[uid],
            expected=expected,
            on_time=in_time,
            completion=sum(c, Decimal(0)) / len(c) if c else None,
            arrival=_ratio(m["arrived"], m["budget"]),
            spending=_ratio(m["spent"], m["arrived"]),
        )
        parts = (score.completion, score.arrival, score.spending, score.on_time_rate)
        score.score = sum(
            (w * min(p or Decimal(0), Decimal(1)) for w, p in zip(WEIGHTS, parts, strict=True)), Decimal(0)
        )
        scores.append(score)
    scores.sort(key=lambda s: (-s.score, s.unit.order, s.unit.name))
    for i, s in enumerate(scores, start=1):
        s.rank = i
    return scores
