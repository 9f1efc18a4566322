"""Reads of the performance tables, assembled from the data the system already holds: indicators and targets
(responsibility), funding lines and confirmed reports through reporting's roll-up (``progress_table`` with
``user=None``: the official, confirmed-only figures), so every figure here is the one the 进度表 shows."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Min, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _

from catalogue.models import Program, Project
from core.policy import actor_for, can_any, restrict
from core.todo import INFO, WARNING, TodoItem
from evaluation import scoring
from evaluation.models import MonitoringSheet, PerformanceTarget, SelfEvaluation, Status
from evaluation.rules import led_by_actor, may_decide
from reporting.models import Period
from reporting.models import Status as ReportStatus
from reporting.rollup import BEHIND_TOLERANCE, ProgressRow, progress_table
from responsibility.models import Category, Indicator

#: 双监控 is usually run after July: the default period is 1–7月.
DEFAULT_MONITORING_MONTH = 7
PART_OF = {
    Category.SATISFACTION: "satisfaction",
    Category.ECONOMIC: "benefit",
    Category.SOCIAL: "benefit",
    Category.ECOLOGICAL: "benefit",
    Category.SUSTAINABLE: "benefit",
}


def evaluation_program(*, user: Any, pk: int | None = None) -> Program | None:
    """The program asked for, or the latest published one the user sees (targets are drafted before reporting)."""
    from catalogue.selectors import program_list

    if pk is not None:
        return get_object_or_404(program_list(user=user), pk=pk)
    return program_list(user=user).filter(status=Program.Status.PUBLISHED).order_by("-year").first()


def evaluation_projects(*, user: Any, program: Program, action: str = "view") -> QuerySet[Project]:
    """The projects whose performance tables the user may see (or, with ``change``, draft)."""
    found = led_by_actor(actor_for(user), action, prefix="")
    projects = Project.objects.filter(program=program).select_related("lead_department", "program")
    if found is True:
        return projects.order_by("order")
    if found is False:
        return projects.none()
    return projects.filter(found).order_by("order")


def project_get(*, user: Any, pk: int) -> Project:
    """A project whose performance tables the user may see (404 otherwise)."""
    project = get_object_or_404(Project.objects.select_related("program", "lead_department"), pk=pk)
    get_object_or_404(evaluation_projects(user=user, program=project.program), pk=pk)
    return project


def data_month(program: Program, month: int) -> int | None:
    """The latest reporting period up to ``month`` that has confirmed figures (a quarterly schedule has no period
    in July; a month nobody has reported yet would show nothing), else the latest period up to ``month``."""
    periods = Period.objects.filter(program=program, month__lte=month).order_by("-month")
    found = periods.filter(reports__status=ReportStatus.CONFIRMED).values_list("month", flat=True).first()
    return found or periods.values_list("month", flat=True).first()


def official_row(project: Project, month: int) -> ProgressRow | None:
    """The project's confirmed figures up to ``month`` as the 进度表 has them (the budget whatever the month)."""
    rows = progress_table(
        user=None, program=project.program, month=month, projects=Project.objects.filter(pk=project.pk)
    )
    return rows[0] if rows else None


def _rate(a: Decimal | None, b: Decimal | None) -> Decimal | None:
    return Decimal(a) / Decimal(b) if a is not None and b else None


# --- 绩效目标申报表 ---------------------------------------------------------------------------------------------


@dataclass
class GridRow:
    indicator: Indicator
    target: Decimal | None  # the project's annual target as the 进度表 has it

    @property
    def stated(self) -> str:
        return self.indicator.stated_value(self.target)


@dataclass
class TargetSheet:
    project: Project
    form: PerformanceTarget
    indicators: list[Indicator]
    grid: list[GridRow]
    budget: dict[str, Decimal]
    budget_total: Decimal
    lead: str
    units: list[str]


def target_sheet(*, project: Project) -> TargetSheet:
    """The 申报表's content: the goals (saved or empty), the indicator grid, the money by source, the units."""
    form = PerformanceTarget.objects.filter(project=project).first() or PerformanceTarget(project=project)
    indicators = list(project.indicators.prefetch_related("targets__unit"))
    row = official_row(project, 1)
    units = {u.pk: u.display_name for u in project.implementing_units.order_by("order")}
    for indicator in indicators:
        for target in indicator.targets.all():
            units.setdefault(target.unit_id, target.unit.display_name)
    budget = {label: amount for label, amount in (row.budget.items() if row else []) if amount}
    targets = {d["name"]: d["target"] for d in row.indicators} if row else {}
    return TargetSheet(
        project=project,
        form=form,
        indicators=indicators,
        grid=[GridRow(indicator=i, target=targets.get(i.name, i.target)) for i in indicators],
        budget=budget,
        budget_total=row.budget_total if row else Decimal(0),
        lead=project.lead_department.display_name if project.lead_department else "",
        units=list(units.values()),
    )


