"""The reporting workflow: 草稿 → 已提交 → 部门审核通过 / 退回 → 民生办确认 / 退回; unlock with a reason.

Every transition is a Transition row plus an audit row, inside one transaction; summaries of confirmed data
are recomputed after the transaction commits.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from catalogue.models import Program, Project
from core.numbers import is_sane, quantity_text, wan_text
from core.policy import can, can_any
from core.services import ConflictError, audit_record, model_snapshot, rows_insert, versioned_save
from funding.models import Source
from orgs.models import Organisation
from orgs.rules import may_act_for_unit
from reporting import rules
from reporting.models import Period, Report, ReportFunds, ReportValue, Schedule, Status, Transition
from reporting.rules import may_confirm_report, may_review_report, may_unlock_report, reporting_units

EDITABLE = rules.EDITABLE
OVER_TARGET = Decimal("1.2")  # completion above 120 % of the target needs an explanation
BEHIND_SCHEDULE = Decimal("0.3")  # spending more than 30 points behind 序时进度 needs an explanation


# --- periods ----------------------------------------------------------------------------------------------


def _deadline(year: int, month: int, day: int) -> dt.date:
    year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return dt.date(year, month, min(day, calendar.monthrange(year, month)[1]))


@transaction.atomic
def periods_open(
    *, actor: Any, program: Program, frequency: str | None = None, deadline_day: int | None = None
) -> list[Period]:
    """Create the reporting periods of a program's year (12 months or 4 quarters), idempotently."""
    if not can_any(actor, "add", Period):
        raise PermissionDenied("只有民生办可以设置报送期")
    schedule, _ = Schedule.objects.get_or_create(program=program)
    if frequency or deadline_day:
        before = model_snapshot(schedule)
        schedule.frequency = frequency or schedule.frequency
        schedule.deadline_day = deadline_day or schedule.deadline_day
        schedule.full_clean()
        schedule.save()
        audit_record(
            actor=actor, action="update", obj=schedule, before=before, after=model_snapshot(schedule)
        )
    months = range(1, 13) if schedule.frequency == Schedule.Frequency.MONTHLY else (3, 6, 9, 12)
    periods = []
    for month in months:
        label = (
            f"{month}月"
            if schedule.frequency == Schedule.Frequency.MONTHLY
            else f"第{'一二三四'[month // 3 - 1]}季度"
        )
        period, created = Period.objects.get_or_create(
            program=program,
            month=month,
            defaults={"label": label, "deadline": _deadline(program.year, month, schedule.deadline_day)},
        )
        if created:
            audit_record(
                actor=actor, action="create", obj=period, after=model_snapshot(period), reason="设置报送期"
            )
        periods.append(period)
    Period.objects.filter(program=program).exclude(month__in=months).update(is_open=False)
    return periods


PERIOD_ACTIONS = ("open", "close", "deadline")


@transaction.atomic
def period_change(
    *,
    actor: Any,
    period: Period,
    action: str,
    reason: str,
    expected_version: int,
    deadline: dt.date | None = None,
) -> Period:
    """民生办 opens or closes one period, or moves its deadline (``action``: ``open``, ``close``, ``deadline``),
    with a reason; audited, and refused (ConflictError) when someone changed the period since the page was shown."""
    if not can(actor, "change", period):
        raise PermissionDenied("只有民生办可以开关报送期或调整截止日")
    if action not in PERIOD_ACTIONS:
        raise ValidationError(f"未知的操作：{action}")
    if not reason.strip():
        raise ValidationError("原因：请填写原因")
    before = model_snapshot(period)
    if action == "deadline":
        if deadline is None:
            raise ValidationError("新的截止日：请填写")
        start = dt.date(period.program.year, period.month, 1)
        if deadline < start:
            raise ValidationError(f"新的截止日：不能早于{start:%Y-%m-%d}（报送期开始）")
        if deadline > start.replace(year=start.year + 1):
            raise ValidationError("新的截止日：不能晚于报送期开始后一年")
        period.deadline = deadline
        fields = ["deadline"]
    else:
        period.is_open = action == "open"
        fields = ["is_open"]
    versioned_save(period, expected_version=expected_version, fields=fields)
    audit_record(
        actor=actor,
        action="state" if action != "deadline" else "update",
        obj=period,
        before=before,
        after=model_snapshot(period),
        reason=reason.strip(),
    )
    return period


def period_set_open(*, actor: Any, period: Period, is_open: bool, reason: str = "") -> Period:
    """Open or close a period at its current version (scripts and the demo)."""
    return period_change(
        actor=actor,
        period=period,
        action="open" if is_open else "close",
        reason=reason or ("开放报送" if is_open else "关闭报送"),
        expected_version=period.version,
    )


# --- who reports ------------------------------------------------------------------------------------------


@transaction.atomic
def report_open(*, actor: Any, project: Project, unit: Organisation, period: Period) -> Report:
    """Get the report of a project × unit × period, creating the draft on first use."""
    if period.program_id != project.program_id:
        raise ValidationError("报送期与项目不属于同一年度计划")
    if unit not in reporting_units(project):
        raise ValidationError(f"{unit.name}不是“{project.name}”的报送单位")
    report = Report.objects.filter(project=project, unit=unit, period=period).first()
    if report is not None:
        return report
    probe = Report(project=project, unit=unit, period=period)
    if not may_act_for_unit(actor, unit.id):
        raise PermissionDenied("只能填报本单位的报表")
    if not period.is_open:
        raise ValidationError(f"{period}已关闭报送")
    probe.save()
    audit_record(actor=actor, action="create", obj=probe, after=model_snapshot(probe), reason="开始填报")
    return probe


# --- validation -------------------------------------------------------------------------------------------


