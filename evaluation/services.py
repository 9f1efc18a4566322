"""Writes of the performance tables: keyword-only, atomic, checked with core.policy and evaluation.rules,
audited, concurrent edits refused (core.services.versioned_save)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

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


# --- 目标管理绩效考评 -----------------------------------------------------------------------------------------


def _manager(actor: Any, obj: Any = None) -> None:
    """民生办, on its own government's assessment (``obj``: the program, scheme, run … acted on)."""
    from evaluation.rules import may_manage_assessment

    if not may_manage_assessment(actor):
        raise PermissionDenied(_("只有民生办可以管理考评"))
    if not may_manage_assessment(actor, obj):
        raise PermissionDenied(_("只能管理本级政府的考评"))


def _bands_check(bands: list[dict[str, Any]]) -> list[dict[str, str]]:
    out = []
    for band in bands:
        label = str(band.get("label") or "").strip()
        try:
            minimum = Decimal(str(band.get("min")))
        except (ArithmeticError, ValueError):
            raise ValidationError(_("档次“%(label)s”的最低分不是数字") % {"label": label}) from None
        if not label or not (0 <= minimum <= 100):
            raise ValidationError(_("档次名称不能为空，最低分应在0到100之间"))
        out.append({"label": label, "min": str(minimum)})
    if not out:
        raise ValidationError(_("至少设置一个档次"))
    out.sort(key=lambda b: Decimal(b["min"]), reverse=True)
    if Decimal(out[-1]["min"]) != 0:
        raise ValidationError(_("最低一档的最低分应为0"))
    return out


@transaction.atomic
def scheme_create_from_template(*, actor: Any, program: Any) -> Any:
    """One click: the default scheme of ``program`` (安徽 50/40/10 structure), to be edited afterwards."""
    from evaluation.assessment import template_tracks
    from evaluation.models import DEFAULT_BANDS, Item, Scheme, Track

    _manager(actor, program)
    if Scheme.objects.filter(program=program).exists():
        raise ValidationError(_("该年度已有考评办法"))
    scheme = Scheme.objects.create(
        program=program,
        title=f"{program.year}年{program.noun}目标管理绩效考评办法",
        bands=list(DEFAULT_BANDS),
    )
    for n, spec in enumerate(template_tracks(), start=1):
        track = Track.objects.create(
            scheme=scheme, order=n, name=spec["name"], kind=spec["kind"], applies_to=spec["applies_to"]
        )
        Item.objects.bulk_create(
            Item(track=track, order=i, name=name, points=Decimal(points), rule=rule, metric=metric, **extra)
            for i, (name, points, rule, metric, extra) in enumerate(spec["items"], start=1)
        )
    audit_record(actor=actor, action="create", obj=scheme, after=model_snapshot(scheme), reason="按模板创建")
    return scheme


@transaction.atomic
def scheme_update(*, actor: Any, scheme: Any, data: dict[str, Any], expected_version: int) -> Any:
    _manager(actor, scheme)
    before = model_snapshot(scheme)
    scheme.title = str(data.get("title") or scheme.title)
    scheme.objection_days = int(data.get("objection_days") or scheme.objection_days)
    if "bands" in data:
        scheme.bands = _bands_check(data["bands"])
    if data.get("constrain_bottom") is not None:
        bottom = int(data["constrain_bottom"])
        if not 0 <= bottom <= 50:
            raise ValidationError({"constrain_bottom": _("建议约束的末位单位数应在0到50之间")})
        scheme.constrain_bottom = bottom
    if "constrain_lowest_band" in data:
        scheme.constrain_lowest_band = bool(data["constrain_lowest_band"])
    versioned_save(
        scheme,
        expected_version=expected_version,
        fields=["title", "objection_days", "bands", "constrain_bottom", "constrain_lowest_band"],
    )
    audit_record(actor=actor, action="update", obj=scheme, before=before, after=model_snapshot(scheme))
    return scheme


def _item_check(item: Any) -> None:
    from evaluation.models import RuleKind

    if item.rule == RuleKind.AUTO and not item.metric:
        raise ValidationError(_("自动计分的考核项目须选择数据指标"))
    if item.rule == RuleKind.SAMPLE and (not item.sample_source or not item.sample_size):
        raise ValidationError(_("抽样扣分的考核项目须选择抽样对象并填写每单位抽样数"))
    if item.rule == RuleKind.SAMPLE and not item.per_failure:
        raise ValidationError(_("抽样扣分的考核项目须填写每处扣分"))


