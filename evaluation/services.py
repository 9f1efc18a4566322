"""Writes of the performance tables: keyword-only, atomic, checked with core.policy and evaluation.rules,
audited, concurrent edits refused (core.services.versioned_save)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from catalogue.models import Project
from core.services import ConflictError, audit_record, model_snapshot, versioned_save
from evaluation import scoring
from evaluation.models import MonitoringSheet, PerformanceTarget, Reviewed, SelfEvaluation, Status
from evaluation.rules import may_decide, may_draft
from responsibility.models import Indicator
from responsibility.services import indicator_save

TARGET_FIELDS = ("overall_goal", "annual_goal", "contact", "phone")
GRID_FIELDS = ("operator", "polarity", "qualitative_value")
MONITORING_FIELDS = (
    "forecast_spent",
    "forecasts",
    "deviation_reason",
    "deviation_note",
    "likelihood",
    "measures",
)
EVALUATION_FIELDS = (
    "weight_budget",
    "weight_output",
    "weight_benefit",
    "weight_satisfaction",
    "notes",
    "satisfaction_value",
    "satisfaction_source",
    "department_opinion",
)


def _require_draft(actor: Any, project: Project) -> None:
    if not may_draft(actor, project):
        raise PermissionDenied("只有民生办和项目牵头部门可以填报该项目的绩效表")


def _update(
    obj: Any,
    data: dict[str, Any],
    fields: tuple[str, ...],
    *,
    actor: Any,
    expected_version: int | None,
    reason: str,
) -> Any:
    unknown = set(data) - set(fields)
    if unknown:
        raise ValidationError("未知字段：" + "、".join(sorted(unknown)))
    if obj.pk is None:
        for name, value in data.items():
            setattr(obj, name, value)
        obj.full_clean(validate_unique=False)
        try:
            with transaction.atomic():
                obj.save()
        except IntegrityError as exc:  # somebody created the same table at the same moment
            raise ConflictError(obj) from exc
        audit_record(actor=actor, action="create", obj=obj, after=model_snapshot(obj), reason=reason)
        return obj
    before = model_snapshot(obj)
    for name, value in data.items():
        setattr(obj, name, value)
    if model_snapshot(obj) == before:
        return obj
    obj.full_clean()
    versioned_save(obj, expected_version=expected_version or obj.version, fields=list(data))
    audit_record(
        actor=actor, action="update", obj=obj, before=before, after=model_snapshot(obj), reason=reason
    )
    return obj


def _editable(obj: Reviewed) -> None:
    if obj.pk and not obj.editable:
        raise ValidationError(f"{obj.get_status_display()}，不能修改")


def _move(obj: Reviewed, *, actor: Any, to: str, expected_version: int | None, reason: str = "") -> Reviewed:
    before = model_snapshot(obj)
    obj.status = to
    fields = ["status"]
    now = timezone.now()
    if to == Status.SUBMITTED:
        obj.submitted_at, obj.return_reason = now, ""
        fields += ["submitted_at", "return_reason"]
    else:
        obj.decided_at = now
        obj.decided_by = actor if getattr(actor, "is_authenticated", False) else None
        fields += ["decided_at", "decided_by"]
        if to == Status.RETURNED:
            obj.return_reason = reason
            fields.append("return_reason")
    versioned_save(obj, expected_version=expected_version or obj.version, fields=fields)
    audit_record(
        actor=actor, action="state", obj=obj, before=before, after=model_snapshot(obj), reason=reason
    )
    return obj


def _decide(
    obj: Reviewed, *, actor: Any, approve: bool, reason: str, expected_version: int | None
) -> Reviewed:
    if not may_decide(actor, obj):
        raise PermissionDenied("只有民生办可以审核")
    if obj.status != Status.SUBMITTED:
        raise ValidationError(f"{obj.get_status_display()}，不能审核")
    if not approve and not reason.strip():
        raise ValidationError({"reason": "退回须写明原因"})
    return _move(
        obj,
        actor=actor,
        to=Status.APPROVED if approve else Status.RETURNED,
        expected_version=expected_version,
        reason=reason.strip(),
    )


# --- 绩效目标申报表 -----------------------------------------------------------------------------------------


@transaction.atomic
def performance_target_save(
    *,
    actor: Any,
    project: Project,
    data: dict[str, Any],
    grid: dict[Indicator, dict[str, Any]] | None = None,
    expected_version: int | None = None,
    reason: str = "",
) -> PerformanceTarget:
    """Save the 申报表's texts and, through responsibility's indicator service (the one source of the grid),
    each indicator's operator, polarity and qualitative value. Only while draft or returned."""
    _require_draft(actor, project)
    form = PerformanceTarget.objects.select_for_update().filter(project=project).first() or PerformanceTarget(
        project=project
    )
    _editable(form)
    for indicator, values in (grid or {}).items():
        if indicator.project_id != project.pk:
            raise ValidationError("指标不属于该项目")
        changed = {k: v for k, v in values.items() if k in GRID_FIELDS and getattr(indicator, k) != v}
        if changed.get("operator") in ("ge", "le"):
            changed["direction"] = changed["operator"]  # the reports' check follows the stated operator
        if changed:
            indicator_save(
                actor=actor,
                project=project,
                indicator=indicator,
                data=changed,
                expected_version=values.get("version", indicator.version),
                reason=reason or "绩效目标申报",
            )
    return _update(form, data, TARGET_FIELDS, actor=actor, expected_version=expected_version, reason=reason)