@dataclass
class Issue:
    field: str
    message: str


def previous_report(report: Report) -> Report | None:
    return (
        Report.objects.filter(
            project_id=report.project_id,
            unit_id=report.unit_id,
            period__program_id=report.period.program_id,
            period__month__lt=report.period.month,
        )
        .exclude(status=Status.DRAFT)
        .order_by("-period__month")
        .first()
    )


@dataclass
class _Facts:
    """What the checks of one report read: its values and funds, the project's indicators, the unit's targets,
    the previous report's values and the unit's current budget of the project."""

    values: dict[int, Decimal]
    funds: list[ReportFunds]
    indicators: list[Any]
    targets: dict[int, Any]
    before: dict[int, Decimal]
    budget: Decimal


def _prefetched(obj: Any) -> dict[str, Any]:
    """What was prefetched on ``obj`` (nothing for None)."""
    return getattr(obj, "_prefetched_objects_cache", {})


def _budget(lines: Any) -> Decimal:
    return sum((line.current for line in lines if is_sane(line.current)), Decimal(0))


def report_validate(report: Report) -> tuple[list[Issue], list[Issue]]:
    """(errors, warnings). Errors block submission; warnings need a written explanation."""
    from funding.models import FundingLine
    from funding.selectors import with_current
    from responsibility.models import Target

    previous = previous_report(report)
    facts = _Facts(
        values={v.indicator_id: v.value for v in report.values.all()},
        funds=list(report.funds.all()),
        indicators=list(report.project.indicators.all()),
        targets={
            t.indicator_id: t
            for t in Target.objects.filter(indicator__project=report.project, unit=report.unit)
        },
        before={v.indicator_id: v.value for v in previous.values.all()} if previous else {},
        budget=_budget(with_current(FundingLine.objects.filter(project=report.project, unit=report.unit))),
    )
    return _checks(report, facts)


def reports_validate(
    reports: list[Report],
    *,
    unit: Organisation,
    period: Period,
    state: dict[int, tuple[dict[int, Decimal], list[ReportFunds]]] | None = None,
    indicators: dict[int, list[Any]] | None = None,
) -> dict[int, tuple[list[Issue], list[Issue]]]:
    """:func:`report_validate` of many reports of one unit and period in a fixed number of queries (the fill
    page), keyed by project id. ``state``: project id → (values, funds) to check instead of the reports' stored
    ones (a save not yet written); else the reports' ``values`` and ``funds`` (prefetch them). ``indicators``:
    project id → its indicators, when the caller has read them already (the fill page's projects)."""
    from funding.models import FundingLine
    from funding.selectors import with_current
    from responsibility.models import Indicator, Target

    if not reports:
        return {}
    pids = [r.project_id for r in reports]
    if indicators is None or not all(pid in indicators for pid in pids):
        # the projects' indicators as the caller prefetched them (the fill page's POST), else one query
        indicators = {pid: [] for pid in pids}
        known = [
            r.project for r in reports if "indicators" in _prefetched(r._state.fields_cache.get("project"))
        ]
        for project in known:
            indicators[project.pk] = list(project.indicators.all())
        missing = [pid for pid in pids if pid not in {p.pk for p in known}]
        if missing:
            for ind in Indicator.objects.filter(project_id__in=missing):
                indicators[ind.project_id].append(ind)
    project_of = {ind.pk: pid for pid in pids for ind in indicators[pid]}
    targets: dict[int, dict[int, Any]] = {pid: {} for pid in pids}
    for t in Target.objects.filter(indicator__project_id__in=pids, unit=unit).order_by():
        targets[project_of[t.indicator_id]][t.indicator_id] = t
    latest: dict[int, int] = {}
    for pid, rid in (
        Report.objects.filter(
            project_id__in=pids,
            unit=unit,
            period__program_id=period.program_id,
            period__month__lt=period.month,
        )
        .exclude(status=Status.DRAFT)
        .order_by("project_id", "-period__month")
        .values_list("project_id", "id")
    ):
        latest.setdefault(pid, rid)
    project_of_report = {rid: pid for pid, rid in latest.items()}
    before: dict[int, dict[int, Decimal]] = {pid: {} for pid in pids}
    for rid, indicator_id, value in ReportValue.objects.filter(
        report_id__in=list(latest.values())
    ).values_list("report_id", "indicator_id", "value"):
        before[project_of_report[rid]][indicator_id] = value
    budget: dict[int, Decimal] = {pid: Decimal(0) for pid in pids}
    for pid, current in (
        with_current(FundingLine.objects.filter(project_id__in=pids, unit=unit))
        .order_by()
        .values_list("project_id", "current")
    ):
        if is_sane(current):  # _budget's sum
            budget[pid] += current
    out = {}
    for report in reports:
        pid = report.project_id
        if state is not None and pid in state:
            values, funds = state[pid]
        else:
            values, funds = {v.indicator_id: v.value for v in report.values.all()}, list(report.funds.all())
        facts = _Facts(
            values=values,
            funds=funds,
            indicators=indicators[pid],
            targets=targets[pid],
            before=before[pid],
            budget=budget[pid],
        )
        out[pid] = _checks(report, facts, month=period.month)
    return out


