"""目标管理绩效考评: the computation of a run (pure reads, a fixed number of queries whatever the number of units).

Every automatic item is computed from one "fact" list per metric: rows (unit, lead department of the project,
passed?, what it is) read once for the whole program; a 单项 track (scored by a lead department) counts only the
rows of the projects that department leads. The score of each rule kind:

- rate metrics (序时完成, 到位率, 支出率, 按时报送, 整改率, 公示, 管护主体, 责任状): points × rate, the rate capped at
  100%; a unit with nothing to count (no row) gets the full points ("无应计事项");
- 退回 (returned reports): points − per failure × returned reports, not below 0;
- 满意度: points × score / 100 from ``satisfaction_scores`` (None = no survey data: the item is scored by hand);
- manual: the score the scorer enters (with evidence and name);
- 抽样扣分: points − per failure × failing samples, not below 0 (capped at the item's points).

A unit's total is Σ item scores rescaled to 100 over the points of the tracks that apply to it (a scheme of 100
points applying to every unit is not rescaled); 档次 by the scheme's bands (lower bound inclusive); towns and
departments are ranked apart, equal shown totals sharing a rank (reporting.rollup.assign_ranks)."""

from __future__ import annotations

import calendar
import datetime as dt
import random
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from catalogue.models import Program, Project
from core.numbers import safe_quantize
from evaluation.models import DEFAULT_BANDS, Applies, Item, Metric, RuleKind, SampleSource, Scheme, TrackKind
from orgs.models import LOCAL_KINDS, Organisation, OrgKind

ZERO, ONE, HUNDRED = Decimal(0), Decimal(1), Decimal(100)
CENT = Decimal("0.01")

#: The formula of each metric, as the item page shows it.
FORMULAS: dict[str, Any] = {
    Metric.SCHEDULE: _(
        "得分 = 分值 × 序时完成率；序时完成率 = 各项目（本单位）任务完成率 ÷ 序时进度的平均值，每项以100%封顶（只计民生办已确认的报表）"
    ),
    Metric.ARRIVAL: _("得分 = 分值 × 资金到位率；到位率 = 累计到位资金 ÷ 计划资金，以100%封顶（已确认报表）"),
    Metric.SPENDING: _(
        "得分 = 分值 × 资金支出率；支出率 = 累计支出 ÷ 累计到位资金，以100%封顶（已确认报表）"
    ),
    Metric.ON_TIME: _(
        "得分 = 分值 × 按时报送率；按时报送率 = 截止日前提交的报表数 ÷ 应报报表数（未报按未按时计）"
    ),
    Metric.RETURNED: _("得分 = 分值 − 每处扣分 × 被退回的报表数，扣完为止"),
    Metric.RECTIFIED: _("得分 = 分值 × 整改率；整改率 = 整改期限内销号的问题数 ÷ 整改期限已到的问题数"),
    Metric.DISCLOSED: _("得分 = 分值 × 按期公示率；按期公示率 = 应公示日期前开始公示的事项数 ÷ 应公示事项数"),
    Metric.CUSTODIAN: _("得分 = 分值 × 落实率；落实率 = 已明确管护主体的资产数 ÷ 资产数（计入项目牵头部门）"),
    Metric.LETTERS: _("得分 = 分值 × 已签订的目标责任状数 ÷ 应签订数"),
    Metric.SATISFACTION: _("得分 = 分值 × 满意度得分 ÷ 100（来自满意度调查；无调查数据时人工评分）"),
}
MANUAL_FORMULA = _("人工评分：评分单位按评分标准打分，注明依据和评分人")
SAMPLE_FORMULA = _("得分 = 分值 − 每处扣分 × 抽查不合格数，扣完为止（随机抽取本单位的记录逐一检查）")
NOTHING = _("无应计事项，得满分")

#: Metrics counted as "points − per failure × failures".
DEDUCTING = {Metric.RETURNED}
#: Metrics whose rate is Σ amounts ÷ Σ amounts.
WEIGHTED = {Metric.ARRIVAL, Metric.SPENDING}


def formula(item: Item) -> Any:
    if item.rule == RuleKind.MANUAL:
        return MANUAL_FORMULA
    if item.rule == RuleKind.SAMPLE:
        return SAMPLE_FORMULA
    return FORMULAS.get(item.metric, "")


