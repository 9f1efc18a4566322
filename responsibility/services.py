"""Writes for indicators, targets and responsibility letters: atomic, checked with core.policy, audited."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from catalogue.models import Program, Project
from core.numbers import NumberError, parse_quantity
from core.policy import can
from core.services import audit_record, model_snapshot, versioned_save
from core.uploads import checked_upload
from orgs.models import Organisation
from responsibility.defaults import DEFAULT_INDICATORS
from responsibility.models import Indicator, Letter, Target
from responsibility.rules import may_manage_program_letters

INDICATOR_FIELDS = (
    "name",
    "unit",
    "category",
    "direction",
    "cumulative",
    "additive",
    "target",
    "order",
    "operator",
    "polarity",
    "qualitative_value",
)


def _require(actor: Any, action: str, obj: Any, message: str) -> None:
    if not can(actor, action, obj):
        raise PermissionDenied(message)


@transaction.atomic
def indicators_apply_defaults(*, actor: Any, project: Project) -> list[Indicator]:
    """Give a project the default indicator set of its kind (only if it has none yet)."""
    _require(actor, "plan", project, "不能设置该项目的指标")
    if project.indicators.exists():
        return list(project.indicators.all())
    created = []
    for order, (name, unit, category, cumulative, additive) in enumerate(
        DEFAULT_INDICATORS[project.kind], start=1
    ):
        indicator = Indicator.objects.create(
            project=project,
            order=order,
            name=name,
            unit=unit,
            category=category,
            cumulative=cumulative,
            additive=additive,
            is_default=True,
        )
        audit_record(
            actor=actor,
            action="create",
            obj=indicator,
            after=model_snapshot(indicator),
            reason="按项目类型生成默认指标",
        )
        created.append(indicator)
    return created


@transaction.atomic
def indicator_save(
    *,
    actor: Any,
    project: Project,
    data: dict[str, Any],
    indicator: Indicator | None = None,
    expected_version: int | None = None,
    reason: str = "",
) -> Indicator:
    _require(actor, "plan", project, "不能修改该项目的指标")
    unknown = set(data) - set(INDICATOR_FIELDS)
    if unknown:
        raise ValidationError("未知字段：" + "、".join(sorted(unknown)))
    if indicator is None:
        indicator = Indicator(project=project, **data)
        indicator.full_clean()
        indicator.save()
        audit_record(
            actor=actor, action="create", obj=indicator, after=model_snapshot(indicator), reason=reason
        )
        return indicator
    before = model_snapshot(indicator)
    for name, value in data.items():
        setattr(indicator, name, value)
    indicator.is_default = False
    indicator.full_clean()
    versioned_save(
        indicator, expected_version=expected_version or indicator.version, fields=[*data, "is_default"]
    )
    audit_record(
        actor=actor,
        action="update",
        obj=indicator,
        before=before,
        after=model_snapshot(indicator),
        reason=reason,
    )
    return indicator


def _validate_plan(plan: list[Any], value: Decimal, indicator: Indicator) -> list[str]:
    if not plan:
        return []
    if not isinstance(plan, list | tuple) or len(plan) not in (4, 12):
        raise ValidationError({"plan": "序时进度计划须为12个月或4个季度的累计值"})
    try:
        numbers = [
            parse_quantity(p, field_label=f"序时进度计划第{i}期", min_value=None)
            if isinstance(p, str | int | float | Decimal) and not isinstance(p, bool)
            else parse_quantity(str(p), field_label=f"序时进度计划第{i}期")
            for i, p in enumerate(plan, start=1)
        ]
    except NumberError as exc:
        raise ValidationError({"plan": exc.message}) from exc
    if any(n is None for n in numbers):
        raise ValidationError({"plan": "序时进度计划的每一期都须填写"})
    if any(n < 0 for n in numbers):
        raise ValidationError({"plan": "计划值不能为负数"})
    if indicator.cumulative and any(b < a for a, b in zip(numbers, numbers[1:], strict=False)):
        raise ValidationError({"plan": "累计计划值不能逐期减少"})
    if indicator.cumulative and numbers[-1] != value:
        raise ValidationError({"plan": f"最后一期的累计计划值（{numbers[-1]}）应等于年度目标（{value}）"})
    return [str(n) for n in numbers]


@transaction.atomic
def target_set(
    *,
    actor: Any,
    indicator: Indicator,
    unit: Organisation,
    value: Decimal,
    plan: list[Any] | None = None,
    expected_version: int | None = None,
    reason: str = "",
) -> Target:
    """Set a unit's annual target (and optional 序时 plan) for one indicator."""
    _require(actor, "plan", indicator.project, "不能设置该项目的目标")
    if value < 0:
        raise ValidationError({"value": "目标值不能为负数"})
    plan_values = _validate_plan(plan or [], value, indicator)
    target = Target.objects.filter(indicator=indicator, unit=unit).first()
    if target is None:
        target = Target.objects.create(indicator=indicator, unit=unit, value=value, plan=plan_values)
        audit_record(actor=actor, action="create", obj=target, after=model_snapshot(target), reason=reason)
        return target
    before = model_snapshot(target)
    target.value, target.plan = value, plan_values
    if model_snapshot(target) == before:
        return target
    versioned_save(target, expected_version=expected_version or target.version, fields=["value", "plan"])
    audit_record(
        actor=actor, action="update", obj=target, before=before, after=model_snapshot(target), reason=reason
    )
    return target


