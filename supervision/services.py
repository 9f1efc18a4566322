"""The supervision loop: register supervisors, file inspections with findings, answer, verify, close or reopen.

Every write is atomic, checked through core.policy / supervision.rules and audited; each step of a finding is a Step row."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from catalogue.models import Program, Project
from core.policy import can_any
from core.services import audit_record, model_snapshot, versioned_save
from core.uploads import DOCUMENTS, checked_upload
from orgs.models import Organisation
from supervision.models import Finding, Inspection, Method, Photo, Step, Supervisor
from supervision.rules import may_answer_finding, may_file_inspection, may_verify_finding


def _photos(uploads: list[Any], **owner: Any) -> list[Photo]:
    photos = []
    for upload in uploads or []:
        clean, kind = checked_upload(upload, allowed=DOCUMENTS)
        photo = Photo(original_name=upload.name[:200], content_type=kind.content_type, **owner)
        photo.file.save(clean.name, clean, save=False)
        photo.save()
        photos.append(photo)
    return photos


@transaction.atomic
def supervisor_register(
    *,
    actor: Any,
    data: dict[str, Any],
    projects: list[Project] = (),
    units: list[Organisation] = (),
    reason: str = "",
) -> Supervisor:
    if not can_any(actor, "add", Supervisor):
        raise PermissionDenied("只有民生办可以聘任特邀监督员")
    supervisor = Supervisor(**data)
    if supervisor.term_end < supervisor.term_start:
        raise ValidationError({"term_end": "聘期结束不能早于开始"})
    supervisor.full_clean()
    supervisor.save()
    supervisor.projects.set(projects)
    supervisor.units.set(units)
    audit_record(
        actor=actor,
        action="create",
        obj=supervisor,
        after=model_snapshot(supervisor),
        reason=reason or "聘任",
    )
    return supervisor


@transaction.atomic
def inspection_file(
    *,
    actor: Any,
    supervisor: Supervisor,
    program: Program,
    date: dt.date,
    projects: list[Project],
    unit: Organisation,
    place: str,
    methods: list[str],
    summary: str,
    suggestions: str = "",
    findings: list[dict[str, Any]] = (),
    photos: list[Any] = (),
) -> Inspection:
    """File a 监督情况表; each finding goes to its responsible unit with a deadline (交办)."""
    if not may_file_inspection(actor, supervisor):
        raise PermissionDenied("只能以本人身份填报监督情况")
    if not supervisor.is_active or not (supervisor.term_start <= date <= supervisor.term_end):
        raise ValidationError({"date": "监督日期不在该监督员的聘期内"})
    if date > timezone.localdate():
        raise ValidationError({"date": "监督日期不能晚于今天"})
    if not projects:
        raise ValidationError({"projects": "请选择监督的项目"})
    if any(p.program_id != program.id for p in projects):
        raise ValidationError({"projects": "项目不属于所选年度计划"})
    unknown = set(methods) - set(Method.values)
    if not methods or unknown:
        raise ValidationError({"methods": "请选择监督方式"})
    if not summary.strip():
        raise ValidationError({"summary": "请填写监督情况"})
    inspection = Inspection.objects.create(
        supervisor=supervisor,
        program=program,
        date=date,
        unit=unit,
        place=place,
        methods=list(methods),
        summary=summary,
        suggestions=suggestions,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    inspection.projects.set(projects)
    _photos(list(photos), inspection=inspection)
    audit_record(
        actor=actor,
        action="create",
        obj=inspection,
        after=model_snapshot(inspection),
        reason="填报监督情况表",
    )
    for item in findings:
        finding_create(actor=actor, inspection=inspection, **item)
    return inspection


@transaction.atomic
def finding_create(
    *,
    actor: Any,
    description: str,
    responsible: Organisation,
    deadline: dt.date,
    inspection: Inspection | None = None,
    project: Project | None = None,
    source: str = Finding.Source.INSPECTION,
) -> Finding:
    if not description.strip():
        raise ValidationError({"description": "请描述发现的问题"})
    if inspection is not None and deadline < inspection.date:
        raise ValidationError({"deadline": "整改期限不能早于监督日期"})
    finding = Finding.objects.create(
        inspection=inspection,
        project=project,
        description=description.strip(),
        responsible=responsible,
        deadline=deadline,
        source=source,
    )
    Step.objects.create(
        finding=finding,
        kind=Step.Kind.ASSIGN,
        text=f"交{responsible.name}整改，期限{deadline.year}年{deadline.month}月{deadline.day}日",
        actor=actor if getattr(actor, "is_authenticated", False) else None,
    )
    audit_record(actor=actor, action="create", obj=finding, after=model_snapshot(finding), reason="交办整改")
    return finding


def _step(actor: Any, finding: Finding, kind: str, text: str, to: str, photos: list[Any] = ()) -> Finding:
    before = model_snapshot(finding)
    finding.status = to
    finding.closed_at = timezone.now() if to == Finding.Status.CLOSED else None
    versioned_save(finding, expected_version=finding.version, fields=["status", "closed_at"])
    step = Step.objects.create(
        finding=finding,
        kind=kind,
        text=text,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
    )
    _photos(list(photos), step=step)
    audit_record(
        actor=actor, action="state", obj=finding, before=before, after=model_snapshot(finding), reason=text
    )
    return finding


@transaction.atomic
def finding_answer(*, actor: Any, finding: Finding, text: str, evidence: list[Any] = ()) -> Finding:
    """The responsible unit reports what it did, with evidence."""
    if not may_answer_finding(actor, finding):
        raise PermissionDenied("只有整改责任单位可以反馈")
    if finding.status not in (Finding.Status.OPEN, Finding.Status.REOPENED):
        raise ValidationError("该问题不在待整改状态")
    if not text.strip():
        raise ValidationError({"text": "请写明整改措施和结果"})
    return _step(actor, finding, Step.Kind.ANSWER, text.strip(), Finding.Status.ANSWERED, evidence)


@transaction.atomic
def finding_verify(*, actor: Any, finding: Finding, close: bool, text: str) -> Finding:
    """民生办 or the supervisor who found it verifies: closed (销号), or reopened with a reason."""
    if not may_verify_finding(actor, finding):
        raise PermissionDenied("只有民生办或提出问题的监督员可以核实")
    if finding.status != Finding.Status.ANSWERED:
        raise ValidationError("只有已反馈的问题可以核实")
    if not close and not text.strip():
        raise ValidationError({"text": "退回重新整改时请写明原因"})
    kind, to = (
        (Step.Kind.CLOSE, Finding.Status.CLOSED) if close else (Step.Kind.REOPEN, Finding.Status.REOPENED)
    )
    return _step(actor, finding, kind, text.strip() or "整改到位，予以销号", to)