def satisfaction_scores(*, program: Program, unit_ids: list[int]) -> dict[int, Decimal] | None:
    """unit id → 0–100 satisfaction score of ``program``'s survey waves, or None when no survey data exists (the
    questionnaire items are then scored by hand). The surveys app plugs in here (one query for all units)."""
    try:
        from surveys import selectors as survey_selectors  # type: ignore[import-not-found]
    except ImportError:
        return None
    reader = getattr(survey_selectors, "unit_satisfaction_scores", None)
    if reader is None:
        return None
    return reader(program=program, unit_ids=unit_ids)


def band_for(score: Decimal, bands: list[dict[str, Any]]) -> str:
    """The 档次 of ``score``: the first band (highest first) whose minimum it reaches (lower bound inclusive)."""
    shown = safe_quantize(score, CENT)
    for band in sorted(bands or DEFAULT_BANDS, key=lambda b: Decimal(str(b["min"])), reverse=True):
        if shown >= Decimal(str(band["min"])):
            return str(band["label"])
    return str((bands or DEFAULT_BANDS)[-1]["label"])


def month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


# --- facts --------------------------------------------------------------------------------------------------


@dataclass(slots=True)
class Fact:
    """One counted data row: for ``unit``, on a project led by ``lead``; ``ok`` passed; ``ref`` what it is
    (model label + id, for the drill-down link) and ``text`` how it reads; ``num``/``den`` for weighted rates."""

    unit: int
    lead: int | None
    ok: bool
    model: str
    ref: int | None
    text: str
    num: Decimal = ONE
    den: Decimal = ONE


@dataclass
class Facts:
    by_metric: dict[str, list[Fact]] = field(default_factory=lambda: defaultdict(list))

    def for_unit(self, metric: str, unit: int, lead: int | None) -> list[Fact]:
        rows = [f for f in self.by_metric.get(metric, []) if f.unit == unit]
        return rows if lead is None else [f for f in rows if f.lead == lead]


def _index(facts: list[Fact]) -> dict[int, list[Fact]]:
    out: dict[int, list[Fact]] = defaultdict(list)
    for f in facts:
        out[f.unit].append(f)
    return out


def assessed_projects(program: Program) -> Any:
    return Project.objects.filter(program=program, assessed=True)


def assessed_pairs(program: Program) -> list[tuple[int, int, int | None]]:
    """(project id, unit id, lead department id) owing a report every period, of ``program``'s assessed projects:
    the implementing units, or the lead department when a project has none (reporting.rules.reporting_units), in
    two flat queries."""
    through = Project.implementing_units.through
    leads = dict(assessed_projects(program).order_by("order", "id").values_list("id", "lead_department_id"))
    pairs: list[tuple[int, int, int | None]] = []
    with_units: set[int] = set()
    for project_id, unit_id in (
        through.objects.filter(project_id__in=list(leads))
        .order_by("project__order", "project_id", "organisation__order", "organisation_id")
        .values_list("project_id", "organisation_id")
    ):
        pairs.append((project_id, unit_id, leads[project_id]))
        with_units.add(project_id)
    pairs += [(p, lead, lead) for p, lead in leads.items() if p not in with_units and lead is not None]
    return pairs