def _checks(report: Report, facts: _Facts, *, month: int | None = None) -> tuple[list[Issue], list[Issue]]:
    from responsibility.services import planned_share

    errors: list[Issue] = []
    warnings: list[Issue] = []
    values, targets, before = facts.values, facts.targets, facts.before
    for ind in facts.indicators:
        key = f"value-{ind.pk}"
        value = values.get(ind.pk)
        if value is None:
            errors.append(Issue(key, f"请填写“{ind.name}”的累计完成数"))
            continue
        if not is_sane(value):  # a stored value no check would let in now (NaN, infinity)
            errors.append(Issue(key, f"“{ind.name}”数值异常，请重新填写"))
            continue
        if value < 0:
            errors.append(Issue(key, f"“{ind.name}”不能为负数"))
        if ind.cumulative and ind.pk in before and value < before[ind.pk]:
            warnings.append(
                Issue(
                    key, f"“{ind.name}”累计数{quantity_text(value)}低于上期的{quantity_text(before[ind.pk])}"
                )
            )
        target = targets.get(ind.pk)
        if target and is_sane(target.value) and target.value > 0 and value > target.value * OVER_TARGET:
            warnings.append(
                Issue(
                    key,
                    f"“{ind.name}”完成{quantity_text(value)}，超过目标{quantity_text(target.value)}的120%",
                )
            )
    funds = facts.funds
    labels = dict(Source.choices)
    if not all(is_sane(f.arrived) and is_sane(f.spent) for f in funds):
        errors.append(Issue("funds", "资金数值异常，请重新填写"))
        funds = [f for f in funds if is_sane(f.arrived) and is_sane(f.spent)]
    for f in funds:
        key = f"funds-{f.source}"
        if f.arrived < 0 or f.spent < 0:
            errors.append(Issue(key, f"{labels[f.source]}资金不能为负数"))
        if f.spent > f.arrived:
            errors.append(
                Issue(
                    key, f"{labels[f.source]}资金支出{wan_text(f.spent)}万元超过到位{wan_text(f.arrived)}万元"
                )
            )
    budget = facts.budget
    arrived = sum((f.arrived for f in funds), Decimal(0))
    spent = sum((f.spent for f in funds), Decimal(0))
    if budget and arrived > budget:
        warnings.append(Issue("funds", f"资金到位{wan_text(arrived)}万元超过预算{wan_text(budget)}万元"))
    if budget and targets:
        schedule = min(planned_share(t, month or report.period.month) for t in targets.values())
        if spent / budget < schedule - BEHIND_SCHEDULE:
            warnings.append(Issue("funds", f"支出进度{spent / budget:.0%}明显落后序时进度{schedule:.0%}"))
    if not report.progress.strip():
        errors.append(Issue("progress", "请填写工作进展"))
    return errors, warnings


# --- saving and the workflow ------------------------------------------------------------------------------


def _snapshot(report: Report) -> dict[str, Any]:
    data = model_snapshot(report)
    data["values"] = {str(v.indicator_id): str(v.value) for v in report.values.all()}
    data["funds"] = {f.source: [str(f.arrived), str(f.spent)] for f in report.funds.all()}
    return data


@transaction.atomic
def report_save(
    *,
    actor: Any,
    report: Report,
    values: dict[int, Decimal | None],
    funds: dict[str, tuple[Decimal, Decimal]],
    narrative: dict[str, Any],
    expected_version: int,
) -> Report:
    """Save the figures and text of an editable report (optimistic lock: a concurrent save is refused)."""
    if not can(actor, "change", report):
        raise PermissionDenied("不能修改该报表")
    if report.status not in EDITABLE:
        raise ValidationError(f"报表状态为“{report.get_status_display()}”，不能修改")
    if not report.period.is_open:
        raise ValidationError(f"{report.period}已关闭报送，不能修改")
    negative = [k for k, v in values.items() if v is not None and v < 0]
    negative += [s for s, (a, p) in funds.items() if (a or 0) < 0 or (p or 0) < 0]
    if negative:
        raise ValidationError("填报数不能为负数")
    before = _snapshot(report)
    for name in ("beneficiaries", "progress", "problems", "next_steps", "explanation"):
        if name in narrative:
            setattr(report, name, narrative[name])
    versioned_save(
        report,
        expected_version=expected_version,
        fields=[
            n
            for n in ("beneficiaries", "progress", "problems", "next_steps", "explanation")
            if n in narrative
        ],
    )
    valid_indicators = set(report.project.indicators.values_list("pk", flat=True))
    for indicator_id, value in values.items():
        if indicator_id not in valid_indicators:
            raise ValidationError("指标不属于该项目")
        if value is None:
            ReportValue.objects.filter(report=report, indicator_id=indicator_id).delete()
        else:
            ReportValue.objects.update_or_create(
                report=report, indicator_id=indicator_id, defaults={"value": value}
            )
    for source, (arrived, spent) in funds.items():
        if source not in Source.values:
            raise ValidationError(f"未知的资金来源：{source}")
        if arrived is None and spent is None:
            ReportFunds.objects.filter(report=report, source=source).delete()
        else:
            ReportFunds.objects.update_or_create(
                report=report, source=source, defaults={"arrived": arrived or 0, "spent": spent or 0}
            )
    after = _snapshot(report)
    if after != before:
        audit_record(actor=actor, action="update", obj=report, before=before, after=after, reason="填报")
    return report


def _move(actor: Any, report: Report, to: str, opinion: str = "", reason: str = "") -> Report:
    before = report.status
    snapshot = model_snapshot(report)
    report.status = to
    fields = ["status"]
    if to == Status.SUBMITTED:
        report.submitted_at = timezone.now()
        fields.append("submitted_at")
    if to == Status.CONFIRMED:
        report.confirmed_at = timezone.now()
        fields.append("confirmed_at")
    versioned_save(report, expected_version=report.version, fields=fields)
    Transition.objects.create(
        report=report,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        from_status=before,
        to_status=to,
        opinion=opinion,
    )
    audit_record(
        actor=actor,
        action="state",
        obj=report,
        before=snapshot,
        after=model_snapshot(report),
        reason=reason or opinion,
    )
    if Status.CONFIRMED in (before, to):
        from reporting.rollup import summary_refresh_on_commit

        summary_refresh_on_commit(project_id=report.project_id, period_id=report.period_id)
    return report


