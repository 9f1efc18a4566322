"""Writes for funding plans and fiscal years: atomic, checked with core.policy, audited.

The original budget of a line is written once; every later change is a dated FundingAdjustment with a reason.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from catalogue.models import Project
from core.policy import can
from core.services import audit_record, model_snapshot, versioned_save
from funding.models import FiscalYear, FundingAdjustment, FundingLine
from orgs.models import Organisation

CENT = Decimal("0.01")


def _money(value: Any, field: str) -> Decimal:
    try:
        amount = Decimal(str(value)).quantize(CENT)
    except Exception as exc:
        raise ValidationError({field: f"金额“{value}”不是有效数字"}) from exc
    return amount


@transaction.atomic
def funding_line_create(
    *, actor: Any, project: Project, unit: Organisation | None, source: str, original: Any, reason: str = ""
) -> FundingLine:
    if not can(actor, "plan", project):
        raise PermissionDenied("不能设置该项目的资金计划")
    amount = _money(original, "original")
    if amount < 0:
        raise ValidationError({"original": "预算金额不能为负数"})
    if FundingLine.objects.filter(project=project, unit=unit, source=source).exists():
        raise ValidationError("该单位该来源的资金计划已经存在；如需变动，请登记预算调整")
    line = FundingLine(project=project, unit=unit, source=source, original=amount)
    line.full_clean()
    line.save()
    audit_record(
        actor=actor, action="create", obj=line, after=model_snapshot(line), reason=reason or "编制资金计划"
    )
    return line


@transaction.atomic
def funding_adjust(
    *, actor: Any, line: FundingLine, delta: Any, reason: str, date: dt.date | None = None
) -> FundingAdjustment:
    """Record a dated change beside the original budget; the result may not fall below zero."""
    if not can(actor, "plan", line.project):
        raise PermissionDenied("不能调整该项目的资金计划")
    if not reason.strip():
        raise ValidationError({"reason": "预算调整必须写明原因"})
    amount = _money(delta, "delta")
    if amount == 0:
        raise ValidationError({"delta": "调整额不能为零"})
    current = funding_current(line)
    if current + amount < 0:
        raise ValidationError({"delta": f"调整后预算为负（现为{current}元）"})
    locked = FundingLine.objects.select_for_update().get(pk=line.pk)  # serialise concurrent adjustments
    adjustment = FundingAdjustment.objects.create(
        line=locked,
        date=date or dt.date.today(),
        delta=amount,
        reason=reason.strip(),
        actor=actor if getattr(actor, "is_authenticated", False) else None,
    )
    versioned_save(locked, expected_version=locked.version, fields=[])
    audit_record(
        actor=actor,
        action="update",
        obj=line,
        before={"budget": str(current)},
        after={"budget": str(current + amount), "adjustment": str(amount)},
        reason=reason,
    )
    return adjustment


def funding_current(line: FundingLine) -> Decimal:
    total = sum((a.delta for a in line.adjustments.all()), Decimal(0))
    return line.original + total


FISCAL_FIELDS = (
    "budget_revenue",
    "budget_expenditure",
    "own_commitment",
    "warn_share",
    "alarm_share",
    "is_sample",
    "note",
)


@transaction.atomic
def fiscal_year_set(
    *,
    actor: Any,
    organisation: Organisation,
    year: int,
    data: dict[str, Any],
    reason: str = "",
    expected_version: int | None = None,
) -> FiscalYear:
    """Create or change the district's 财力 figures of one year (money in 元); 民生办 only (funding.rules)."""
    from core.policy import can_any

    fiscal = FiscalYear.objects.select_for_update().filter(organisation=organisation, year=year).first()
    if not (can(actor, "change", fiscal) if fiscal else can_any(actor, "change", FiscalYear)):
        raise PermissionDenied("只有民生办可以维护年度财力")
    unknown = set(data) - set(FISCAL_FIELDS)
    if unknown:
        raise ValidationError("未知字段：" + "、".join(sorted(unknown)))
    before = model_snapshot(fiscal) if fiscal else None
    if fiscal is None:
        fiscal = FiscalYear(organisation=organisation, year=year)
    for name, value in data.items():
        setattr(fiscal, name, value)
    if fiscal.warn_share > fiscal.alarm_share:
        raise ValidationError({"warn_share": "提示阈值不能高于警示阈值"})
    fiscal.full_clean()
    if before is None:
        fiscal.save()
    else:
        versioned_save(fiscal, expected_version=expected_version or fiscal.version, fields=list(data))
    audit_record(
        actor=actor,
        action="update" if before else "create",
        obj=fiscal,
        before=before,
        after=model_snapshot(fiscal),
        reason=reason or "录入年度财力",
    )
    return fiscal