def target_problems(form: PerformanceTarget) -> list[str]:
    """What a 申报表 lacks before it can be submitted (Chinese, naming the field)."""
    problems = []
    if not form.overall_goal.strip():
        problems.append("请填写总体目标")
    if not form.annual_goal.strip():
        problems.append("请填写年度目标")
    indicators = list(form.project.indicators.all())
    if not indicators:
        problems.append("项目还没有绩效指标，请先在“目标”页设置指标")
    for indicator in indicators:
        if indicator.operator == "qual":
            if not indicator.qualitative_value.strip():
                problems.append(f"定性指标“{indicator.name}”须填写指标值")
        elif indicator.target is None and not indicator.targets.exists():
            problems.append(f"指标“{indicator.name}”还没有目标值")
    return problems


@transaction.atomic
def performance_target_submit(
    *, actor: Any, form: PerformanceTarget, expected_version: int | None = None
) -> PerformanceTarget:
    _require_draft(actor, form.project)
    _editable(form)
    problems = target_problems(form)
    if problems:
        raise ValidationError(problems)
    return _move(
        form, actor=actor, to=Status.SUBMITTED, expected_version=expected_version, reason="提交绩效目标申报表"
    )


@transaction.atomic
def performance_target_decide(
    *,
    actor: Any,
    form: PerformanceTarget,
    approve: bool,
    reason: str = "",
    expected_version: int | None = None,
) -> PerformanceTarget:
    """民生办 approves the 申报表 or returns it with a reason."""
    return _decide(form, actor=actor, approve=approve, reason=reason, expected_version=expected_version)


# --- 双监控 -------------------------------------------------------------------------------------------------


@transaction.atomic
def monitoring_save(
    *,
    actor: Any,
    project: Project,
    month: int,
    data: dict[str, Any],
    expected_version: int | None = None,
    reason: str = "",
) -> MonitoringSheet:
    """The lead department's part of a 双监控 sheet: forecasts, deviation reason, likelihood, measures."""
    _require_draft(actor, project)
    if not 1 <= month <= 12:
        raise ValidationError({"month": "监控截至月份须在1到12之间"})
    if "forecasts" in data:
        forecasts = data["forecasts"] or {}
        known = {str(pk) for pk in project.indicators.values_list("pk", flat=True)}
        if set(forecasts) - known:
            raise ValidationError("预计完成值的指标不属于该项目")
        data = {**data, "forecasts": {k: str(v) for k, v in forecasts.items() if v is not None}}
    sheet = MonitoringSheet.objects.select_for_update().filter(project=project, month=month).first()
    if sheet is None:
        sheet = MonitoringSheet(project=project, month=month)
    if data.get("deviation_reason") == "other" and not (data.get("deviation_note") or "").strip():
        raise ValidationError({"deviation_note": "偏差原因为“其他”时须说明"})
    return _update(
        sheet, data, MONITORING_FIELDS, actor=actor, expected_version=expected_version, reason=reason
    )


