"""Writes of the bulletins (keyword-only, atomic, audited; concurrent edits refused by version)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bulletins.models import Bulletin, Kind, Status
from bulletins.rules import may_edit, may_manage_bulletins
from core.policy import actor_for, can, own_government
from core.services import audit_record, model_snapshot, versioned_save
from reporting.models import Period

#: The parts of a bulletin the office writes (the figures come from the data).
EDITABLE_PARTS = (
    "issue_number",
    "doc_number",
    "editor",
    "issue_date",
    "recipients",
    "opening",
    "analysis",
    "next_steps",
    "cc",
    "is_public",
)

DEFAULT_NEXT_STEPS = (
    "各牵头部门要对照年度目标任务和序时进度，加强调度，督促滞后单位查找原因、倒排工期。",
    "各镇街和实施单位要加快资金拨付和支出进度，按时报送进度数据。",
    "对监督发现的问题，各责任单位要按期整改到位并反馈整改情况。",
)


#: A city's (or the province's) bulletin: addressed to its lower governments.
DEFAULT_TREE_NEXT_STEPS = (
    "各区县要对照年度目标任务和序时进度，加强调度，督促滞后项目查找原因、倒排工期。",
    "各区县民生办要及时审核确认本级进度数据，未确认的数据不计入全市汇总和排名。",
    "各区县要加快资金拨付和支出进度，确保资金到位率、支出率与序时进度相匹配。",
)


def _editor_default(actor: Any) -> str:
    from orgs.models import Organisation

    org_id = actor_for(actor).org_id
    name = Organisation.objects.filter(pk=org_id).values_list("name", flat=True).first() if org_id else None
    return name or ""


def _issue_number_default(period: Period) -> str:
    issued = Bulletin.objects.filter(
        period__program=period.program, kind=Kind.BRIEFING, status=Status.ISSUED
    ).count()
    return _("第{n}期").format(n=issued + 1)


@transaction.atomic
def bulletin_generate(*, actor: Any, period: Period, kind: str = Kind.BRIEFING) -> Bulletin:
    """A draft bulletin of ``period`` with the figures taken now from the confirmed data."""
    from bulletins.selectors import bulletin_figures

    if not may_manage_bulletins(actor) or not can(actor, "view", period):
        raise PermissionDenied(_("只有民生办可以编发进度简报"))
    if kind not in Kind.values:
        raise ValidationError({"kind": _("文种须为简报或通报。")})
    own = own_government(actor, Period)
    if own is not True and not Period.objects.filter(own, pk=period.pk).exists():
        raise PermissionDenied(
            _("只能编发本级的进度简报")
        )  # a city reads its districts, never issues for them
    figures = bulletin_figures(period=period, actor=actor)
    bulletin = Bulletin(
        period=period,
        kind=kind,
        editor=_editor_default(actor),
        issue_number=_issue_number_default(period) if kind == Kind.BRIEFING else "",
        next_steps="\n".join(DEFAULT_TREE_NEXT_STEPS if figures.get("level") else DEFAULT_NEXT_STEPS),
        figures=figures,
        generated_at=timezone.now(),
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    bulletin.save()
    audit_record(actor=actor, action="create", obj=bulletin, after=model_snapshot(bulletin))
    return bulletin


def _editable(actor: Any, bulletin: Bulletin) -> None:
    if not can(actor, "change", bulletin):
        raise PermissionDenied(_("只有民生办可以修改进度简报"))
    if not bulletin.is_draft:
        raise ValidationError(_("简报已印发，不能再修改。"))


@transaction.atomic
def bulletin_refresh(*, actor: Any, bulletin: Bulletin, expected_version: int) -> Bulletin:
    """Take the figures again from the confirmed data (a draft only)."""
    from bulletins.selectors import bulletin_figures

    _editable(actor, bulletin)
    before = model_snapshot(bulletin)
    bulletin.figures = bulletin_figures(period=bulletin.period, actor=actor)
    bulletin.generated_at = timezone.now()
    versioned_save(bulletin, expected_version=expected_version, fields=["figures", "generated_at"])
    audit_record(
        actor=actor,
        action="update",
        obj=bulletin,
        before=before,
        after=model_snapshot(bulletin),
        reason="重新取数",
    )
    return bulletin


@transaction.atomic
def bulletin_update(
    *, actor: Any, bulletin: Bulletin, data: dict[str, Any], expected_version: int, reason: str = ""
) -> Bulletin:
    """Write the free-text parts and particulars (EDITABLE_PARTS) of a draft."""
    _editable(actor, bulletin)
    before = model_snapshot(bulletin)
    changed = [part for part in EDITABLE_PARTS if part in data and getattr(bulletin, part) != data[part]]
    for part in changed:
        setattr(bulletin, part, data[part])
    bulletin.full_clean(exclude=["period", "created_by", "figures"])
    versioned_save(bulletin, expected_version=expected_version, fields=changed)
    audit_record(
        actor=actor,
        action="update",
        obj=bulletin,
        before=before,
        after=model_snapshot(bulletin),
        reason=reason,
    )
    return bulletin


class IssueWarnings(ValidationError):
    """The checklist has warnings the office has not confirmed."""


@transaction.atomic
def bulletin_issue(
    *, actor: Any, bulletin: Bulletin, expected_version: int, confirm_warnings: bool = False
) -> Bulletin:
    """Issue a draft: refused while the checklist has blockers; warnings need ``confirm_warnings``."""
    from bulletins.checklist import bulletin_checklist

    if not may_edit(actor, bulletin):
        _editable(actor, bulletin)
    checks = bulletin_checklist(bulletin)
    blockers = [c.message for c in checks if c.blocks]
    if blockers:
        raise ValidationError(blockers)
    warnings = [c.message for c in checks if not c.blocks]
    if warnings and not confirm_warnings:
        raise IssueWarnings(warnings)
    before = model_snapshot(bulletin)
    bulletin.status = Status.ISSUED
    bulletin.issued_at = timezone.now()
    versioned_save(bulletin, expected_version=expected_version, fields=["status", "issued_at"])
    audit_record(
        actor=actor,
        action="update",
        obj=bulletin,
        before=before,
        after=model_snapshot(bulletin),
        reason="印发" + ("（已确认提醒：" + "；".join(warnings) + "）" if warnings else ""),
    )
    return bulletin


@transaction.atomic
def bulletin_set_public(
    *, actor: Any, bulletin: Bulletin, is_public: bool, expected_version: int
) -> Bulletin:
    """Show (or stop showing) an issued bulletin on the public portal."""
    if not can(actor, "change", bulletin):
        raise PermissionDenied(_("只有民生办可以修改进度简报"))
    before = model_snapshot(bulletin)
    bulletin.is_public = is_public
    versioned_save(bulletin, expected_version=expected_version, fields=["is_public"])
    audit_record(
        actor=actor,
        action="update",
        obj=bulletin,
        before=before,
        after=model_snapshot(bulletin),
        reason="在门户公开" if is_public else "撤回公开",
    )
    return bulletin