# --- 双监控 -------------------------------------------------------------------------------------------------


@dataclass
class MonitoringRow:
    project: Project
    month: int  # the month chosen
    data_month: int | None  # the reporting period the figures come from
    sheet: MonitoringSheet | None
    budget_total: Decimal = Decimal(0)
    spent: Decimal = Decimal(0)
    schedule: Decimal = Decimal(0)
    indicators: list[dict[str, Any]] = field(default_factory=list)
    behind: bool = False

    @property
    def execution_rate(self) -> Decimal | None:
        """预算执行率 = 实际支出 / 预算数."""
        return _rate(self.spent, self.budget_total)

    @property
    def spending_behind(self) -> bool:
        rate = self.execution_rate
        return rate is not None and rate < self.schedule - BEHIND_TOLERANCE

    @property
    def risks(self) -> list[str]:
        found = []
        if self.behind:
            found.append(_("目标完成滞后于序时进度%(n)s个百分点以上") % {"n": int(BEHIND_TOLERANCE * 100)})
        if self.spending_behind:
            found.append(_("预算执行率低于序时进度"))
        if self.sheet and self.sheet.likelihood in ("possible", "impossible"):
            found.append(_("预计完成目标：%(l)s") % {"l": self.sheet.get_likelihood_display()})
        return found

    @property
    def at_risk(self) -> bool:
        return bool(self.risks)


def monitoring_rows(*, user: Any, program: Program, month: int) -> list[MonitoringRow]:
    """One row per visible project: the confirmed figures up to ``month`` (the 进度表's query, once for all
    projects), the 序时 expectation of each indicator and what the lead department added."""
    projects = evaluation_projects(user=user, program=program)
    figures_month = data_month(program, month)
    rows = (
        progress_table(user=None, program=program, month=figures_month, projects=projects)
        if figures_month
        else []
    )
    by_project = {row.project.id: row for row in rows}
    sheets = {
        s.project_id: s
        for s in restrict(MonitoringSheet.objects.filter(project__program=program, month=month), user, "view")
    }
    result = []
    for project in projects:
        row = by_project.get(project.pk)
        item = MonitoringRow(
            project=project, month=month, data_month=figures_month, sheet=sheets.get(project.pk)
        )
        if row is not None:
            item.budget_total, item.spent, item.schedule = row.budget_total, row.spent, row.schedule
            item.behind = row.behind
            forecasts = item.sheet.forecasts if item.sheet else {}
            ids = dict(project.indicators.values_list("name", "id"))
            for ind in row.indicators:
                target = ind["target"]
                iid = ids.get(ind["name"])
                item.indicators.append(
                    {
                        **ind,
                        "id": iid,
                        "expected": target * row.schedule if target is not None else None,
                        "forecast": _dec(forecasts.get(str(iid))),
                    }
                )
        result.append(item)
    return result


def _dec(value: Any) -> Decimal | None:
    try:
        return Decimal(str(value)) if value not in (None, "") else None
    except ArithmeticError:
        return None


def monitoring_row(*, user: Any, project: Project, month: int) -> MonitoringRow:
    rows = monitoring_rows(user=user, program=project.program, month=month)
    return next(r for r in rows if r.project.pk == project.pk)


# --- 单位自评表 ---------------------------------------------------------------------------------------------


def has_satisfaction(project: Project) -> bool:
    return project.indicators.filter(category=Category.SATISFACTION).exists()


@dataclass
class EvaluationSheet:
    project: Project
    evaluation: SelfEvaluation
    result: scoring.Result
    indicators: dict[str, Indicator]
    budget_total: Decimal
    spent: Decimal
    data_month: int | None
    has_satisfaction: bool
    satisfaction_survey: Decimal | None = None  # the surveys' score, used instead of the entered value