# --- 单位自评表 ---------------------------------------------------------------------------------------------


@transaction.atomic
def self_evaluation_save(
    *,
    actor: Any,
    project: Project,
    data: dict[str, Any],
    expected_version: int | None = None,
    reason: str = "",
) -> SelfEvaluation:
    """Save the weights (checked against the rules), notes, satisfaction value and the department's opinion."""
    from evaluation.selectors import has_satisfaction, new_evaluation

    _require_draft(actor, project)
    evaluation = SelfEvaluation.objects.select_for_update().filter(project=project).first() or new_evaluation(
        project
    )
    _editable(evaluation)
    weights = {**evaluation.weights}
    for part in scoring.PARTS:
        if f"weight_{part}" in data:
            weights[part] = Decimal(data[f"weight_{part}"])
    errors = scoring.weight_errors(weights, has_satisfaction=has_satisfaction(project))
    value = data.get("satisfaction_value", evaluation.satisfaction_value)
    if value is not None and not 0 <= Decimal(value) <= 100:
        errors.append("满意度调查结果须在0到100之间")
    if (
        value is not None
        and not (data.get("satisfaction_source", evaluation.satisfaction_source) or "").strip()
    ):
        errors.append("请注明满意度数据来源（如调查方式、样本数）")
    if errors:
        raise ValidationError(errors)
    known = {"budget", *(str(pk) for pk in project.indicators.values_list("pk", flat=True))}
    if set(data.get("notes") or {}) - known:
        raise ValidationError("指标说明的指标不属于该项目")
    return _update(
        evaluation, data, EVALUATION_FIELDS, actor=actor, expected_version=expected_version, reason=reason
    )


@transaction.atomic
def self_evaluation_submit(
    *, actor: Any, evaluation: SelfEvaluation, expected_version: int | None = None
) -> SelfEvaluation:
    """部门评价: submit the computed score and grade (every shortfall explained, the department's opinion given)."""
    from evaluation.selectors import evaluation_sheet

    _require_draft(actor, evaluation.project)
    _editable(evaluation)
    sheet = evaluation_sheet(project=evaluation.project, evaluation=evaluation)
    problems = [
        f"“{_line_name(sheet, line)}”未完成目标，须填写未完成原因" for line in sheet.result.missing_reasons
    ]
    if sheet.result.total is None:
        problems.append("没有可评分的指标")
    if not evaluation.department_opinion.strip():
        problems.append("请填写部门评价意见")
    if problems:
        raise ValidationError(problems)
    evaluation.score, evaluation.grade = sheet.result.total, sheet.result.grade
    versioned_save(
        evaluation, expected_version=expected_version or evaluation.version, fields=["score", "grade"]
    )
    return _move(
        evaluation,
        actor=actor,
        to=Status.SUBMITTED,
        expected_version=evaluation.version,
        reason="提交绩效自评",
    )


def _line_name(sheet: Any, line: scoring.Line) -> str:
    if line.key == "budget":
        return "预算执行率"
    return sheet.indicators[line.key].name


@transaction.atomic
def self_evaluation_decide(
    *,
    actor: Any,
    evaluation: SelfEvaluation,
    approve: bool,
    opinion: str = "",
    expected_version: int | None = None,
) -> SelfEvaluation:
    """民生办 review: approve (with an optional opinion) or return with the reason."""
    if approve and opinion.strip():
        before = model_snapshot(evaluation)
        evaluation.office_opinion = opinion.strip()
        versioned_save(
            evaluation, expected_version=expected_version or evaluation.version, fields=["office_opinion"]
        )
        audit_record(
            actor=actor, action="update", obj=evaluation, before=before, after=model_snapshot(evaluation)
        )
        expected_version = evaluation.version
    return _decide(
        evaluation,
        actor=actor,
        approve=approve,
        reason="" if approve else opinion,
        expected_version=expected_version,
    )
