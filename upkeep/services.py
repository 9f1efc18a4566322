from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from core.policy import can
from core.services import audit_record, model_snapshot
from core.uploads import IMAGES, checked_upload
from upkeep.models import Asset, Check

PROBLEM = (Check.Condition.POOR, Check.Condition.BROKEN)


@transaction.atomic
def asset_save(*, actor: Any, data: dict[str, Any], asset: Asset | None = None, reason: str = "") -> Asset:
    """Register or update an asset (民生办, the project's lead department, or the custodian for its own assets)."""
    target = asset or Asset(**data)
    if asset is None and not can(actor, "plan", data["project"]):
        raise PermissionDenied("不能登记该项目的资产")
    if asset is not None and not can(actor, "change", asset):
        raise PermissionDenied("不能修改该资产")
    before = model_snapshot(asset) if asset else None
    if asset is not None:
        for name, value in data.items():
            setattr(asset, name, value)
    if target.period_start and target.period_end and target.period_end < target.period_start:
        raise ValidationError({"period_end": "管护期结束不能早于开始"})
    target.full_clean()
    target.save()
    audit_record(
        actor=actor,
        action="update" if before else "create",
        obj=target,
        before=before,
        after=model_snapshot(target),
        reason=reason,
    )
    return target


@transaction.atomic
def asset_check(
    *,
    actor: Any,
    asset: Asset,
    date: dt.date,
    condition: str,
    note: str = "",
    photo: Any = None,
    deadline: dt.date | None = None,
) -> Check:
    """Record a check; a poor or broken condition becomes a finding in the rectification loop (交管护主体整改)."""
    from supervision.models import Finding
    from supervision.services import finding_create

    if not can(actor, "change", asset):
        raise PermissionDenied("不能登记该资产的检查")
    if date > timezone.localdate():
        raise ValidationError({"date": "检查日期不能晚于今天"})
    check = Check(
        asset=asset,
        date=date,
        condition=condition,
        note=note,
        checker=actor if getattr(actor, "is_authenticated", False) else None,
    )
    check.full_clean(exclude=["finding", "photo"])
    if photo is not None:
        clean, _ = checked_upload(photo, allowed=IMAGES)
        check.photo.save(clean.name, clean, save=False)
    if condition in PROBLEM:
        if asset.custodian_id is None:
            raise ValidationError("该资产没有管护主体，无法交办整改；请先明确管护主体")
        check.finding = finding_create(
            actor=actor,
            description=f"管护检查发现{asset.name}{check.get_condition_display()}：{note or '需维修'}",
            responsible=asset.custodian,
            deadline=deadline or date + dt.timedelta(days=30),
            project=asset.project,
            source=Finding.Source.ASSET_CHECK,
        )
    check.save()
    audit_record(actor=actor, action="create", obj=check, after=model_snapshot(check), reason="管护检查")
    return check