@transaction.atomic
def targets_grid_set(
    *,
    actor: Any,
    project: Project,
    project_targets: dict[Indicator, Decimal | None],
    unit_targets: list[tuple[Indicator, Organisation, Decimal]],
    reason: str = "",
) -> None:
    """Save the targets page in one go: each indicator's project target and the units' targets; all or none."""
    _require(actor, "plan", project, "不能设置该项目的目标")
    for indicator, value in project_targets.items():
        if indicator.project_id != project.pk:
            raise ValidationError("指标不属于该项目")
        if value != indicator.target:
            indicator_save(
                actor=actor,
                project=project,
                indicator=indicator,
                data={"target": value},
                expected_version=indicator.version,
                reason=reason,
            )
    for indicator, unit, value in unit_targets:
        if indicator.project_id != project.pk:
            raise ValidationError("指标不属于该项目")
        target_set(actor=actor, indicator=indicator, unit=unit, value=value, reason=reason)


def planned_share(target: Target, month: int) -> Decimal:
    """Expected cumulative share of the annual target at the end of ``month`` (1–12): the unit's monthly or
    quarterly plan (interpolated within a quarter), else linear over the year (序时进度)."""
    if target.value == 0:
        return Decimal(1)
    plan = [Decimal(p) for p in target.plan]
    if len(plan) == 12:
        return plan[month - 1] / target.value
    if len(plan) == 4:
        points = [Decimal(0), *plan]
        quarter = (month - 1) // 3
        start, end = points[quarter], points[quarter + 1]
        return (start + (end - start) * Decimal(month - 3 * quarter) / 3) / target.value
    return Decimal(month) / Decimal(12)


# --- 目标责任状 --------------------------------------------------------------------------------------------