def new_evaluation(project: Project) -> SelfEvaluation:
    weights = scoring.default_weights(has_satisfaction=has_satisfaction(project))
    return SelfEvaluation(
        project=project,
        weight_budget=weights["budget"],
        weight_output=weights["output"],
        weight_benefit=weights["benefit"],
        weight_satisfaction=weights["satisfaction"],
    )


def evaluation_sheet(*, project: Project, evaluation: SelfEvaluation | None = None) -> EvaluationSheet:
    """The 自评表 computed from the data: December's confirmed figures (or the latest period), the funding plan,
    the 满意度 from the project's survey waves (surveys.selectors.satisfaction_score) or, when it has none, the
    entered satisfaction value, the notes (not applicable, reasons, qualitative judgements)."""
    if evaluation is None:
        evaluation = SelfEvaluation.objects.filter(project=project).first() or new_evaluation(project)
    month = data_month(project.program, 12)
    row = official_row(project, month) if month else None
    indicators = {str(i.pk): i for i in project.indicators.all()}
    done = {d["name"]: d for d in row.indicators} if row else {}
    notes = evaluation.notes or {}
    budget_total = row.budget_total if row else Decimal(0)
    spent = row.spent if row else Decimal(0)
    budget_note = notes.get("budget", {})
    from surveys.selectors import satisfaction_score

    survey = satisfaction_score(project, year=project.program.year)
    satisfaction = survey if survey is not None else evaluation.satisfaction_value
    lines = [
        scoring.Line(
            key="budget",
            part="budget",
            target=budget_total,
            actual=spent,
            not_applicable=bool(budget_note.get("na")) or not budget_total,
            reason=budget_note.get("reason", ""),
        )
    ]
    for key, indicator in indicators.items():
        note = notes.get(key, {})
        part = PART_OF.get(indicator.category, "output")
        figures = done.get(indicator.name, {})
        actual = satisfaction if part == "satisfaction" else figures.get("done")
        lines.append(
            scoring.Line(
                key=key,
                part=part,
                operator=indicator.operator,
                polarity=indicator.polarity,
                target=figures.get("target", indicator.target),
                actual=actual,
                judgement=note.get("judgement", ""),
                not_applicable=bool(note.get("na")),
                reason=note.get("reason", ""),
            )
        )
    return EvaluationSheet(
        project=project,
        evaluation=evaluation,
        result=scoring.score(lines, evaluation.weights),
        indicators=indicators,
        budget_total=budget_total,
        spent=spent,
        data_month=month,
        has_satisfaction=any(line.part == "satisfaction" for line in lines),
        satisfaction_survey=survey,
    )


# --- the home page's queues ---------------------------------------------------------------------------------


def todo_items(*, user: Any) -> list[TodoItem]:
    """民生办: 申报表 and 自评表 waiting for review; a lead department: its tables returned for correction.
    One aggregate query per queue."""
    items: list[TodoItem] = []
    if may_decide(user):
        government = actor_for(user).government_id
        for model, key, label in (
            (PerformanceTarget, "evaluation.targets", _("绩效目标申报表待审核")),
            (SelfEvaluation, "evaluation.self", _("绩效自评表待复核")),
        ):
            waiting = model.objects.filter(status=Status.SUBMITTED)
            if government is not None:  # a lower government's tables are reviewed by its own 民生办
                waiting = waiting.filter(project__program__issuer__government_id=government)
            agg = restrict(waiting, user, "view").aggregate(n=Count("id"), program=Min("project__program_id"))
            url = (
                reverse("evaluation:index_program", args=[agg["program"]])
                if agg["n"]
                else reverse("evaluation:index")
            )
            items.append(
                TodoItem(key=key, place=_("绩效管理"), label=label, count=agg["n"], url=url, severity=INFO)
            )
    elif can_any(user, "change", PerformanceTarget):
        for model, key, label in (
            (PerformanceTarget, "evaluation.targets_returned", _("绩效目标申报表被退回")),
            (SelfEvaluation, "evaluation.self_returned", _("绩效自评表被退回")),
        ):
            agg = restrict(model.objects.filter(status=Status.RETURNED), user, "change").aggregate(
                n=Count("id"), program=Min("project__program_id")
            )
            if agg["n"]:
                items.append(
                    TodoItem(
                        key=key,
                        place=_("绩效管理"),
                        label=label,
                        count=agg["n"],
                        url=reverse("evaluation:index_program", args=[agg["program"]]),
                        severity=WARNING,
                    )
                )
    return items