@transaction.atomic
def track_save(*, actor: Any, scheme: Any, track: Any = None, data: dict[str, Any]) -> Any:
    from evaluation.models import Track

    _manager(actor, scheme)
    before = model_snapshot(track) if track else None
    track = track or Track(scheme=scheme)
    for name in ("order", "name", "kind", "applies_to", "scorer"):
        if name in data:
            setattr(track, name, data[name])
    track.full_clean()
    track.save()
    audit_record(
        actor=actor,
        action="update" if before else "create",
        obj=track,
        before=before,
        after=model_snapshot(track),
    )
    return track


@transaction.atomic
def item_save(*, actor: Any, track: Any, item: Any = None, data: dict[str, Any]) -> Any:
    from evaluation.models import Item

    _manager(actor, track)
    before = model_snapshot(item) if item else None
    item = item or Item(track=track)
    for name in (
        "order",
        "name",
        "points",
        "rule",
        "metric",
        "per_failure",
        "sample_source",
        "sample_size",
        "criteria",
    ):
        if name in data:
            setattr(item, name, data[name])
    item.full_clean()
    _item_check(item)
    item.save()
    audit_record(
        actor=actor,
        action="update" if before else "create",
        obj=item,
        before=before,
        after=model_snapshot(item),
    )
    return item


@transaction.atomic
def item_delete(*, actor: Any, item: Any) -> None:
    _manager(actor, item)
    if item.scores.exists():
        raise ValidationError(_("该考核项目已用于考评，不能删除"))
    audit_record(actor=actor, action="delete", obj=item, before=model_snapshot(item))
    item.delete()


def _refresh_totals(run: Any) -> None:
    """Re-add every unit's total, 档次 and rank of ``run`` from its item scores (a fixed number of queries)."""
    from evaluation.assessment import band_for, unit_total
    from evaluation.models import ItemScore, UnitResult
    from reporting.rollup import assign_ranks

    results = list(UnitResult.objects.filter(run=run).select_related("unit"))
    per: dict[int, list[tuple[Decimal | None, Decimal]]] = {r.pk: [] for r in results}
    for s in (
        ItemScore.objects.filter(result__run=run)
        .select_related("item")
        .only("result_id", "computed", "adjusted", "item__points")
    ):
        per[s.result_id].append((s.score, Decimal(s.item.points)))
    bands = run.scheme.bands
    for r in results:
        r.score = unit_total(per[r.pk])
        r.band = band_for(r.score, bands)
    for group in {r.group for r in results}:
        ranked = sorted(
            (r for r in results if r.group == group), key=lambda r: (-r.score, r.unit.order, r.unit_id)
        )
        assign_ranks(ranked)
    UnitResult.objects.bulk_update(results, ["score", "band", "rank"])