@transaction.atomic
def report_submit(*, actor: Any, report: Report) -> Report:
    if not can(actor, "change", report):
        raise PermissionDenied("不能提交该报表")
    if report.status not in EDITABLE:
        raise ValidationError(f"报表状态为“{report.get_status_display()}”，不能提交")
    if not report.period.is_open:
        raise ValidationError(f"{report.period}已关闭报送")
    errors, warnings = report_validate(report)
    if errors:
        raise ValidationError([e.message for e in errors])
    if warnings and not report.explanation.strip():
        raise ValidationError(["以下情况需要填写情况说明后才能提交：", *[w.message for w in warnings]])
    return _move(actor, report, Status.SUBMITTED, reason="提交")


@transaction.atomic
def report_review(*, actor: Any, report: Report, approve: bool, opinion: str = "") -> Report:
    """The lead department approves or returns a submitted report (a return needs an opinion)."""
    if report.status != Status.SUBMITTED:
        raise ValidationError("只能审核已提交的报表")
    if not may_review_report(actor, report):
        raise PermissionDenied("只有项目牵头部门可以审核（本单位的报表由民生办确认）")
    if not approve and not opinion.strip():
        raise ValidationError("退回时请填写意见")
    return _move(actor, report, Status.DEPT_APPROVED if approve else Status.RETURNED, opinion=opinion)


@transaction.atomic
def report_confirm(*, actor: Any, report: Report, approve: bool, opinion: str = "") -> Report:
    """民生办 confirms (locks) or returns a report the department approved — or one a department reported itself."""
    if rules.report_next_step(report) != rules.CONFIRM:
        raise ValidationError("只能确认部门审核通过的报表")
    if not may_confirm_report(actor, report):
        raise PermissionDenied("只有民生办可以确认")
    if not approve and not opinion.strip():
        raise ValidationError("退回时请填写意见")
    return _move(actor, report, Status.CONFIRMED if approve else Status.RETURNED, opinion=opinion)


@transaction.atomic
def report_unlock(*, actor: Any, report: Report, reason: str) -> Report:
    if report.status != Status.CONFIRMED:
        raise ValidationError("只有已确认的报表需要解锁")
    if not may_unlock_report(actor, report):
        raise PermissionDenied("只有民生办可以解锁")
    if not reason.strip():
        raise ValidationError("解锁必须写明原因")
    return _move(actor, report, Status.RETURNED, opinion=reason, reason=f"解锁：{reason}")


@dataclass
class FillResult:
    """What :func:`report_fill` did for one project: the report (None when nothing was written), whether the
    figures were saved and the report submitted, and why it was not submitted when asked (``problems``).
    From :func:`reports_fill`, ``error`` is why nothing was written for this project (ConflictError,
    ValidationError or PermissionDenied — :func:`report_fill` raises it)."""

    report: Report | None
    saved: bool = False
    submitted: bool = False
    problems: list[str] = field(default_factory=list)
    error: Exception | None = None


@dataclass
class FillItem:
    """One project's part of a fill page: the figures and text as :func:`report_fill` takes them."""

    project: Project
    values: dict[int, Decimal | None]
    funds: dict[str, tuple[Decimal | None, Decimal | None]]
    narrative: dict[str, Any]
    expected_version: int
    save: bool = True
    submit: bool = False


def report_fill(
    *,
    actor: Any,
    project: Project,
    unit: Organisation,
    period: Period,
    values: dict[int, Decimal | None],
    funds: dict[str, tuple[Decimal | None, Decimal | None]],
    narrative: dict[str, Any],
    expected_version: int,
    save: bool = True,
    submit: bool = False,
) -> FillResult:
    """Save one project's figures from the fill page (creating the draft on first save) and, with ``submit``,
    submit it — in one transaction. ``expected_version`` is the version the page saw, 0 when it saw no report:
    a report saved by someone else since is refused (ConflictError). A refused submission keeps the saved
    figures and comes back in ``problems`` (the reasons, as the page shows them); a refused save raises."""
    item = FillItem(project, values, funds, narrative, expected_version, save=save, submit=submit)
    (result,) = reports_fill(actor=actor, unit=unit, period=period, items=[item])
    if result.error is not None:
        raise result.error
    return result


_Q_VALUE = Decimal(1).scaleb(-ReportValue._meta.get_field("value").decimal_places)
_Q_MONEY = Decimal(1).scaleb(-ReportFunds._meta.get_field("arrived").decimal_places)


def _stored(value: Decimal, q: Decimal) -> Decimal:
    """The value as the database gives it back (the field's decimal places), for snapshots and checks."""
    return Decimal(value).quantize(q)