# --- 目标管理绩效考评 -----------------------------------------------------------------------------------------

#: The page of each counted data row's model (drill-down links).
ROW_PAGES = {
    "reporting.report": "reporting:report_detail",
    "supervision.finding": "supervision:finding_detail",
    "upkeep.asset": "upkeep:asset_detail",
    "responsibility.letter": "responsibility:letter_detail",
    "catalogue.project": "catalogue:project_detail",
}
SAMPLE_PAGES = {
    "reports": "reporting:report_detail",
    "findings": "supervision:finding_detail",
    "assets": "upkeep:asset_detail",
}


def assessment_scheme(*, program: Program) -> Any:
    from evaluation.models import Scheme

    return Scheme.objects.filter(program=program).prefetch_related("tracks__items", "tracks__scorer").first()


def assessment_runs(*, user: Any, scheme: Any) -> QuerySet[Any]:
    from evaluation.models import Run

    return restrict(Run.objects.filter(scheme=scheme), user)


def run_get(*, user: Any, pk: int) -> Any:
    from evaluation.models import Run

    return get_object_or_404(restrict(Run.objects.select_related("scheme__program"), user), pk=pk)


def run_results(*, user: Any, run: Any) -> dict[str, list[Any]]:
    """Visible unit results of ``run`` by group (towns, departments), best first."""
    from evaluation.models import Applies, UnitResult

    rows = restrict(UnitResult.objects.filter(run=run).select_related("unit"), user).order_by(
        "group", "rank", "unit__order"
    )
    out: dict[str, list[Any]] = {Applies.LOCAL: [], Applies.DEPARTMENT: []}
    for r in rows:
        out.setdefault(r.group, []).append(r)
    return out


def result_get(*, user: Any, pk: int) -> Any:
    """A unit's result whose details the user may see (the unit itself, district-wide roles, scorers)."""
    from evaluation.models import ItemScore, UnitResult

    result = get_object_or_404(
        restrict(UnitResult.objects.select_related("unit", "run__scheme__program"), user), pk=pk
    )
    if (
        not restrict(ItemScore.objects.filter(result=result), user).exists()
        and not actor_for(user).is_staff_wide
    ):
        raise Http404
    return result


def result_items(*, user: Any, result: Any) -> list[Any]:
    from evaluation.models import ItemScore

    return list(
        restrict(ItemScore.objects.filter(result=result), user)
        .select_related("item__track")
        .prefetch_related("objections")
        .order_by("item__track__order", "item__order")
    )


def score_get(*, user: Any, pk: int) -> Any:
    from evaluation.models import ItemScore

    return get_object_or_404(
        restrict(
            ItemScore.objects.select_related("item__track", "result__unit", "result__run__scheme__program"),
            user,
        ),
        pk=pk,
    )


def score_rows(score: Any) -> list[dict[str, Any]]:
    """The data rows that produced an automatic score, each with the link to its page."""
    out = []
    for row in score.detail.get("rows", []):
        page = ROW_PAGES.get(row.get("model"))
        url = reverse(page, args=[row["id"]]) if page and row.get("id") else ""
        out.append({**row, "url": url})
    return out


def sample_rows(score: Any) -> list[tuple[Any, str]]:
    return [
        (
            check,
            reverse(SAMPLE_PAGES[check.source], args=[check.object_id])
            if check.source in SAMPLE_PAGES
            else "",
        )
        for check in score.samples.all()
    ]


def published_runs(*, program: Program) -> QuerySet[Any]:
    from evaluation.models import Run, RunStatus

    return Run.objects.filter(scheme__program=program, status=RunStatus.PUBLISHED).order_by(
        "-annual", "-month"
    )


def public_runs(*, program: int | None = None, pk: int | None = None) -> list[tuple[Any, list[Any]]]:
    """The published runs of published (non-sample) programs with their results, best first in each group: for
    the public API (two queries whatever the number of runs)."""
    from evaluation.models import Run, RunStatus, UnitResult

    runs = Run.objects.filter(
        status=RunStatus.PUBLISHED,
        scheme__program__status=Program.Status.PUBLISHED,
        scheme__program__is_sample=False,
    ).select_related("scheme__program")
    if program is not None:
        runs = runs.filter(scheme__program_id=program)
    if pk is not None:
        runs = runs.filter(pk=pk)
    runs = list(runs.order_by("-scheme__program__year", "-annual", "-month", "id"))
    per: dict[int, list[Any]] = {r.pk: [] for r in runs}
    for result in (
        UnitResult.objects.filter(run__in=runs)
        .select_related("unit")
        .order_by("group", "rank", "unit__order")
    ):
        per[result.run_id].append(result)
    return [(r, per[r.pk]) for r in runs]