@transaction.atomic
def run_compute(*, actor: Any, scheme: Any, month: int, annual: bool = False) -> Any:
    """Compute (or re-compute, while not locked) the run of ``scheme`` up to ``month``: every unit, every item,
    in a fixed number of queries. A re-compute refreshes the automatic scores only: manual scores, sample results
    and recorded re-scores stay."""
    import secrets

    from evaluation import assessment as a
    from evaluation.models import ItemScore, RuleKind, Run, SampleCheck, UnitResult

    _manager(actor, scheme)
    if annual:
        month = 12
    if not 1 <= month <= 12:
        raise ValidationError(_("截至月份应为1到12"))
    program = scheme.program
    run, created = Run.objects.get_or_create(
        scheme=scheme, month=month, annual=annual, defaults={"seed": secrets.randbelow(2**31)}
    )
    if run.locked:
        raise ValidationError(_("考评结果已审定锁定，不能重新计算"))
    computed = a.compute(scheme=scheme, month=month)
    items, units, satisfaction = computed.items, computed.units, computed.satisfaction
    sources = {i.sample_source for i in items if i.rule == RuleKind.SAMPLE}
    candidates = a.sample_candidates(program=program, sources=sources) if created else {}

    existing = {r.unit_id: r for r in UnitResult.objects.filter(run=run)}
    new_results = [UnitResult(run=run, unit=u, group=g) for u, g in units if u.pk not in existing]
    UnitResult.objects.bulk_create(new_results)
    results = {**existing, **{r.unit_id: r for r in new_results}}
    scores = {(s.result_id, s.item_id): s for s in ItemScore.objects.filter(result__run=run)}
    to_create, to_update, samples = [], [], []
    for unit, group in units:
        result = results[unit.pk]
        for item in items:
            if not a.applies(item.track.applies_to, group):
                continue
            key = (result.pk, item.pk)
            score = scores.get(key) or ItemScore(result=result, item=item)
            if a.is_manual(item, satisfaction):
                score.detail = {"manual": True}
            elif item.rule == RuleKind.SAMPLE:
                if key not in scores:
                    drawn = a.draw(
                        candidates.get(item.sample_source, {}).get(unit.pk, []),
                        int(item.sample_size or 0),
                        run.seed + item.pk * 7919 + unit.pk,
                    )
                    samples += [(score, oid, label) for oid, label in drawn]
                    score.computed = Decimal(item.points)
                    score.detail = {"sampled": len(drawn)}
            else:
                outcome = computed.scores[unit.pk, item.pk]
                score.computed, score.detail = outcome.score, outcome.detail
            (to_update if score.pk else to_create).append(score)
    ItemScore.objects.bulk_create(to_create)
    ItemScore.objects.bulk_update(to_update, ["computed", "detail"])
    SampleCheck.objects.bulk_create(
        SampleCheck(score=s, source=s.item.sample_source, object_id=oid, label=label[:200])
        for s, oid, label in samples
    )
    today = timezone.localdate()
    run.computed_at = timezone.now()
    run.objection_deadline = today + dt.timedelta(days=scheme.objection_days)
    run.save(update_fields=["computed_at", "objection_deadline"])
    _refresh_totals(run)
    audit_record(
        actor=actor,
        action="create" if created else "update",
        obj=run,
        after=model_snapshot(run),
        reason="计算考评结果",
    )
    return run


def _open(score: Any) -> None:
    if score.result.run.locked:
        raise ValidationError(_("考评结果已审定锁定，不能修改"))


@transaction.atomic
def manual_score_save(
    *,
    actor: Any,
    score: Any,
    value: Decimal,
    evidence: str,
    scorer_name: str,
    evidence_file: Any = None,
    expected_version: int | None = None,
) -> Any:
    """A manual item's score with its evidence (text, optional file) and the scorer's name. A changed score is
    versioned (``expected_version``: the version read; a stale one is refused) and audited old → new."""
    from evaluation.rules import may_score

    if not may_score(actor, score):
        raise PermissionDenied(_("没有评分权限"))
    if not score.detail.get("manual"):
        raise ValidationError(_("该项目按数据自动计分，得分只能通过复核修改"))
    if value is None or not (0 <= Decimal(value) <= Decimal(score.item.points)):
        raise ValidationError(_("得分应在0到该项分值之间"))
    if not (evidence or "").strip() or not (scorer_name or "").strip():
        raise ValidationError(_("请填写评分依据和评分人"))
    before = model_snapshot(score)
    if score.computed is not None and score.computed != Decimal(value):
        _open(score)
    score.computed, score.evidence, score.scorer_name = Decimal(value), evidence.strip(), scorer_name.strip()
    fields = ["computed", "evidence", "scorer_name"]
    if evidence_file is not None:
        score.evidence_file = evidence_file
        fields.append("evidence_file")
    _open(score)
    version = score.version if expected_version is None else expected_version
    versioned_save(score, expected_version=version, fields=fields)
    audit_record(
        actor=actor, action="update", obj=score, before=before, after=model_snapshot(score), reason="人工评分"
    )
    _refresh_totals(score.result.run)
    return score


@transaction.atomic
def sample_result_save(*, actor: Any, check: Any, passed: bool, note: str = "") -> Any:
    """The result of one sampled record; the item's score follows (points − per failure × failures, ≥ 0)."""
    from evaluation.assessment import score_samples
    from evaluation.rules import may_score

    score = check.score
    if not may_score(actor, score):
        raise PermissionDenied(_("没有评分权限"))
    _open(score)
    if not passed and not (note or "").strip():
        raise ValidationError(_("不合格的抽查记录须填写检查情况"))
    before = model_snapshot(check)
    check.passed, check.note = passed, (note or "").strip()[:200]
    check.save(update_fields=["passed", "note"])
    results = list(score.samples.values_list("passed", flat=True))
    score.computed = score_samples(score.item, results)
    score.detail = {**score.detail, "failures": sum(1 for r in results if r is False)}
    score.save(update_fields=["computed", "detail"])
    audit_record(
        actor=actor,
        action="update",
        obj=check,
        before=before,
        after=model_snapshot(check),
        reason="抽样检查结果",
    )
    _refresh_totals(score.result.run)
    return check