def gather(
    *, program: Program, month: int, metrics: set[str], pairs: list[tuple[int, int, int | None]] | None = None
) -> dict[str, dict[int, list[Fact]]]:
    """The facts of every metric in ``metrics`` for the whole program up to ``month``, indexed by unit (one query
    per metric kind; ``pairs``: assessed_pairs(program), when the caller has them)."""
    from django.db import connection
    from django.db.models import Case, Value, When

    from reporting.models import Period, Report, Transition
    from reporting.rollup import deadline_cutoff, progress_table

    projects = assessed_projects(program)
    cutoff = month_end(program.year, month)
    out: dict[str, list[Fact]] = defaultdict(list)
    if metrics & {Metric.SCHEDULE, Metric.ARRIVAL, Metric.SPENDING}:
        for row in progress_table(user=None, program=program, month=month, per_unit=True, projects=projects):
            if row.unit is None:
                continue
            lead = row.project.lead_department.id if row.project.lead_department else None
            if row.completion is not None:
                rate = ONE if not row.schedule else min(row.completion / row.schedule, ONE)
                out[Metric.SCHEDULE].append(
                    Fact(
                        row.unit.id,
                        lead,
                        rate >= ONE,
                        "catalogue.project",
                        row.project.id,
                        f"{row.project.name}：完成{_pct(row.completion)}，序时{_pct(row.schedule)}",
                        num=rate,
                    )
                )
            if row.budget_total:
                out[Metric.ARRIVAL].append(
                    Fact(
                        row.unit.id,
                        lead,
                        row.arrived >= row.budget_total,
                        "catalogue.project",
                        row.project.id,
                        f"{row.project.name}：到位{_wan(row.arrived)}万元 / 计划{_wan(row.budget_total)}万元",
                        num=row.arrived,
                        den=row.budget_total,
                    )
                )
            if row.arrived or row.budget_total:  # money planned but nothing arrived: nothing spent (0%)
                out[Metric.SPENDING].append(
                    Fact(
                        row.unit.id,
                        lead,
                        row.spent >= row.arrived,
                        "catalogue.project",
                        row.project.id,
                        f"{row.project.name}：支出{_wan(row.spent)}万元 / 到位{_wan(row.arrived)}万元",
                        num=row.spent,
                        den=row.arrived,
                    )
                )
    if metrics & {Metric.ON_TIME, Metric.RETURNED}:
        periods = list(Period.objects.filter(program=program, month__lte=month).order_by("month"))
        pairs = assessed_pairs(program) if pairs is None else pairs
        names = dict(projects.values_list("id", "name"))
        returned = Transition.objects.filter(report=OuterRef("pk"), to_status="returned")
        timely = Q()
        for period in periods:  # on time: submitted before the first instant after the period's deadline day
            timely |= Q(period_id=period.id, submitted_at__lt=deadline_cutoff(period))
        reports: dict[tuple[int, int, int], Any] = {}
        if periods:  # (an empty Q() cannot be a When() condition)
            flags = (
                Report.objects.filter(period__in=periods, project__in=projects)
                .annotate(
                    was_returned=Exists(returned),
                    on_time=Case(When(timely, then=Value(1)), default=Value(0)),
                    submitted=Case(When(submitted_at__isnull=False, then=Value(1)), default=Value(0)),
                )
                .values_list(
                    "id", "project_id", "unit_id", "period_id", "on_time", "submitted", "was_returned"
                )
                .order_by()
            )
            sql, params = flags.query.sql_with_params()
            with connection.cursor() as cursor:  # ids and 0/1 flags: no field converters needed
                cursor.execute(sql, params)
                reports = {(r[1], r[2], r[3]): r for r in cursor.fetchall()}
        on_time, deducting = Metric.ON_TIME in metrics, Metric.RETURNED in metrics
        for period in periods:
            label = period.label
            for project_id, unit_id, lead in pairs:
                r = reports.get((project_id, unit_id, period.id))
                if on_time:
                    if r is None:
                        out[Metric.ON_TIME].append(
                            Fact(
                                unit_id,
                                lead,
                                False,
                                "reporting.report",
                                None,
                                f"{label} {names[project_id]}：未报送",
                            )
                        )
                    else:
                        state = "按时报送" if r[4] else ("逾期报送" if r[5] else "未报送")
                        out[Metric.ON_TIME].append(
                            Fact(
                                unit_id,
                                lead,
                                bool(r[4]),
                                "reporting.report",
                                r[0],
                                f"{label} {names[project_id]}：{state}",
                            )
                        )
                if deducting and r is not None and r[6]:
                    out[Metric.RETURNED].append(
                        Fact(
                            unit_id,
                            lead,
                            False,
                            "reporting.report",
                            r[0],
                            f"{label} {names[project_id]}：被退回",
                        )
                    )
    if Metric.RECTIFIED in metrics:
        from supervision.models import Finding

        for f in (
            Finding.objects.filter(
                Q(project__program=program, project__assessed=True)
                | Q(project__isnull=True, inspection__program=program),
                deadline__lte=cutoff,
            )
            .values(
                "id", "responsible_id", "project__lead_department_id", "deadline", "closed_at", "description"
            )
            .order_by("deadline", "id")
        ):
            closed = f["closed_at"].date() if f["closed_at"] else None
            ok = closed is not None and closed <= f["deadline"]
            state = f"{closed}销号" if closed else "未销号"
            out[Metric.RECTIFIED].append(
                Fact(
                    f["responsible_id"],
                    f["project__lead_department_id"],
                    ok,
                    "supervision.finding",
                    f["id"],
                    f"{f['description'][:40]}（期限{f['deadline']}，{state}）",
                )
            )
    if Metric.DISCLOSED in metrics:
        from disclosure.models import Disclosure

        for d in Disclosure.objects.filter(
            Q(project__isnull=True) | Q(project__assessed=True), program=program, due__lte=cutoff
        ).values("id", "unit_id", "project__lead_department_id", "due", "start", "title"):
            ok = d["start"] is not None and d["start"] <= d["due"]
            out[Metric.DISCLOSED].append(
                Fact(
                    d["unit_id"],
                    d["project__lead_department_id"],
                    ok,
                    "disclosure.disclosure",
                    d["id"],
                    f"{d['title'][:40]}（应公示{d['due']}，{d['start'] or '未公示'}）",
                )
            )
    if Metric.CUSTODIAN in metrics:
        from upkeep.models import Asset

        for a in Asset.objects.filter(project__in=projects, project__lead_department__isnull=False).values(
            "id", "name", "custodian_id", "project__lead_department_id"
        ):
            lead = a["project__lead_department_id"]
            out[Metric.CUSTODIAN].append(
                Fact(
                    lead,
                    lead,
                    a["custodian_id"] is not None,
                    "upkeep.asset",
                    a["id"],
                    f"{a['name']}：" + ("已明确管护主体" if a["custodian_id"] else "未明确管护主体"),
                )
            )
    if Metric.LETTERS in metrics:
        from responsibility.models import Letter

        for letter in Letter.objects.filter(program=program).values("id", "organisation_id", "status"):
            ok = letter["status"] == Letter.Status.SIGNED
            out[Metric.LETTERS].append(
                Fact(
                    letter["organisation_id"],
                    None,
                    ok,
                    "responsibility.letter",
                    letter["id"],
                    "目标责任状已签订" if ok else "目标责任状未签订",
                )
            )
    return {metric: _index(rows) for metric, rows in out.items()}