@transaction.atomic
def reports_fill(
    *,
    actor: Any,
    unit: Organisation,
    period: Period,
    items: list[FillItem],
    read: dict[int, Report] | None = None,
) -> list[FillResult]:
    """The fill page's save (and submit) of many projects of one unit and period, in one transaction and a fixed
    number of queries whatever the number of projects and indicators — with exactly the checks, versions and
    audit rows of :func:`report_open` + :func:`report_save` + :func:`report_submit` per project.

    Each project stands alone: one whose save is refused (a stale version: ConflictError; a closed period, a
    locked report, a negative figure: ValidationError; PermissionDenied) gets ``error`` and nothing of it is
    written, the others are saved; a refused submission keeps the saved figures and comes back in ``problems``.
    The unit's reports are locked (select_for_update) while they are checked and written.

    ``read``: the unit's reports of the period as the caller has just read them (project id → report, values
    and funds prefetched; the fill page reads them to compare the typed figures): under the lock only their ids
    and versions are read again and, when every one is unchanged (every change of a report bumps its version),
    these are used instead of a second full read; otherwise (one changed, created or deleted since) all are read
    again."""
    from core.policy import restrict
    from core.services import AuditBatch
    from reporting.rules import reported_by
    from responsibility.models import Indicator

    if not may_act_for_unit(actor, unit.id):
        raise PermissionDenied("只能填报本单位的报表")
    results = [FillResult(report=None) for _ in items]
    if not items:
        return results
    period.program  # noqa: B018 — cached once for str(report) in the audit rows
    projects = {item.project.pk: item.project for item in items}
    pids = list(projects)
    locked = Report.objects.select_for_update().filter(period=period, unit=unit, project_id__in=pids)
    existing: dict[int, Report] | None = None
    if read is not None:
        now_stored = {
            pid: (pk, version) for pk, pid, version in locked.values_list("pk", "project_id", "version")
        }
        given = {pid: r for pid, r in read.items() if pid in projects}
        if now_stored == {pid: (r.pk, r.version) for pid, r in given.items()}:
            existing = given
    if existing is None:
        existing = {r.project_id: r for r in locked.prefetch_related("values", "funds")}
    for report in existing.values():
        report.project, report.unit, report.period = projects[report.project_id], unit, period
    indicators_of: dict[int, set[int]] = {pid: set() for pid in pids}
    fetched = [
        p for p in projects.values() if "indicators" not in getattr(p, "_prefetched_objects_cache", {})
    ]
    for project in projects.values():
        if project not in fetched:
            indicators_of[project.pk] = {ind.pk for ind in project.indicators.all()}
    if fetched:
        for indicator_id, pid in Indicator.objects.filter(project_id__in=[p.pk for p in fetched]).values_list(
            "id", "project_id"
        ):
            indicators_of[pid].add(indicator_id)
    # report_open's checks for the drafts to create
    opening = [i for i, it in enumerate(items) if it.save and it.project.pk not in existing]
    reporting = (
        set(
            Project.objects.filter(pk__in=[items[i].project.pk for i in opening])
            .filter(reported_by(unit))
            .values_list("pk", flat=True)
        )
        if opening
        else set()
    )
    for n, (item, result) in enumerate(zip(items, results, strict=True)):
        report = existing.get(item.project.pk)
        result.report = report
        if report is not None and report.version != item.expected_version:
            result.error = ConflictError(report)
        elif n in opening:
            if period.program_id != item.project.program_id:
                result.error = ValidationError("报送期与项目不属于同一年度计划")
            elif item.project.pk not in reporting:
                result.error = ValidationError(f"{unit.name}不是“{item.project.name}”的报送单位")
            elif not period.is_open:
                result.error = ValidationError(f"{period}已关闭报送")
    probes = {
        items[n].project.pk: Report(project=items[n].project, unit=unit, period=period)
        for n in opening
        if results[n].error is None
    }
    if probes:
        try:
            with transaction.atomic():  # another page of the unit created one of these drafts meanwhile
                Report.objects.bulk_create(list(probes.values()))
        except IntegrityError:
            raise ConflictError(next(iter(probes.values()))) from None
    audit = AuditBatch(actor=actor)
    created = {pid: model_snapshot(r) for pid, r in probes.items()}
    reports = {**existing, **probes}
    versions_read = {r.pk: r.version for r in reports.values()}
    permitted = set(
        restrict(Report.objects.filter(pk__in=[r.pk for r in reports.values()]), actor, "change").values_list(
            "pk", flat=True
        )
    )
    # what each saved report becomes (nothing written yet)
    plans: dict[int, dict[str, Any]] = {}
    for item, result in zip(items, results, strict=True):
        pid = item.project.pk
        report = reports.get(pid)
        if result.error is not None or report is None:
            continue
        result.report = report
        if not item.save and not item.submit:
            continue
        if report.pk not in permitted:
            result.error = PermissionDenied("不能修改该报表" if item.save else "不能提交该报表")
            continue
        if not item.save:
            continue
        error = _save_refusal(report, item, indicators_of[pid])
        if error is not None:
            result.error = error
            continue
        before = (
            {**created[pid], "values": {}, "funds": {}}
            if pid in probes
            else {
                **model_snapshot(report),
                "values": {str(v.indicator_id): str(v.value) for v in report.values.all()},
                "funds": {f.source: [str(f.arrived), str(f.spent)] for f in report.funds.all()},
            }
        )
        values = {int(k): Decimal(v) for k, v in before["values"].items()}
        funds = {k: (Decimal(a), Decimal(b)) for k, (a, b) in before["funds"].items()}
        for indicator_id, value in item.values.items():
            if value is None:
                values.pop(indicator_id, None)
            else:
                values[indicator_id] = _stored(value, _Q_VALUE)
        for source, (arrived, spent) in item.funds.items():
            if arrived is None and spent is None:
                funds.pop(source, None)
            else:
                funds[source] = (_stored(arrived or 0, _Q_MONEY), _stored(spent or 0, _Q_MONEY))
        for name in NARRATIVE:
            if name in item.narrative:
                setattr(report, name, item.narrative[name])
        report.version += 1  # report_save's versioned_save, changed or not
        after = {
            **model_snapshot(report),
            "values": {str(k): str(v) for k, v in values.items()},
            "funds": {k: [str(a), str(b)] for k, (a, b) in funds.items()},
        }
        plans[pid] = {
            "values": values,
            "funds": funds,
            "rewrite": after["values"] != before["values"] or after["funds"] != before["funds"],
        }
        if pid in probes:
            audit.add(action="create", obj=report, after=created[pid], reason="开始填报")
        if after != before:
            audit.add(action="update", obj=report, before=before, after=after, reason="填报")
        result.saved = True
    # report_submit's checks, on the figures as saved
    submitting = [
        (item, result)
        for item, result in zip(items, results, strict=True)
        if item.submit and result.error is None
    ]
    for _item, result in submitting:
        if result.report is None:
            result.problems = ["尚未填写"]
    checked = [r.report for _, r in submitting if r.report is not None]
    state = {}
    for report in checked:
        plan = plans.get(report.project_id)
        if plan is not None:
            state[report.project_id] = (
                plan["values"],
                [
                    ReportFunds(report=report, source=s, arrived=a, spent=b)
                    for s, (a, b) in plan["funds"].items()
                ],
            )
    found = reports_validate(
        [r for r in checked if r.status in EDITABLE and period.is_open], unit=unit, period=period, state=state
    )
    transitions: list[tuple[Any, ...]] = []
    now = timezone.now()
    who_id = actor.pk if getattr(actor, "is_authenticated", False) else None
    for _item, result in submitting:
        report = result.report
        if report is None:
            continue
        if report.status not in EDITABLE:
            result.problems = [f"报表状态为“{report.get_status_display()}”，不能提交"]
            continue
        if not period.is_open:
            result.problems = [f"{period}已关闭报送"]
            continue
        errors, warnings = found[report.project_id]
        if errors:
            result.problems = [e.message for e in errors]
            continue
        if warnings and not report.explanation.strip():
            result.problems = ["以下情况需要填写情况说明后才能提交：", *[w.message for w in warnings]]
            continue
        snapshot = model_snapshot(report)
        before_status = report.status
        report.status, report.submitted_at = Status.SUBMITTED, now
        report.version += 1
        transitions.append((report.pk, who_id, now, before_status, Status.SUBMITTED, ""))
        audit.add(action="state", obj=report, before=snapshot, after=model_snapshot(report), reason="提交")
        result.submitted = True
    # the writes: one statement each
    written = [r.report for r in results if r.report is not None and (r.saved or r.submitted)]
    _write_reports(written, versions_read)
    rewrite = [reports[pid] for pid, plan in plans.items() if plan["rewrite"]]
    if rewrite:
        stored = [r for r in rewrite if r.project_id not in probes]  # a new draft has no values yet
        if stored:
            ReportValue.objects.filter(report__in=stored).delete()
            ReportFunds.objects.filter(report__in=stored).delete()
        rows_insert(
            ReportValue,
            ("report", "indicator", "value"),
            [(r.pk, k, v) for r in rewrite for k, v in plans[r.project_id]["values"].items()],
        )
        rows_insert(
            ReportFunds,
            ("report", "source", "arrived", "spent"),
            [(r.pk, s, a, b) for r in rewrite for s, (a, b) in plans[r.project_id]["funds"].items()],
        )
    rows_insert(Transition, ("report", "actor", "at", "from_status", "to_status", "opinion"), transitions)
    audit.save()
    # a refused project's new draft is not kept (report_open ran in that project's transaction)
    dropped = [r.pk for pid, r in probes.items() if pid not in plans]
    if dropped:
        Report.objects.filter(pk__in=dropped).delete()
        for result in results:
            if result.report is not None and result.report.pk in dropped:
                result.report = None
    return results