@transaction.atomic
def objection_file(*, actor: Any, score: Any, text: str) -> Any:
    from evaluation.models import Objection
    from evaluation.rules import may_object

    if not may_object(actor, score):
        raise PermissionDenied(_("只有被考核单位在申诉期内可以申诉"))
    if not (text or "").strip():
        raise ValidationError(_("请填写申诉理由"))
    objection = Objection.objects.create(score=score, text=text.strip(), filed_by=actor)
    audit_record(actor=actor, action="create", obj=objection, after=model_snapshot(objection))
    return objection


@transaction.atomic
def objection_answer(
    *, actor: Any, objection: Any, answer: str, new_score: Decimal | None = None, reason: str = ""
) -> Any:
    """民生办 answers an objection; a changed score goes through ``item_rescore`` (reason = the answer)."""
    _manager(actor, objection)
    _open(objection.score)
    if not objection.is_open:
        raise ValidationError(_("该申诉已答复"))
    if not (answer or "").strip():
        raise ValidationError(_("请填写答复意见"))
    before = model_snapshot(objection)
    objection.answer, objection.answered_by, objection.answered_at = answer.strip(), actor, timezone.now()
    objection.save(update_fields=["answer", "answered_by", "answered_at"])
    audit_record(actor=actor, action="update", obj=objection, before=before, after=model_snapshot(objection))
    if new_score is not None:
        item_rescore(
            actor=actor, score=objection.score, value=new_score, reason=reason or answer, objection=objection
        )
    return objection


@transaction.atomic
def item_rescore(
    *,
    actor: Any,
    score: Any,
    value: Decimal,
    reason: str,
    objection: Any = None,
    expected_version: int | None = None,
) -> Any:
    """The only way a computed score changes: a recorded re-score (old, new, reason, who), audited; a stale
    ``expected_version`` (the version read) is refused."""
    from evaluation.models import Rescore

    _manager(actor, score)
    _open(score)
    if not (reason or "").strip():
        raise ValidationError(_("请填写复核理由"))
    value = Decimal(value)
    if not (0 <= value <= Decimal(score.item.points)):
        raise ValidationError(_("得分应在0到该项分值之间"))
    before = model_snapshot(score)
    old = score.score
    score.adjusted = value
    version = score.version if expected_version is None else expected_version
    versioned_save(score, expected_version=version, fields=["adjusted"])
    rescore = Rescore.objects.create(
        score=score, objection=objection, old=old, new=value, reason=reason.strip(), by=actor
    )
    audit_record(
        actor=actor,
        action="update",
        obj=score,
        before=before,
        after=model_snapshot(score),
        reason=f"复核：{reason.strip()}",
    )
    _refresh_totals(score.result.run)
    return rescore


@transaction.atomic
def run_approve(*, actor: Any, run: Any) -> Any:
    """民生办 approves: the results are locked (no objection, score or re-score any more)."""
    from evaluation.models import ItemScore, Objection, RunStatus

    _manager(actor, run)
    if run.status != RunStatus.COMPUTED:
        raise ValidationError(_("考评结果已审定"))
    if Objection.objects.filter(score__result__run=run, answered_at__isnull=True).exists():
        raise ValidationError(_("还有未答复的申诉，不能审定"))
    if ItemScore.objects.filter(result__run=run, computed__isnull=True, adjusted__isnull=True).exists():
        raise ValidationError(_("还有未评分的人工评分项目，不能审定"))
    before = model_snapshot(run)
    run.status, run.approved_at, run.approved_by = RunStatus.APPROVED, timezone.now(), actor
    versioned_save(run, expected_version=run.version, fields=["status", "approved_at", "approved_by"])
    audit_record(
        actor=actor, action="update", obj=run, before=before, after=model_snapshot(run), reason="审定"
    )
    return run