def _pct(value: Decimal | None) -> str:
    return "—" if value is None else f"{safe_quantize(value * HUNDRED, Decimal('0.1'))}%"


def _wan(value: Decimal) -> str:
    from core.numbers import yuan_to_wan

    return f"{yuan_to_wan(value)}"


# --- scoring ------------------------------------------------------------------------------------------------


@dataclass
class Computed:
    """The outcome of one item for one unit: the score (None = to be scored by hand) and its explanation."""

    score: Decimal | None
    detail: dict[str, Any]


def score_facts(item: Item, facts: list[Fact]) -> Computed:
    """Score an automatic item from the unit's facts (the rules in the module docstring)."""
    points = Decimal(item.points)
    rows = [{"model": f.model, "id": f.ref, "ok": f.ok, "text": f.text} for f in facts]
    if item.metric in DEDUCTING:
        per = Decimal(item.per_failure if item.per_failure is not None else 1)
        failures = sum(1 for f in facts if not f.ok)
        score = max(points - per * failures, ZERO)
        return Computed(
            safe_quantize(score, CENT),
            {"failures": failures, "per_failure": str(per), "rows": rows, "shown": f"{failures}×{per}"},
        )
    if not facts:
        return Computed(points, {"rows": [], "nothing": True})
    if item.metric == Metric.SCHEDULE:  # the mean of capped per-project rates
        rate = sum((f.num for f in facts), ZERO) / len(facts)
    elif item.metric in WEIGHTED:  # money: Σ numerators ÷ Σ denominators
        den = sum((f.den for f in facts), ZERO)
        rate = sum((f.num for f in facts), ZERO) / den if den else ZERO
    else:  # counted rows: passed ÷ counted
        rate = Decimal(sum(1 for f in facts if f.ok)) / len(facts)
    rate = min(rate, ONE)
    return Computed(
        safe_quantize(points * rate, CENT),
        {"rate": str(safe_quantize(rate, Decimal("0.0001"))), "counted": len(facts), "rows": rows},
    )