def _save_refusal(report: Report, item: FillItem, indicators: set[int]) -> Exception | None:
    """report_save's refusals, checked before anything is written."""
    if report.status not in EDITABLE:
        return ValidationError(f"报表状态为“{report.get_status_display()}”，不能修改")
    if not report.period.is_open:
        return ValidationError(f"{report.period}已关闭报送，不能修改")
    negative = [k for k, v in item.values.items() if v is not None and v < 0]
    negative += [s for s, (a, p) in item.funds.items() if (a or 0) < 0 or (p or 0) < 0]
    if negative:
        return ValidationError("填报数不能为负数")
    if any(k not in indicators for k in item.values):
        return ValidationError("指标不属于该项目")
    unknown = [s for s in item.funds if s not in Source.values]
    if unknown:
        return ValidationError(f"未知的资金来源：{unknown[0]}")
    return None


def _write_reports(written: list[Report], read: dict[int, int]) -> None:
    """One UPDATE statement for the saved and submitted reports (narrative, status, submitted_at, new version),
    executed for each row (``executemany``: one statement, one round of parameters per report). The rows were
    locked (select_for_update; SQLite's write lock from BEGIN IMMEDIATE) and their versions checked when they
    were read (``read``: report id → the version then), so nobody changed them since; the statement still names
    the version it replaces, and a row not found so refuses the whole save (ConflictError).

    Not ``bulk_update``: its ``CASE WHEN id = … THEN …`` per field and row costs more Python than the rest of
    the page's save together (33 reports × 8 fields: about half of a fill POST)."""
    if not written:
        return
    fields = [Report._meta.get_field(name) for name in [*NARRATIVE, "status", "submitted_at", "version"]]
    quote = connection.ops.quote_name
    sql = (
        f"UPDATE {quote(Report._meta.db_table)} SET "
        + ", ".join(f"{quote(f.column)} = %s" for f in fields)
        + f" WHERE {quote(Report._meta.pk.column)} = %s AND {quote('version')} = %s"
    )
    rows = [
        [f.get_db_prep_save(getattr(r, f.attname), connection) for f in fields] + [r.pk, read[r.pk]]
        for r in written
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)
        if cursor.rowcount != len(rows):
            raise ConflictError(written[0])