@transaction.atomic
def run_publish(*, actor: Any, run: Any) -> Any:
    """Publish an approved run to the public portal (totals and 档次 per unit only)."""
    from evaluation.models import RunStatus

    _manager(actor, run)
    if run.status != RunStatus.APPROVED:
        raise ValidationError(_("须先审定考评结果再公布"))
    before = model_snapshot(run)
    run.status, run.published_at = RunStatus.PUBLISHED, timezone.now()
    versioned_save(run, expected_version=run.version, fields=["status", "published_at"])
    audit_record(
        actor=actor, action="update", obj=run, before=before, after=model_snapshot(run), reason="公布"
    )
    return run


# --- 正向激励和刚性约束 ----------------------------------------------------------------------------------------

POOL_FIELDS = (
    "amount",
    "rule",
    "band_amounts",
    "min_band",
    "applies_to",
    "target",
    "project",
    "source",
    "note",
)
CONSTRAINT_FIELDS = ("kind", "reason", "date", "attendees", "commitments", "deadline")
TEXT_MAX = 2000


def _pool_check(pool: Any) -> None:
    """The pool's settings against its run: the 档次 named exist, the amounts are sane, the project belongs to the
    year the target names."""
    from core import numbers
    from evaluation.models import RewardRule, RewardTarget

    program = pool.run.scheme.program
    labels = [str(b["label"]) for b in pool.run.scheme.bands]
    if pool.amount is None or not numbers.is_sane(pool.amount) or pool.amount <= 0:
        raise ValidationError({"amount": _("奖补资金总额须大于零")})
    if pool.amount > numbers.wan_to_yuan(numbers.MONEY_MAX_WAN):
        raise ValidationError({"amount": _("奖补资金总额超出合理范围")})
    if pool.min_band and pool.min_band not in labels:
        raise ValidationError({"min_band": _("档次“%(band)s”不在考评办法中") % {"band": pool.min_band}})
    clean: dict[str, str] = {}
    for label, raw in (pool.band_amounts or {}).items():
        if label not in labels:
            raise ValidationError({"band_amounts": _("档次“%(band)s”不在考评办法中") % {"band": label}})
        try:
            value = Decimal(str(raw)).quantize(Decimal("0.01"))
        except ArithmeticError:
            raise ValidationError(
                {"band_amounts": _("%(band)s档定额不是有效数字") % {"band": label}}
            ) from None
        if not numbers.is_sane(value) or value < 0 or value > pool.amount:
            raise ValidationError(
                {"band_amounts": _("%(band)s档定额应在0到奖补资金总额之间") % {"band": label}}
            )
        clean[label] = str(value)
    pool.band_amounts = clean
    if pool.rule == RewardRule.BAND and not any(Decimal(v) > 0 for v in clean.values()):
        raise ValidationError({"band_amounts": _("按档次定额分配时，至少为一个档次设定金额")})
    year = program.year + 1 if pool.target == RewardTarget.NEXT_YEAR else program.year
    if pool.project_id is None or pool.project.program.year != year:
        raise ValidationError({"project": _("列入项目须为%(year)s年度计划中的项目") % {"year": year}})
    if len(pool.note or "") > TEXT_MAX:
        raise ValidationError({"note": _("说明不能超过%(n)s字") % {"n": TEXT_MAX}})


@transaction.atomic
def reward_pool_save(
    *, actor: Any, run: Any, data: dict[str, Any], expected_version: int | None = None
) -> Any:
    """Create or change the run's reward pool (民生办); only while it is not allocated."""
    from evaluation.models import PoolStatus, RewardPool

    _manager(actor, run)
    unknown = set(data) - set(POOL_FIELDS)
    if unknown:
        raise ValidationError("未知字段：" + "、".join(sorted(unknown)))
    pool = RewardPool.objects.select_for_update().filter(run=run).first()
    before = model_snapshot(pool) if pool else None
    if pool is not None and pool.status != PoolStatus.DRAFT:
        raise ValidationError(_("奖补资金已分配并列入资金计划；如需修改，请先撤销分配"))
    if pool is None:
        pool = RewardPool(run=run)
    for name, value in data.items():
        setattr(pool, name, value)
    _pool_check(pool)
    pool.full_clean(exclude=["run"])
    if before is None:
        pool.save()
    else:
        versioned_save(pool, expected_version=expected_version or pool.version, fields=list(data))
    audit_record(
        actor=actor,
        action="update" if before else "create",
        obj=pool,
        before=before,
        after=model_snapshot(pool),
        reason="奖补资金方案",
    )
    return pool