def score_samples(item: Item, results: list[bool | None]) -> Decimal:
    """抽样扣分: points − per failure × failures (an unchecked sample is not a failure), not below 0."""
    per = Decimal(item.per_failure if item.per_failure is not None else 1)
    failures = sum(1 for r in results if r is False)
    return safe_quantize(max(Decimal(item.points) - per * failures, ZERO), CENT)


def unit_total(scores: list[tuple[Decimal | None, Decimal]]) -> Decimal:
    """(score, points) of the unit's items → the total rescaled to 100 (an unscored item counts 0)."""
    points = sum((p for _, p in scores), ZERO)
    got = sum((s or ZERO for s, _ in scores), ZERO)
    return safe_quantize(got * HUNDRED / points, CENT) if points else ZERO


# --- units and samples --------------------------------------------------------------------------------------


def assessed_units(
    program: Program, pairs: list[tuple[int, int, int | None]] | None = None
) -> list[tuple[Organisation, str]]:
    """(organisation, group) of the units assessed on ``program``: the towns and departments that report on or
    lead an assessed project, or hold a 目标责任状 of the year."""
    from responsibility.models import Letter

    ids: set[int] = set()
    for _project_id, unit_id, lead in assessed_pairs(program) if pairs is None else pairs:
        ids.add(unit_id)
        if lead:
            ids.add(lead)
    letters = Letter.objects.filter(program=program).values("organisation_id")
    units = Organisation.objects.filter(
        Q(id__in=ids) | Q(id__in=letters), kind__in=[*LOCAL_KINDS, OrgKind.DEPARTMENT]
    ).order_by("order", "name")
    return [(u, Applies.LOCAL if u.kind in LOCAL_KINDS else Applies.DEPARTMENT) for u in units]


def sample_candidates(*, program: Program, sources: set[str]) -> dict[str, dict[int, list[tuple[int, str]]]]:
    """source → unit id → [(record id, label)] of the records a 抽样 item may draw from, one query per source."""
    out: dict[str, dict[int, list[tuple[int, str]]]] = {}
    projects = assessed_projects(program)
    if SampleSource.REPORTS in sources:
        from reporting.models import Report

        rows: dict[int, list[tuple[int, str]]] = defaultdict(list)
        for r in (
            Report.objects.filter(project__in=projects)
            .values("id", "unit_id", "period__label", "project__name")
            .order_by("id")
        ):
            rows[r["unit_id"]].append((r["id"], f"{r['period__label']} {r['project__name']}"))
        out[SampleSource.REPORTS] = rows
    if SampleSource.FINDINGS in sources:
        from supervision.models import Finding

        rows = defaultdict(list)
        for f in (
            Finding.objects.filter(
                Q(project__in=projects) | Q(project__isnull=True, inspection__program=program)
            )
            .values("id", "responsible_id", "description")
            .order_by("id")
        ):
            rows[f["responsible_id"]].append((f["id"], f["description"][:60]))
        out[SampleSource.FINDINGS] = rows
    if SampleSource.ASSETS in sources:
        from upkeep.models import Asset

        rows = defaultdict(list)
        for a in (
            Asset.objects.filter(project__in=projects)
            .values("id", "name", "custodian_id", "project__lead_department_id")
            .order_by("id")
        ):
            for unit in {a["custodian_id"], a["project__lead_department_id"]} - {None}:
                rows[unit].append((a["id"], a["name"][:60]))
        out[SampleSource.ASSETS] = rows
    return out


def draw(candidates: list[tuple[int, str]], size: int, seed: int) -> list[tuple[int, str]]:
    """A reproducible random sample (the run's seed, the item and the unit make the seed)."""
    if len(candidates) <= size:
        return list(candidates)
    return sorted(random.Random(seed).sample(candidates, size))


def scheme_items(scheme: Scheme) -> list[Item]:
    return list(
        Item.objects.filter(track__scheme=scheme).select_related("track").order_by("track__order", "order")
    )


def applies(track_applies: str, group: str) -> bool:
    return track_applies == Applies.BOTH or track_applies == group


def is_manual(item: Item, satisfaction: dict[int, Decimal] | None) -> bool:
    return item.rule == RuleKind.MANUAL or (
        item.rule == RuleKind.AUTO and item.metric == Metric.SATISFACTION and satisfaction is None
    )