def report_next_step(user: Any, report: Report) -> tuple[str | None, tuple[str, ...]]:
    """The next workflow step of ``report`` and the actions this user may take for it (reporting.rules)."""
    return rules.report_next_step(report), rules.report_actions(user, report)


@transaction.atomic
def report_decide(*, actor: Any, report: Report, action: str, opinion: str = "") -> Report:
    """Take a workflow action (``submit``, ``approve``, ``return``, ``unlock``) on the report's next step — the one
    entry the page and the API use: 部门审核 or 民生办确认 follows from ``reporting.rules.report_next_step``, never
    from the caller's choice, and a unit never approves its own report."""
    step = rules.report_next_step(report)
    if action not in rules.ACTIONS_OF.get(step or "", ()):
        label = dict(ACTION_LABELS).get(action, action)
        raise ValidationError(f"报表状态为“{report.get_status_display()}”，不能{label}")
    if step == rules.SUBMIT:
        return report_submit(actor=actor, report=report)
    if step == rules.UNLOCK:
        return report_unlock(actor=actor, report=report, reason=opinion)
    service = report_review if step == rules.REVIEW else report_confirm
    return service(actor=actor, report=report, approve=action == "approve", opinion=opinion)


@transaction.atomic
def reports_confirm(*, actor: Any, reports: dict[int, int], opinion: str = "") -> list[Report]:
    """民生办 confirms several reports in one action — all or nothing. ``reports``: report id → the version the
    page saw. Each goes through :func:`report_decide` (the same checks as one by one); if any is refused (not
    waiting for 民生办确认, changed since, not permitted), none is confirmed and the ValidationError names every
    refused report and why."""
    from reporting.selectors import reports_for_decision

    if not reports:
        raise ValidationError("请至少选择一份报表")
    found = {r.pk: r for r in reports_for_decision(user=actor, ids=list(reports))}
    done: list[Report] = []
    refused: list[str] = []
    for pk, version in reports.items():
        report = found.get(pk)
        if report is None:
            refused.append(f"报表{pk}：不存在或无权查看")
            continue
        label = f"{report.project.name} · {report.unit.display_name}"
        try:
            if report.version != version:
                raise ConflictError(report)
            if rules.report_next_step(report) != rules.CONFIRM:
                raise ValidationError(f"状态为“{report.get_status_display()}”，不在待民生办确认")
            with transaction.atomic():
                done.append(report_decide(actor=actor, report=report, action="approve", opinion=opinion))
        except ConflictError:
            refused.append(f"{label}：已被其他人修改，请刷新后重试")
        except ValidationError as exc:
            refused.append(f"{label}：{'；'.join(exc.messages)}")
        except PermissionDenied as exc:
            refused.append(f"{label}：{exc}")
    if refused:
        raise ValidationError(refused)
    return done


ACTION_LABELS = (("submit", "提交"), ("approve", "通过"), ("return", "退回"), ("unlock", "解锁"))