@transaction.atomic
def reward_pool_allocate(*, actor: Any, pool: Any, expected_version: int) -> Any:
    """Allocate the pool (the approved results only): one RewardShare per unit with its formula, each recorded as a
    funding line through funding.services — a new line of the target project for the unit (next year's plan), or
    an adjustment of its existing line (this year's adjustment; a line of 0 is opened first when the unit has
    none). All or nothing."""
    from evaluation import incentives
    from evaluation.models import PoolStatus, RewardShare, RewardTarget
    from funding.models import FundingLine
    from funding.services import funding_adjust, funding_line_create

    _manager(actor, pool)
    if pool.status != PoolStatus.DRAFT:
        raise ValidationError(_("奖补资金已经分配；如需重新分配，请先撤销"))
    if not pool.run.locked:
        raise ValidationError(_("考评结果须经民生办审定后才能分配奖补资金"))
    _pool_check(pool)
    before = model_snapshot(pool)
    results = list(pool.run.results.select_related("unit"))
    planned = incentives.plan(pool, results)
    if not any(share.amount > 0 for share in planned):
        raise ValidationError({"band_amounts": _("按当前方案没有单位获得奖补资金")})
    reason = _("以奖代补：%(run)s奖补资金") % {"run": pool.run}
    for share in planned:
        line = None
        created = False
        if share.amount > 0:
            unit = share.result.unit
            line = FundingLine.objects.filter(project=pool.project, unit=unit, source=pool.source).first()
            if line is None and pool.target == RewardTarget.NEXT_YEAR:
                line = funding_line_create(
                    actor=actor,
                    project=pool.project,
                    unit=unit,
                    source=pool.source,
                    original=share.amount,
                    reason=reason,
                )
                created = True
            else:
                if line is None:
                    line = funding_line_create(
                        actor=actor,
                        project=pool.project,
                        unit=unit,
                        source=pool.source,
                        original=0,
                        reason=reason,
                    )
                    created = True
                funding_adjust(actor=actor, line=line, delta=share.amount, reason=reason)
        RewardShare.objects.create(
            pool=pool,
            result=share.result,
            amount=share.amount,
            formula=share.formula,
            line=line,
            created_line=created,
        )
    pool.status, pool.allocated_at, pool.allocated_by = PoolStatus.ALLOCATED, timezone.now(), actor
    versioned_save(pool, expected_version=expected_version, fields=["status", "allocated_at", "allocated_by"])
    audit_record(
        actor=actor,
        action="update",
        obj=pool,
        before=before,
        after={
            **model_snapshot(pool),
            "shares": {s.result.unit.display_name: str(s.amount) for s in planned},
        },
        reason="分配奖补资金",
    )
    return pool


@transaction.atomic
def reward_pool_reverse(*, actor: Any, pool: Any, reason: str, expected_version: int) -> Any:
    """Undo an allocation: every amount recorded is taken back out of its funding line by a dated adjustment of the
    same amount (funding keeps its history: nothing is deleted there), the shares are removed and the pool is a
    draft again."""
    from evaluation.models import PoolStatus
    from funding.services import funding_adjust

    _manager(actor, pool)
    if pool.status != PoolStatus.ALLOCATED:
        raise ValidationError(_("奖补资金尚未分配"))
    if not (reason or "").strip():
        raise ValidationError({"reason": _("撤销分配须写明原因")})
    if len(reason) > TEXT_MAX:
        raise ValidationError({"reason": _("撤销原因不能超过%(n)s字") % {"n": TEXT_MAX}})
    before = {
        **model_snapshot(pool),
        "shares": {s.result.unit.display_name: str(s.amount) for s in pool.shares.all()},
    }
    for share in pool.shares.select_related("line"):
        if share.line is not None and share.amount > 0:
            funding_adjust(
                actor=actor,
                line=share.line,
                delta=-share.amount,
                reason=_("撤销以奖代补分配：%(r)s") % {"r": reason.strip()},
            )
    pool.shares.all().delete()
    pool.status, pool.allocated_at, pool.allocated_by = PoolStatus.DRAFT, None, None
    versioned_save(pool, expected_version=expected_version, fields=["status", "allocated_at", "allocated_by"])
    audit_record(
        actor=actor,
        action="update",
        obj=pool,
        before=before,
        after=model_snapshot(pool),
        reason=f"撤销分配：{reason.strip()}",
    )
    return pool