def public_results(*, run: Any) -> list[Any]:
    """Totals and 档次 per unit of a published run (nothing personal: unit, score, band, rank)."""
    from evaluation.models import UnitResult

    return list(
        UnitResult.objects.filter(run=run).select_related("unit").order_by("group", "rank", "unit__order")
    )


# --- 正向激励和刚性约束 ----------------------------------------------------------------------------------------


def reward_pool(*, run: Any) -> Any:
    from evaluation.models import RewardPool

    return RewardPool.objects.filter(run=run).select_related("project__program").first()


def reward_shares(*, user: Any, run: Any) -> list[Any]:
    """The visible shares of ``run``'s allocated pool (a unit: its own)."""
    from evaluation.models import RewardShare

    return list(
        restrict(RewardShare.objects.filter(pool__run=run), user)
        .select_related("result__unit", "line__project")
        .order_by("result__group", "result__rank", "result__unit__order")
    )


def reward_preview(*, pool: Any) -> tuple[list[Any], str]:
    """The shares ``pool`` would give (nothing written) and the refusal, if any, in Chinese."""
    from django.core.exceptions import ValidationError

    from evaluation import incentives

    try:
        return incentives.plan(pool, list(pool.run.results.select_related("unit"))), ""
    except ValidationError as exc:
        return [], "；".join(exc.messages)


def pool_projects(*, user: Any, program: Program) -> QuerySet[Project]:
    """Projects a pool may be recorded on: this year's and next year's, that the user may plan."""
    return (
        restrict(Project.objects.filter(program__year__in=[program.year, program.year + 1]), user, "view")
        .select_related("program")
        .order_by("program__year", "order", "name")
    )


def constraints(*, user: Any, run: Any = None, unit: Any = None, program: Any = None) -> list[Any]:
    from evaluation.models import Constraint

    qs = Constraint.objects.select_related("unit", "run__scheme__program")
    if run is not None:
        qs = qs.filter(run=run)
    if unit is not None:
        qs = qs.filter(unit=unit)
    if program is not None:
        qs = qs.filter(program=program)
    return list(restrict(qs, user).order_by("date", "id"))


def constraint_suggestions(*, run: Any, recorded: list[Any]) -> list[tuple[Any, str]]:
    """The units the scheme advises constraining (evaluation.incentives.suggestions), less those with a
    constraint recorded on this run."""
    from evaluation import incentives

    done = {c.unit_id for c in recorded if c.run_id == run.pk}
    results = list(run.results.select_related("unit"))
    return [(r, why) for r, why in incentives.suggestions(run.scheme, results) if r.unit_id not in done]


def unit_incentives(*, user: Any, result: Any) -> dict[str, Any]:
    """A unit's reward share of ``result``'s run and its constraints of the year, as the user may see them."""
    from evaluation.models import RewardShare

    share = (
        restrict(RewardShare.objects.filter(result=result), user)
        .select_related("pool", "line__project__program")
        .first()
    )
    return {
        "share": share,
        "constraints": constraints(user=user, unit=result.unit, program=result.run.scheme.program),
    }


def run_incentives_summary(*, user: Any, run: Any) -> dict[str, Any] | None:
    """The run page's 奖补与约束 line (district-wide roles only; None for the others)."""
    from evaluation.models import Constraint
    from evaluation.rules import may_see_incentives

    if not may_see_incentives(user):
        return None
    return {
        "pool": reward_pool(run=run),
        "constraints": restrict(Constraint.objects.filter(run=run), user).count(),
    }


def notice_rewards(*, run: Any) -> list[Any]:
    """The allocated shares the results notice lists (the notice is the office's official document)."""
    from evaluation.models import PoolStatus, RewardShare

    return list(
        RewardShare.objects.filter(pool__run=run, pool__status=PoolStatus.ALLOCATED)
        .select_related("result__unit", "pool")
        .order_by("result__group", "result__rank", "result__unit__order")
    )


def notice_constraints(*, run: Any) -> list[Any]:
    from evaluation.models import Constraint

    return list(Constraint.objects.filter(run=run).select_related("unit").order_by("kind", "date", "id"))