@transaction.atomic
def attachment_add(*, actor: Any, report: Report, upload: Any, is_public: bool = False) -> Any:
    """Attach a photo, PDF or Word/Excel file (type by content, size limited, images re-encoded without EXIF)."""
    from core.uploads import OFFICE, checked_upload
    from reporting.models import Attachment

    if not can(actor, "change", report):
        raise PermissionDenied("不能给该报表添加附件")
    original = upload.name
    clean, kind = checked_upload(upload, allowed=OFFICE)
    attachment = Attachment(
        report=report,
        original_name=original[:200],
        content_type=kind.content_type,
        size=clean.size,
        is_public=is_public,
        uploaded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    attachment.file.save(clean.name, clean, save=False)
    attachment.save()
    audit_record(
        actor=actor, action="create", obj=attachment, after=model_snapshot(attachment), reason="上传附件"
    )
    return attachment


# --- batch entry (Excel) ----------------------------------------------------------------------------------

NARRATIVE = ("beneficiaries", "progress", "problems", "next_steps", "explanation")


@transaction.atomic
def reports_import(
    *,
    actor: Any,
    period: Period,
    unit: Organisation,
    payload: dict[int, dict[str, Any]],
    versions: dict[int, int] | None = None,
    progress: Any = None,
) -> int:
    """Save the figures and text of many reports of one unit and period at once (Excel batch entry).

    All or nothing, with a fixed number of queries whatever the size: the unit's reports are locked and checked
    (editable, still at the version the preview saw in ``versions``: project id → version), new drafts are
    created with their content, changed reports get their values, funds and text replaced; one audit row per
    report created or changed (a report whose content is unchanged is not touched).
    ``payload``: project id → {"values": {indicator id: value or None}, "funds": {source: (arrived, spent)},
    "narrative": {field: value}}. ``progress(done, total)`` is called as the work advances. Returns the
    number of reports created or changed."""
    from core.policy import restrict
    from core.services import audit_record_many
    from reporting.rules import reported_by
    from responsibility.models import Indicator

    if not may_act_for_unit(actor, unit.id):
        raise PermissionDenied("只能填报本单位的报表")
    if not period.is_open:
        raise ValidationError(f"{period}已关闭报送")
    period.program  # noqa: B018 — cached once for str(report) in the audit rows
    ids = list(payload)
    projects = {
        p.id: p
        for p in Project.objects.filter(pk__in=ids, program_id=period.program_id)
        .filter(reported_by(unit))
        .distinct()
        .only("id", "name", "order", "program_id", "lead_department_id")
    }
    if len(projects) != len(ids):
        raise ValidationError(f"{unit.name}不是该项目的报送单位")
    indicators_of: dict[int, set[int]] = {}
    for indicator_id, project_id in Indicator.objects.filter(project_id__in=ids).values_list(
        "id", "project_id"
    ):
        indicators_of.setdefault(project_id, set()).add(indicator_id)
    existing = {
        r.project_id: r
        for r in Report.objects.select_for_update()
        .filter(period=period, unit=unit, project_id__in=ids)
        .prefetch_related("values", "funds")
    }
    permitted = set(
        restrict(
            Report.objects.filter(pk__in=[r.pk for r in existing.values()]), actor, "change"
        ).values_list("pk", flat=True)
    )
    refused = [r for r in existing.values() if r.pk not in permitted or r.status not in EDITABLE]
    if refused:
        raise ValidationError(
            [
                f"“{projects[r.project_id].name}”的报表状态为“{r.get_status_display()}”，不能再导入修改"
                for r in refused
            ]
        )
    for report in existing.values():
        if versions is not None and versions.get(report.project_id) != report.version:
            raise ConflictError(report)
        report.project, report.unit, report.period = projects[report.project_id], unit, period
    if versions is not None and any(versions.get(pid) is not None for pid in ids if pid not in existing):
        raise ValidationError("预览之后有报表被删除，请重新上传")

    q_value, q_money = Decimal("0.0001"), Decimal("0.01")
    total, step = len(ids), max(1, len(ids) // 20)
    new: list[tuple[Report, list[ReportValue], list[ReportFunds]]] = []
    changed: list[tuple[Report, dict[str, Any], dict[str, Any], list[ReportValue], list[ReportFunds]]] = []
    for n, (pid, item) in enumerate(payload.items(), start=1):
        report = existing.get(pid) or Report(project=projects[pid], unit=unit, period=period)
        before = _snapshot(report) if report.pk else {"values": {}, "funds": {}}
        stored_values, stored_funds = dict(before["values"]), dict(before["funds"])
        values, funds = [], []
        for indicator_id, value in item.get("values", {}).items():
            if indicator_id not in indicators_of.get(pid, ()):
                raise ValidationError("指标不属于该项目")
            if value is None:
                stored_values.pop(str(indicator_id), None)
                continue
            value = Decimal(value).quantize(q_value)
            if value < 0:
                raise ValidationError("填报数不能为负数")
            values.append(ReportValue(report=report, indicator_id=indicator_id, value=value))
            stored_values[str(indicator_id)] = str(value)
        for source, (arrived, spent) in item.get("funds", {}).items():
            if source not in Source.values:
                raise ValidationError(f"未知的资金来源：{source}")
            if arrived is None and spent is None:
                stored_funds.pop(source, None)
                continue
            arrived, spent = Decimal(arrived or 0).quantize(q_money), Decimal(spent or 0).quantize(q_money)
            if arrived < 0 or spent < 0:
                raise ValidationError("填报数不能为负数")
            funds.append(ReportFunds(report=report, source=source, arrived=arrived, spent=spent))
            stored_funds[source] = [str(arrived), str(spent)]
        for name in NARRATIVE:
            if name in item.get("narrative", {}):
                setattr(report, name, item["narrative"][name])
        if report.pk is None:
            new.append((report, values, funds))
        else:
            after = {**model_snapshot(report), "values": stored_values, "funds": stored_funds}
            if after != before:
                changed.append((report, before, after, values, funds))
        if progress and (n % step == 0 or n == total):
            progress(n, total)

    Report.objects.bulk_create([r for r, _, _ in new])
    if changed:
        touched = [r.pk for r, *_ in changed]
        ReportValue.objects.filter(report_id__in=touched).delete()
        ReportFunds.objects.filter(report_id__in=touched).delete()
        # values and funds the sheet left out are kept: re-create them from the snapshot
        for report, _before, after, values, funds in changed:
            given_v = {v.indicator_id for v in values}
            given_f = {f.source for f in funds}
            values += [
                ReportValue(report=report, indicator_id=int(k), value=Decimal(v))
                for k, v in after["values"].items()
                if int(k) not in given_v
            ]
            funds += [
                ReportFunds(report=report, source=k, arrived=Decimal(a), spent=Decimal(b))
                for k, (a, b) in after["funds"].items()
                if k not in given_f
            ]
        _update_text([r for r, *_ in changed])
    ReportValue.objects.bulk_create(
        [v for _, values, _ in new for v in values] + [v for *_, values, _ in changed for v in values]
    )
    ReportFunds.objects.bulk_create(
        [f for _, _, funds in new for f in funds] + [f for *_, funds in changed for f in funds]
    )
    audit_record_many(
        actor=actor,
        action="create",
        items=[
            (
                r,
                None,
                {
                    **model_snapshot(r),
                    "values": {str(v.indicator_id): str(v.value) for v in values},
                    "funds": {f.source: [str(f.arrived), str(f.spent)] for f in funds},
                },
            )
            for r, values, funds in new
        ],
        reason="Excel批量填报",
    )
    audit_record_many(
        actor=actor, action="update", items=[(r, b, a) for r, b, a, _, _ in changed], reason="Excel批量填报"
    )
    return len(new) + len(changed)


def _update_text(reports: list[Report]) -> None:
    """One UPDATE statement run for many reports (narrative fields, version + 1): Django's bulk_update builds a
    CASE expression per row and field, far slower for this shape."""
    meta = Report._meta
    columns = [meta.get_field(n).column for n in NARRATIVE]
    sql = (
        f"UPDATE {meta.db_table} SET "
        + ", ".join(f"{connection.ops.quote_name(c)} = %s" for c in columns)
        + ", version = version + 1 WHERE id = %s"
    )
    with connection.cursor() as cursor:
        cursor.executemany(sql, [[getattr(r, n) for n in NARRATIVE] + [r.pk] for r in reports])
    for report in reports:
        report.version += 1