@dataclass
class Computation:
    """One run's computation before anything is written: the scheme's items, the assessed units, the survey
    scores, and the outcome of every automatic item (satisfaction included) per (unit id, item id)."""

    items: list[Item]
    units: list[tuple[Organisation, str]]
    satisfaction: dict[int, Decimal] | None
    scores: dict[tuple[int, int], Computed]


def compute(*, scheme: Scheme, month: int) -> Computation:
    """Every automatic item of every assessed unit of ``scheme`` up to ``month``, in a fixed number of queries
    (one per metric kind, whatever the number of units): pure reads, written by services.run_compute."""
    program = scheme.program
    items = scheme_items(scheme)
    pairs = assessed_pairs(program)
    units = assessed_units(program, pairs)
    satisfaction = satisfaction_scores(program=program, unit_ids=[u.pk for u, _ in units])
    metrics = {i.metric for i in items if i.rule == RuleKind.AUTO and i.metric}
    facts = gather(program=program, month=month, metrics=metrics, pairs=pairs)
    scores: dict[tuple[int, int], Computed] = {}
    for unit, group in units:
        for item in items:
            if item.rule != RuleKind.AUTO or not applies(item.track.applies_to, group):
                continue
            if is_manual(item, satisfaction):
                continue
            if item.metric == Metric.SATISFACTION:
                value = (satisfaction or {}).get(unit.pk)
                scores[unit.pk, item.pk] = Computed(
                    safe_quantize(Decimal(item.points) * Decimal(value) / 100, CENT)
                    if value is not None
                    else Decimal(item.points),
                    {"satisfaction": str(value) if value is not None else None},
                )
                continue
            rows = facts.get(item.metric, {}).get(unit.pk, [])
            lead = item.track.scorer_id
            if lead is not None:
                rows = [f for f in rows if f.lead == lead]
            scores[unit.pk, item.pk] = score_facts(item, rows)
    return Computation(items=items, units=units, satisfaction=satisfaction, scores=scores)


def template_tracks() -> list[dict[str, Any]]:
    """The default scheme (安徽 民生工程考核 structure: 综合考核 50 + 单项考核 40 + 社会问卷调查 10), editable
    after creation. The 单项 track is one per lead department, its 40 points split over the same items."""
    return [
        {
            "name": "综合考核",
            "kind": TrackKind.COMPREHENSIVE,
            "applies_to": Applies.BOTH,
            "items": [
                ("目标任务序时完成", 10, RuleKind.AUTO, Metric.SCHEDULE, {}),
                ("资金到位", 5, RuleKind.AUTO, Metric.ARRIVAL, {}),
                ("资金支出", 5, RuleKind.AUTO, Metric.SPENDING, {}),
                ("调度报表按时报送", 5, RuleKind.AUTO, Metric.ON_TIME, {}),
                ("调度报表质量（被退回扣分）", 3, RuleKind.AUTO, Metric.RETURNED, {"per_failure": 1}),
                ("督查问题按期整改", 8, RuleKind.AUTO, Metric.RECTIFIED, {}),
                ("信息公开按期公示", 4, RuleKind.AUTO, Metric.DISCLOSED, {}),
                ("工程管护主体落实", 2, RuleKind.AUTO, Metric.CUSTODIAN, {}),
                ("目标责任状签订", 3, RuleKind.AUTO, Metric.LETTERS, {}),
                ("组织领导和宣传工作", 5, RuleKind.MANUAL, "", {}),
            ],
        },
        {
            "name": "单项考核",
            "kind": TrackKind.SINGLE,
            "applies_to": Applies.LOCAL,
            "items": [
                ("单项工程序时完成", 20, RuleKind.AUTO, Metric.SCHEDULE, {}),
                ("单项资金支出", 10, RuleKind.AUTO, Metric.SPENDING, {}),
                (
                    "抽样核查（每处不合格扣2分）",
                    10,
                    RuleKind.SAMPLE,
                    "",
                    {"per_failure": 2, "sample_source": SampleSource.REPORTS, "sample_size": 3},
                ),
            ],
        },
        {
            "name": "社会问卷调查",
            "kind": TrackKind.QUESTIONNAIRE,
            "applies_to": Applies.BOTH,
            "items": [("群众满意度", 10, RuleKind.AUTO, Metric.SATISFACTION, {})],
        },
    ]