@transaction.atomic
def letter_draft(*, actor: Any, program: Program, organisation: Organisation) -> Letter:
    """Create (or refresh while still a draft) the letter of one unit, with a snapshot of its duties."""
    from responsibility.selectors import unit_duties

    if not may_manage_program_letters(actor, program):
        raise PermissionDenied("只有本级民生办可以起草目标责任状")
    letter = Letter.objects.filter(program=program, organisation=organisation).first()
    if letter is None:
        letter = Letter.objects.create(
            program=program,
            organisation=organisation,
            snapshot=unit_duties(program=program, organisation=organisation),
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        audit_record(
            actor=actor, action="create", obj=letter, after=model_snapshot(letter), reason="起草目标责任状"
        )
        return letter
    _require(actor, "change", letter, "不能修改该目标责任状")
    if letter.status != Letter.Status.DRAFTED:
        raise ValidationError("责任状已下达，不能再改写内容")
    before = model_snapshot(letter)
    letter.snapshot = unit_duties(program=program, organisation=organisation)
    versioned_save(letter, expected_version=letter.version, fields=["snapshot"])
    if model_snapshot(letter) != before:
        audit_record(
            actor=actor,
            action="update",
            obj=letter,
            before=before,
            after=model_snapshot(letter),
            reason="按最新目标和资金刷新",
        )
    return letter


def letter_missing_targets(letter: Letter) -> list[str]:
    """Names of the letter's projects that carry no target for the unit (from its snapshot)."""
    return [p.get("name", "") for p in letter.snapshot.get("projects", []) if not p.get("targets")]


def _missing_message(missing: dict[str, list[str]]) -> str:
    parts = [f"{unit}：{'、'.join(names)}" for unit, names in missing.items()]
    return "以下项目尚未设置目标，请先设置目标，或确认仍然下达——" + "；".join(parts)


@transaction.atomic
def letter_issue(*, actor: Any, letter: Letter, confirm_missing_targets: bool = False) -> Letter:
    """Issue a drafted letter. Projects without targets need ``confirm_missing_targets`` (the user was warned)."""
    if not may_manage_program_letters(actor, letter.program):
        raise PermissionDenied("只有本级民生办可以下达目标责任状")
    if letter.status != Letter.Status.DRAFTED:
        raise ValidationError("只有起草状态的责任状可以下达")
    if not letter.snapshot.get("projects"):
        raise ValidationError(
            f"{letter.organisation.name}在{letter.program.year}年没有承担的项目，无需下达责任状"
        )
    missing = letter_missing_targets(letter)
    if missing and not confirm_missing_targets:
        raise ValidationError(_missing_message({letter.organisation.display_name: missing}))
    before = model_snapshot(letter)
    letter.status, letter.issued_at = Letter.Status.ISSUED, timezone.now()
    versioned_save(letter, expected_version=letter.version, fields=["status", "issued_at"])
    audit_record(
        actor=actor, action="state", obj=letter, before=before, after=model_snapshot(letter), reason="下达"
    )
    return letter


@transaction.atomic
def letter_sign(
    *, actor: Any, letter: Letter, signed_date: dt.date, scan: UploadedFile, signer: str = ""
) -> Letter:
    """Record the signature: the signed date and the uploaded scan (type and size checked) mark it signed."""
    _require(actor, "change", letter, "不能签收该目标责任状")
    if letter.status != Letter.Status.ISSUED:
        raise ValidationError("只有已下达的责任状可以登记签订")
    if signed_date > timezone.localdate():
        raise ValidationError({"signed_date": "签订日期不能晚于今天"})
    try:
        clean, kind = checked_upload(scan)
    except ValidationError as exc:
        raise ValidationError({"scan": exc.messages}) from exc
    before = model_snapshot(letter)
    letter.scan.save(f"{letter.program.year}-{letter.organisation.code}.{kind.extension}", clean, save=False)
    letter.scan_content_type = kind.content_type
    letter.status, letter.signed_date, letter.signer = Letter.Status.SIGNED, signed_date, signer
    versioned_save(
        letter,
        expected_version=letter.version,
        fields=["status", "signed_date", "signer", "scan", "scan_content_type"],
    )
    audit_record(
        actor=actor,
        action="state",
        obj=letter,
        before=before,
        after=model_snapshot(letter),
        reason="登记签订",
    )
    return letter


@transaction.atomic
def letters_draft_all(*, actor: Any, program: Program) -> int:
    """Draft (or refresh, while still drafts) the letter of every responsible unit; all or none."""
    from responsibility.selectors import responsible_units

    if not may_manage_program_letters(actor, program):
        raise PermissionDenied("只有本级民生办可以起草目标责任状")

    count = 0
    for unit in responsible_units(program=program):
        letter = Letter.objects.filter(program=program, organisation=unit).first()
        if letter is None or letter.status == Letter.Status.DRAFTED:
            letter_draft(actor=actor, program=program, organisation=unit)
            count += 1
    return count


def letters_draft_all_start(*, actor: Any, program: Program) -> Any:
    """With more responsible units than RESPONSIBILITY_LETTERS_BACKGROUND_UNITS (a province-size program), draft
    every letter in the background (a job run by a worker, all or none, idempotent) and return the job; else None
    (draft them in the request with ``letters_draft_all``)."""
    from django.conf import settings
    from django.urls import reverse

    from jobs.services import job_start
    from responsibility.selectors import responsible_units

    units = len(responsible_units(program=program))
    if units <= settings.RESPONSIBILITY_LETTERS_BACKGROUND_UNITS:
        return None
    if not may_manage_program_letters(actor, program):
        raise PermissionDenied("只有民生办可以起草目标责任状")
    return job_start(
        actor=actor,
        kind="responsibility.letters_draft_all",
        title=f"起草全部目标责任状：{program}",
        handler="responsibility.services.letters_draft_all_job",
        total=units,
        params={"program": program.pk},
        return_url=reverse("responsibility:program_letters", args=[program.pk]),
        idempotent=True,
    )


def letters_draft_all_job(job: Any, progress: Any) -> dict[str, Any]:
    """The background drafting job's work (see letters_draft_all_start)."""
    from django.urls import reverse

    from jobs.services import write_once

    program = Program.objects.get(pk=job.params["program"])
    with write_once(job) as once:
        count = letters_draft_all(actor=job.created_by, program=program)
        progress(count, count)
        once.result = {
            "message": f"已为{count}个责任单位起草（或刷新）目标责任状。",
            "link": {
                "url": reverse("responsibility:program_letters", args=[program.pk]),
                "label": "查看责任状",
            },
        }
    return once.result


@transaction.atomic
def letters_issue_all(*, actor: Any, program: Program, confirm_missing_targets: bool = False) -> int:
    """Issue every drafted letter of the program; all or none. Projects without targets must be confirmed."""
    if not may_manage_program_letters(actor, program):
        raise PermissionDenied("只有本级民生办可以下达目标责任状")
    letters = list(
        Letter.objects.filter(program=program, status=Letter.Status.DRAFTED).select_related("organisation")
    )
    missing = {
        letter.organisation.display_name: names
        for letter in letters
        if (names := letter_missing_targets(letter))
    }
    if missing and not confirm_missing_targets:
        raise ValidationError(_missing_message(missing))
    for letter in letters:
        letter_issue(actor=actor, letter=letter, confirm_missing_targets=True)
    return len(letters)