def _constraint_check(c: Any) -> None:
    from evaluation.models import ConstraintKind

    for name, label in (
        ("reason", _("事由")),
        ("attendees", _("参加人员")),
        ("commitments", _("表态和承诺")),
    ):
        if len(getattr(c, name) or "") > TEXT_MAX:
            raise ValidationError({name: _("%(f)s不能超过%(n)s字") % {"f": label, "n": TEXT_MAX}})
    if not (c.reason or "").strip():
        raise ValidationError({"reason": _("请填写事由")})
    if c.kind == ConstraintKind.INTERVIEW:
        if not (c.attendees or "").strip():
            raise ValidationError({"attendees": _("约谈须填写参加人员")})
        if not (c.commitments or "").strip():
            raise ValidationError({"commitments": _("约谈须记录被约谈单位的表态和承诺")})
    if c.date and (c.date.year < c.program.year - 1 or c.date.year > c.program.year + 2):
        raise ValidationError({"date": _("日期应在%(y)s年前后") % {"y": c.program.year}})
    if c.deadline and c.date and c.deadline < c.date:
        raise ValidationError({"deadline": _("整改期限不能早于约束日期")})


@transaction.atomic
def constraint_record(*, actor: Any, program: Any, unit: Any, data: dict[str, Any], run: Any = None) -> Any:
    """Record a 通报批评 / 约谈 / 限期整改 of ``unit`` (民生办), usually one the run suggested."""
    from evaluation.models import Constraint

    _manager(actor, program)
    unknown = set(data) - set(CONSTRAINT_FIELDS)
    if unknown:
        raise ValidationError("未知字段：" + "、".join(sorted(unknown)))
    if run is not None:
        if run.scheme.program_id != program.pk:
            raise ValidationError({"run": _("考评不属于该年度计划")})
        if not run.results.filter(unit=unit).exists():
            raise ValidationError({"unit": _("该单位不在本次考评的被考核单位中")})
    c = Constraint(program=program, run=run, unit=unit, recorded_by=actor, **data)
    _constraint_check(c)
    c.full_clean()
    c.save()
    audit_record(actor=actor, action="create", obj=c, after=model_snapshot(c), reason=c.get_kind_display())
    return c


@transaction.atomic
def constraint_update(*, actor: Any, constraint: Any, data: dict[str, Any], expected_version: int) -> Any:
    _manager(actor, constraint)
    unknown = set(data) - set(CONSTRAINT_FIELDS)
    if unknown:
        raise ValidationError("未知字段：" + "、".join(sorted(unknown)))
    if not constraint.is_open:
        raise ValidationError(_("该约束措施已办结，不能修改"))
    before = model_snapshot(constraint)
    for name, value in data.items():
        setattr(constraint, name, value)
    _constraint_check(constraint)
    constraint.full_clean()
    versioned_save(constraint, expected_version=expected_version, fields=list(data))
    audit_record(
        actor=actor, action="update", obj=constraint, before=before, after=model_snapshot(constraint)
    )
    return constraint


@transaction.atomic
def constraint_close(*, actor: Any, constraint: Any, follow_up: str, expected_version: int) -> Any:
    """Close a constraint with the follow-up result (跟踪落实情况)."""
    _manager(actor, constraint)
    if not constraint.is_open:
        raise ValidationError(_("该约束措施已办结"))
    text = (follow_up or "").strip()
    if not text:
        raise ValidationError({"follow_up": _("办结须填写跟踪落实情况")})
    if len(text) > TEXT_MAX:
        raise ValidationError({"follow_up": _("跟踪落实情况不能超过%(n)s字") % {"n": TEXT_MAX}})
    before = model_snapshot(constraint)
    constraint.follow_up, constraint.closed_at = text, timezone.now()
    versioned_save(constraint, expected_version=expected_version, fields=["follow_up", "closed_at"])
    audit_record(
        actor=actor,
        action="update",
        obj=constraint,
        before=before,
        after=model_snapshot(constraint),
        reason="办结",
    )
    return constraint
