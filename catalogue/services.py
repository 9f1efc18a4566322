"""Writes to the catalogue. Each is atomic, checks the caller with core.policy and writes an audit row."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import asdict
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from catalogue.models import (
    AdjustKind,
    Category,
    ChangeKind,
    ContentItem,
    Program,
    ProgramAmendment,
    Project,
    ProjectChange,
    ProjectKind,
    ProjectProposal,
)
from catalogue.rules import may_assign_projects
from core.policy import can, can_any
from core.services import audit_record, model_snapshot, versioned_save
from orgs.models import Organisation

#: What a department may edit on a project it leads; 民生办 and admin may edit all of PROJECT_FIELDS.
DEPARTMENT_FIELDS = ("summary",)
PROJECT_FIELDS = ("name", "kind", "summary", "lead_department", "assignment_is_default", "assessed")
PROJECT_M2M = ("co_lead_departments", "implementing_units")


def project_editable_fields(*, user: Any) -> tuple[str, ...]:
    return PROJECT_FIELDS if may_assign_projects(user) else DEPARTMENT_FIELDS


def _snapshot(project: Project) -> dict[str, Any]:
    data = model_snapshot(project)
    data["content_items"] = [c.name for c in project.content_items.order_by("order")]
    return data


@transaction.atomic
def project_update(
    *,
    actor: Any,
    project: Project,
    data: dict[str, Any],
    content_items: list[str] | None,
    expected_version: int,
    reason: str = "",
) -> Project:
    """Change a project's description, assignment and content items (optimistic lock on ``version``)."""
    if not can(actor, "change", project):
        raise PermissionDenied("不能修改该项目")
    allowed = set(project_editable_fields(user=actor)) | (
        set(PROJECT_M2M) if may_assign_projects(actor) else set()
    )
    unknown = set(data) - allowed
    if unknown:
        raise PermissionDenied("无权修改：" + "、".join(sorted(unknown)))
    before = _snapshot(project)
    for name, value in data.items():
        if name not in PROJECT_M2M:
            setattr(project, name, value)
    project.full_clean(exclude=["program", "order"], validate_unique=True)
    versioned_save(
        project, expected_version=expected_version, fields=[f for f in data if f not in PROJECT_M2M]
    )
    for name in PROJECT_M2M:
        if name in data:
            getattr(project, name).set(data[name])
    if content_items is not None:
        names = [n.strip() for n in content_items if n.strip()]
        if len(set(names)) != len(names):
            raise ValidationError({"content_items": "建设内容有重复"})
        project.content_items.all().delete()
        ContentItem.objects.bulk_create(
            ContentItem(project=project, order=i, name=n) for i, n in enumerate(names, start=1)
        )
    after = _snapshot(project)
    if after != before:
        audit_record(actor=actor, action="update", obj=project, before=before, after=after, reason=reason)
    return project


# --- year over year: roll-over, recorded changes, publishing and amendments -----------------------------


def _ensure_editable(program: Program) -> None:
    """Drafts are edited freely; a published program only inside an open amendment."""
    if program.status == Program.Status.DRAFT:
        return
    if program.amendments.filter(closed_at__isnull=True).exists():
        return
    raise ValidationError(
        _("{year}年计划已发布并锁定；如需修改，请先发起修订并写明原因。").format(year=program.year)
    )


def _ensure_manager(actor: Any, program: Program) -> None:
    if not can(actor, "change", program):
        raise PermissionDenied("只有民生办可以调整年度计划")


def _origin(project: Project) -> ProjectChange:
    change = project.origins.prefetch_related("sources").first()
    if change is None:
        raise ValidationError(_("项目“{name}”没有来源记录。").format(name=project.name))
    return change


def _next_order(program: Program, kind: str) -> int:
    return (program.changes.filter(kind=kind).aggregate(m=Max("order"))["m"] or 0) + 1


def _change_snapshot(change: ProjectChange) -> dict[str, Any]:
    data = model_snapshot(change)
    data["sources"] = sorted(s.name for s in change.sources.all())
    return data


def _make_adjust(change: ProjectChange, sub_kind: str) -> None:
    """Turn a 继续 into a 调整实施 (keeping its place), and add one sub-kind."""
    if change.kind == ChangeKind.CONTINUE:
        change.kind = ChangeKind.ADJUST
        change.order = _next_order(change.program, ChangeKind.ADJUST)
    if sub_kind not in change.adjust_kinds:
        change.adjust_kinds = [*change.adjust_kinds, sub_kind]


def _append(text: str, sentence: str) -> str:
    return f"{text}{sentence}" if text else sentence


def _record_change(actor: Any, change: ProjectChange, before: dict[str, Any] | None, reason: str) -> None:
    change.full_clean(exclude=["program"])
    change.save()
    after = _change_snapshot(change)
    audit_record(
        actor=actor,
        action="update" if before else "create",
        obj=change,
        before=before,
        after=after,
        reason=reason,
    )


def _copy_project(
    source: Project, program: Program, order: int, name: str = "", category: Category | None = None
) -> Project:
    project = Project.objects.create(
        program=program,
        order=order,
        category=category,
        name=name or source.name,
        kind=source.kind,
        summary=source.summary,
        lead_department_id=source.lead_department_id,
        lead_names=source.lead_names,
        assignment_is_default=source.assignment_is_default,
    )
    project.co_lead_departments.set(source.co_lead_departments.all())
    project.implementing_units.set(source.implementing_units.all())
    ContentItem.objects.bulk_create(
        ContentItem(project=project, order=c.order, name=c.name) for c in source.content_items.all()
    )
    return project


def _drafted_parts(previous: Program, *, year: int, count: int) -> dict[str, str]:
    """The opening and the requirements drafted from ``previous``'s text: its year and count replaced."""
    from catalogue.notice import DRAFTED_PARTS, draft_text

    old_count = previous.projects.count()
    return {
        part: draft_text(
            getattr(previous, part),
            old_year=previous.year,
            new_year=year,
            old_count=old_count,
            new_count=count,
            noun=previous.noun,
        )
        for part in DRAFTED_PARTS
    }


def _notice_snapshot(program: Program) -> dict[str, Any]:
    from catalogue.notice import NOTICE_PARTS

    data = {k: v for k, v in model_snapshot(program).items() if k in NOTICE_PARTS}
    data["notice_pending"] = list(program.notice_pending or [])
    return data


@transaction.atomic
def program_notice_update(
    *,
    actor: Any,
    program: Program,
    data: dict[str, Any],
    expected_version: int,
    reviewed: list[str] | None = None,
    reason: str = "",
) -> Program:
    """Edit the notice's own parts (发文字号, 成文日期, 主送, 开头语, 工作要求, 抄送; optimistic lock on
    ``version``). A drafted part stops being 待修改 once its text changes or the office marks it ``reviewed``."""
    from catalogue.notice import NOTICE_PARTS

    _ensure_manager(actor, program)
    _ensure_editable(program)
    unknown = set(data) - set(NOTICE_PARTS)
    if unknown:
        raise PermissionDenied("不能修改：" + "、".join(sorted(unknown)))
    before = _notice_snapshot(program)
    changed = []
    for part, value in data.items():
        value = value.strip() if isinstance(value, str) else value
        if getattr(program, part) != value:
            setattr(program, part, value)
            changed.append(part)
    done = set(changed) | set(reviewed or [])
    program.notice_pending = [p for p in program.notice_pending or [] if p not in done]
    program.full_clean(exclude=["issuer"], validate_unique=False)
    versioned_save(program, expected_version=expected_version, fields=[*changed, "notice_pending"])
    after = _notice_snapshot(program)
    if after != before:
        audit_record(
            actor=actor, action="update", obj=program, before=before, after=after, reason=reason or "修改通知"
        )
    return program


@transaction.atomic
def program_notice_redraft(*, actor: Any, program: Program, expected_version: int) -> Program:
    """Draft the parts still 待修改 again from the previous year's text, with the program's current count
    (after projects were retired, merged or added). Parts the office has edited or checked are kept."""
    _ensure_manager(actor, program)
    _ensure_editable(program)
    previous = Program.objects.filter(issuer_id=program.issuer_id, year=program.year - 1).first()
    pending = list(program.notice_pending or [])
    if previous is None or not pending:
        raise ValidationError(_("没有可以重新起草的部分。"))
    before = _notice_snapshot(program)
    drafted = _drafted_parts(previous, year=program.year, count=program.projects.count())
    fields = [part for part in pending if part in drafted]
    for part in fields:
        setattr(program, part, drafted[part])
    versioned_save(program, expected_version=expected_version, fields=fields)
    audit_record(
        actor=actor,
        action="update",
        obj=program,
        before=before,
        after=_notice_snapshot(program),
        reason=f"按{previous.year}年通知重新起草",
    )
    return program


@transaction.atomic
def program_roll_over(*, actor: Any, program: Program) -> Program:
    """Create next year's draft from a published program, every project marked 继续实施."""
    _ensure_manager(actor, program)
    if program.status != Program.Status.PUBLISHED:
        raise ValidationError(_("只能从已发布的计划生成下一年度草稿。"))
    year = program.year + 1
    if Program.objects.filter(issuer_id=program.issuer_id, year=year).exists():
        raise ValidationError(_("{year}年计划已经存在。").format(year=year))
    count = program.projects.count()  # every project continues: this year's count is last year's
    drafted = _drafted_parts(program, year=year, count=count)
    draft = Program.objects.create(
        year=year,
        level=program.level,
        issuer_id=program.issuer_id,
        issuer_name=program.issuer_name,
        noun=program.noun,
        recipients=program.recipients,
        cc=program.cc,
        notice_style=program.notice_style,
        **drafted,
        notice_pending=[part for part, text in drafted.items() if text],
        status=Program.Status.DRAFT,
        source_note=f"由{program.year}年计划生成的草稿",
    )
    # a category-grouped program stays grouped
    categories = {
        c.pk: Category.objects.create(program=draft, order=c.order, name=c.name)
        for c in program.categories.order_by("order")
    }
    audit_record(
        actor=actor,
        action="create",
        obj=draft,
        after=model_snapshot(draft),
        reason=f"由{program.year}年计划生成下一年度草稿",
    )
    sources = program.projects.prefetch_related("co_lead_departments", "implementing_units", "content_items")
    for i, source in enumerate(sources.order_by("order"), start=1):
        project = _copy_project(source, draft, i, category=categories.get(source.category_id))
        change = ProjectChange.objects.create(
            program=draft, kind=ChangeKind.CONTINUE, order=i, result=project
        )
        change.sources.set([source])
    return draft


@transaction.atomic
def project_retire(*, actor: Any, project: Project, reason: str) -> ProjectChange | None:
    """退出: the project leaves this year's program; its previous-year source is recorded as retired.

    A project that is new this year has no past: removing it records nothing but the audit row."""
    program = project.program
    _ensure_manager(actor, program)
    _ensure_editable(program)
    if not reason.strip():
        raise ValidationError({"reason": _("退出项目必须写明原因。")})
    origin = _origin(project)
    sources = list(origin.sources.all())
    audit_record(actor=actor, action="delete", obj=project, before=_snapshot(project), reason=reason)
    if origin.kind == ChangeKind.NEW:
        project.delete()
        return None
    lives_on = program.changes.filter(sources__in=sources).exclude(pk=origin.pk).exists()
    project.delete()  # cascades to the origin change
    if lives_on:  # the source also lives on in another project (a split): only this branch is dropped
        return None
    exit_change = ProjectChange.objects.create(
        program=program,
        kind=ChangeKind.EXIT,
        order=_next_order(program, ChangeKind.EXIT),
        reason=reason.strip(),
    )
    exit_change.sources.set(sources)
    audit_record(
        actor=actor, action="create", obj=exit_change, after=_change_snapshot(exit_change), reason=reason
    )
    return exit_change


@transaction.atomic
def project_rename(*, actor: Any, project: Project, name: str, reason: str, silent: bool = False) -> Project:
    """更名. ``silent`` keeps a 继续实施 project 继续 (renames also happen quietly in real notices)."""
    program = project.program
    _ensure_manager(actor, program)
    _ensure_editable(program)
    name = name.strip()
    if not name or name == project.name:
        raise ValidationError({"name": _("请填写新的项目名称。")})
    if program.projects.filter(name=name).exclude(pk=project.pk).exists():
        raise ValidationError({"name": _("本年度已有同名项目“{name}”。").format(name=name)})
    before_project, old = _snapshot(project), project.name
    project.name = name
    project.save(update_fields=["name"])
    audit_record(
        actor=actor,
        action="update",
        obj=project,
        before=before_project,
        after=_snapshot(project),
        reason=reason,
    )
    origin = _origin(project)
    before = _change_snapshot(origin)
    if not (silent and origin.kind == ChangeKind.CONTINUE):
        if origin.kind != ChangeKind.NEW:
            _make_adjust(origin, AdjustKind.RENAME)
            origin.printed_title = origin.printed_title or f"调整{old}项目"
            origin.printed_text = _append(origin.printed_text, f"将{old}调整为{name}。")
    origin.reason = _append(origin.reason, reason)
    _record_change(actor, origin, before, reason)
    return project


@transaction.atomic
def project_content_change(
    *,
    actor: Any,
    project: Project,
    add: list[str] | None = None,
    remove: list[str] | None = None,
    reason: str,
) -> Project:
    """增加内容 / 退出内容 of one project, recorded on its origin change."""
    program = project.program
    _ensure_manager(actor, program)
    _ensure_editable(program)
    add = [a.strip() for a in add or [] if a.strip()]
    remove = [r.strip() for r in remove or [] if r.strip()]
    current = [c.name for c in project.content_items.order_by("order")]
    unknown = [r for r in remove if r not in current]
    if unknown:
        raise ValidationError({"remove": _("项目没有这些内容：{items}").format(items="、".join(unknown))})
    duplicate = [a for a in add if a in current]
    if duplicate:
        raise ValidationError({"add": _("项目已有这些内容：{items}").format(items="、".join(duplicate))})
    if not add and not remove:
        raise ValidationError(_("请填写要增加或退出的内容。"))
    before_project = _snapshot(project)
    names = [c for c in current if c not in remove] + add
    project.content_items.all().delete()
    ContentItem.objects.bulk_create(
        ContentItem(project=project, order=i, name=n) for i, n in enumerate(names, 1)
    )
    audit_record(
        actor=actor,
        action="update",
        obj=project,
        before=before_project,
        after=_snapshot(project),
        reason=reason,
    )
    origin = _origin(project)
    before = _change_snapshot(origin)
    if origin.kind != ChangeKind.NEW:
        origin.printed_title = origin.printed_title or f"调整{project.name}项目"
        if add:
            _make_adjust(origin, AdjustKind.ADD_CONTENT)
            origin.added_items = [*origin.added_items, *add]
            origin.printed_text = _append(origin.printed_text, f"增加{'、'.join(add)}内容。")
        if remove:
            _make_adjust(origin, AdjustKind.DROP_CONTENT)
            origin.removed_items = [*origin.removed_items, *remove]
            origin.printed_text = _append(origin.printed_text, f"{'、'.join(remove)}退出{program.noun}。")
        origin.reason = _append(origin.reason, reason)
        _record_change(actor, origin, before, reason)
    return project


@transaction.atomic
def projects_merge(
    *, actor: Any, projects: list[Project], name: str, reason: str, absorb: bool = False
) -> Project:
    """合并 (N→1) into a project called ``name``; with ``absorb`` the first project keeps its name and takes
    the others in (纳入). The first project is kept; the others are removed and their sources move over."""
    if len(projects) < 2:
        raise ValidationError(_("合并至少需要选择两个项目。"))
    program = projects[0].program
    if any(p.program_id != program.id for p in projects):
        raise ValidationError(_("只能合并同一年度计划中的项目。"))
    _ensure_manager(actor, program)
    _ensure_editable(program)
    target, others = projects[0], projects[1:]
    name = target.name if absorb else name.strip()
    if not name:
        raise ValidationError({"name": _("请填写合并后的项目名称。")})
    if program.projects.filter(name=name).exclude(pk__in=[p.pk for p in projects]).exists():
        raise ValidationError({"name": _("本年度已有同名项目“{name}”。").format(name=name)})
    origins = [_origin(p) for p in projects]
    if any(o.kind == ChangeKind.NEW for o in origins):
        raise ValidationError(_("新增项目不能参与合并；请直接修改新增项目。"))
    sources = [s for o in origins for s in o.sources.all()]
    before_target = _snapshot(target)
    old_names = [p.name for p in projects]
    items = [c.name for p in projects for c in p.content_items.order_by("order")]
    for other in others:
        audit_record(actor=actor, action="delete", obj=other, before=_snapshot(other), reason=reason)
        other.delete()
    target.name = name
    target.save(update_fields=["name"])
    seen: list[str] = []
    for item in items:
        if item not in seen:
            seen.append(item)
    target.content_items.all().delete()
    ContentItem.objects.bulk_create(
        ContentItem(project=target, order=i, name=n) for i, n in enumerate(seen, 1)
    )
    audit_record(
        actor=actor, action="update", obj=target, before=before_target, after=_snapshot(target), reason=reason
    )
    origin = origins[0]
    before = _change_snapshot(origin)
    _make_adjust(origin, AdjustKind.ABSORB if absorb else AdjustKind.MERGE)
    origin.sources.set(sources)
    if absorb:
        origin.printed_title = origin.printed_title or f"调整{name}项目"
        origin.printed_text = _append(origin.printed_text, f"将{'、'.join(old_names[1:])}纳入{name}内容。")
    else:
        origin.printed_title = origin.printed_title or f"统筹{'、'.join(old_names)}项目"
        origin.printed_text = _append(origin.printed_text, f"将{'、'.join(old_names)}合并为{name}。")
    origin.reason = _append(origin.reason, reason)
    _record_change(actor, origin, before, reason)
    return target


@transaction.atomic
def project_split(*, actor: Any, project: Project, names: list[str], reason: str) -> list[Project]:
    """拆分 (1→N): the project becomes several, each recorded as adjusted from the same source."""
    program = project.program
    _ensure_manager(actor, program)
    _ensure_editable(program)
    names = [n.strip() for n in names if n.strip()]
    if len(names) < 2 or len(set(names)) != len(names):
        raise ValidationError({"names": _("拆分需要至少两个互不相同的新名称。")})
    clash = program.projects.filter(name__in=names).exclude(pk=project.pk)
    if clash.exists():
        raise ValidationError(
            {"names": _("本年度已有同名项目：{names}").format(names="、".join(c.name for c in clash))}
        )
    origin = _origin(project)
    if origin.kind == ChangeKind.NEW:
        raise ValidationError(_("新增项目无需拆分，请直接新增多个项目。"))
    sources = list(origin.sources.all())
    old = project.name
    sentence = f"将{old}拆分为{'、'.join(names)}。"
    before = _change_snapshot(origin)
    project.name = names[0]
    project.save(update_fields=["name"])
    results = [project]
    _make_adjust(origin, AdjustKind.SPLIT)
    origin.printed_title = origin.printed_title or f"调整{old}项目"
    origin.printed_text = _append(origin.printed_text, sentence)
    origin.reason = _append(origin.reason, reason)
    _record_change(actor, origin, before, reason)
    last = program.projects.aggregate(m=Max("order"))["m"] or 0
    for i, name in enumerate(names[1:], start=1):
        copy = _copy_project(project, program, last + i, name=name)
        audit_record(actor=actor, action="create", obj=copy, after=_snapshot(copy), reason=reason)
        change = ProjectChange.objects.create(
            program=program,
            kind=ChangeKind.ADJUST,
            adjust_kinds=[AdjustKind.SPLIT],
            order=_next_order(program, ChangeKind.ADJUST),
            result=copy,
            printed_title=f"调整{old}项目",
            printed_text=sentence,
            reason=reason,
        )
        change.sources.set(sources)
        audit_record(actor=actor, action="create", obj=change, after=_change_snapshot(change), reason=reason)
        results.append(copy)
    return results


@transaction.atomic
def project_create_new(
    *,
    actor: Any,
    program: Program,
    name: str,
    kind: str,
    summary: str = "",
    lead_department: Organisation | None = None,
    reason: str = "",
) -> Project:
    """新增: a project that did not exist the year before."""
    _ensure_manager(actor, program)
    _ensure_editable(program)
    name = name.strip()
    if program.projects.filter(name=name).exists():
        raise ValidationError({"name": _("本年度已有同名项目“{name}”。").format(name=name)})
    order = (program.projects.aggregate(m=Max("order"))["m"] or 0) + 1
    project = Project(
        program=program, order=order, name=name, kind=kind, summary=summary, lead_department=lead_department
    )
    project.full_clean()
    project.save()
    audit_record(actor=actor, action="create", obj=project, after=_snapshot(project), reason=reason)
    change = ProjectChange.objects.create(
        program=program,
        kind=ChangeKind.NEW,
        order=_next_order(program, ChangeKind.NEW),
        result=project,
        printed_title=name,
        printed_text=summary,
        reason=reason,
    )
    audit_record(actor=actor, action="create", obj=change, after=_change_snapshot(change), reason=reason)
    return project


@transaction.atomic
def proposal_accept(*, actor: Any, proposal: ProjectProposal, program: Program, reason: str = "") -> Project:
    """Turn a 项目建议 into a 新增 project of ``program``."""
    if proposal.status != ProjectProposal.Status.PENDING:
        raise ValidationError(_("该建议已经处理过。"))
    before = model_snapshot(proposal)
    project = project_create_new(
        actor=actor,
        program=program,
        name=proposal.title,
        kind=proposal.kind or ProjectKind.SERVICE,
        summary=proposal.summary,
        lead_department=proposal.lead_department,
        reason=reason or f"采纳项目建议（{proposal.source or '未注明来源'}）",
    )
    proposal.status = ProjectProposal.Status.ACCEPTED
    proposal.project = project
    proposal.decision_note = reason
    proposal.save()
    audit_record(
        actor=actor,
        action="state",
        obj=proposal,
        before=before,
        after=model_snapshot(proposal),
        reason=reason,
    )
    return project


@transaction.atomic
def proposal_decline(*, actor: Any, proposal: ProjectProposal, reason: str) -> ProjectProposal:
    if not can(actor, "change", proposal):
        raise PermissionDenied("只有民生办可以处理项目建议")
    if not reason.strip():
        raise ValidationError({"reason": _("请写明不采纳的理由。")})
    before = model_snapshot(proposal)
    proposal.status = ProjectProposal.Status.DECLINED
    proposal.decision_note = reason
    proposal.save()
    audit_record(
        actor=actor,
        action="state",
        obj=proposal,
        before=before,
        after=model_snapshot(proposal),
        reason=reason,
    )
    return proposal


@transaction.atomic
def proposal_create(*, actor: Any, data: dict[str, Any]) -> ProjectProposal:
    if not can_any(actor, "add", ProjectProposal):
        raise PermissionDenied("不能提出项目建议")
    proposal = ProjectProposal(**data)
    proposal.full_clean()
    proposal.save()
    audit_record(actor=actor, action="create", obj=proposal, after=model_snapshot(proposal))
    return proposal


class PublishWarnings(ValidationError):
    """The notice has warnings the office has not confirmed (nothing was written)."""


@transaction.atomic
def program_publish(
    *, actor: Any, program: Program, reason: str = "", confirm_warnings: bool = False
) -> Program:
    """Check consistency against the previous year and the notice's checklist (catalogue.checklist), then
    publish and lock (closing an open amendment). Blockers refuse; warnings need ``confirm_warnings``."""
    from catalogue.checklist import notice_checklist
    from catalogue.diff import program_diff

    _ensure_manager(actor, program)
    _ensure_editable(program)
    diff = program_diff(later=program)
    errors = list(diff.errors)
    if not program.projects.exists():
        errors.append(str(_("计划中还没有项目。")))
    checks = notice_checklist(program)
    errors += [c.message for c in checks if c.blocks]
    if errors:
        raise ValidationError(errors)
    warnings = [c.message for c in checks if not c.blocks]
    if warnings and not confirm_warnings:
        raise PublishWarnings(
            [_("发布前检查有{n}项提醒，请逐项核对并确认后再发布：").format(n=len(warnings)), *warnings]
        )
    before = model_snapshot(program)
    program.status = Program.Status.PUBLISHED
    program.version += 1
    program.save(update_fields=["status", "version"])
    amendment = program.amendments.filter(closed_at__isnull=True).first()
    if amendment:
        amendment.closed_at = timezone.now()
        amendment.save(update_fields=["closed_at"])
    audit_record(
        actor=actor,
        action="state",
        obj=program,
        before=before,
        after={**model_snapshot(program), "confirmed_warnings": warnings},
        reason=reason or (f"完成第{amendment.number}次修订并重新发布" if amendment else "发布"),
    )
    return program


@transaction.atomic
def program_amend(*, actor: Any, program: Program, reason: str) -> ProgramAmendment:
    """Open a recorded amendment of a published program; edits are allowed until it is republished."""
    _ensure_manager(actor, program)
    if program.status != Program.Status.PUBLISHED:
        raise ValidationError(_("草稿可直接修改，无需修订。"))
    if not reason.strip():
        raise ValidationError({"reason": _("修订必须写明原因。")})
    if program.amendments.filter(closed_at__isnull=True).exists():
        raise ValidationError(_("已有一次修订尚未完成。"))
    number = (program.amendments.aggregate(m=Max("number"))["m"] or 0) + 1
    amendment = ProgramAmendment.objects.create(
        program=program,
        number=number,
        reason=reason.strip(),
        opened_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    audit_record(
        actor=actor,
        action="state",
        obj=program,
        before={"amendment": None},
        after={"amendment": number},
        reason=reason,
    )
    return amendment


def _level_of(issuer_name: str) -> str:
    """省 / 市 / 区（县） from the issuer's name: the last place word before the organ ("淮北市杜集区人民政府" → 区)."""
    place = re.split(r"人民政府|民生|暖民心|领导小组|办公室|委员会", issuer_name)[0]
    found = re.findall(r"[省市区县]", place)
    return {"省": Program.Level.PROVINCE, "市": Program.Level.CITY}.get(
        found[-1] if found else "", Program.Level.DISTRICT
    )


def _department_named(name: str) -> Organisation | None:
    """The department a notice names as 牵头单位, when exactly one has that name (or short name)."""
    from django.db.models import Q

    from orgs.models import DEPARTMENT_KINDS

    found = list(
        Organisation.objects.filter(Q(name=name) | Q(short_name=name), kind__in=DEPARTMENT_KINDS)[:2]
    )
    return found[0] if len(found) == 1 else None


@transaction.atomic
def program_create_from_notice(*, actor: Any, data: Any, issuer: Organisation) -> Program:
    """Create a DRAFT program from a parsed notice (catalogue.notice.NoticeData). Sources of 退出/继续/调整 are
    matched by name against the issuer's program of the previous year; what cannot be matched is refused with
    the names, so that nothing half-linked is saved."""
    if not can_any(actor, "add", Program):
        raise PermissionDenied("只有民生办可以导入通知")
    from orgs.rules import in_own_government

    if not in_own_government(actor, issuer.pk):
        raise PermissionDenied(_("只能导入本级政府的通知"))
    if Program.objects.filter(issuer=issuer, year=data.year).exists():
        raise ValidationError(_("{year}年计划已经存在。").format(year=data.year))
    previous = Program.objects.filter(issuer=issuer, year=data.year - 1).first()
    old = {p.name: p for p in previous.projects.all()} if previous else {}
    m = re.match(r"(\d{4})年(\d{1,2})月(\d{1,2})日", data.date or "")
    date = dt.date(int(m[1]), int(m[2]), int(m[3])) if m else None
    program = Program(
        year=data.year,
        level=_level_of(data.issuer_name),
        issuer=issuer,
        issuer_name=data.issuer_name,
        noun=data.noun,
        notice_style=asdict(data.style),
        doc_number=data.doc_number,
        doc_date=date,
        recipients=data.recipients,
        preamble=data.preamble,
        requirements=data.requirements,
        cc=data.cc,
        status=Program.Status.DRAFT,
        source_note="由导入的通知文本生成",
    )
    program.full_clean(exclude=["issuer"])
    program.save()
    audit_record(actor=actor, action="create", obj=program, after=model_snapshot(program), reason="导入通知")
    missing: list[str] = []
    order = 0

    def add(title: str, summary: str, category: Category | None = None, leads: list[str] = ()) -> Project:
        nonlocal order
        order += 1
        units = [_department_named(name) for name in leads]
        project = Project.objects.create(
            program=program,
            order=order,
            category=category,
            name=title[:100],
            kind=ProjectKind.SERVICE,
            summary=summary,
            lead_names="、".join(leads)[:200],
            lead_department=units[0] if units else None,
            assignment_is_default=True,
        )
        if len(units) > 1:
            project.co_lead_departments.set([u for u in units[1:] if u is not None])
        return project

    def sources(names: list[str]) -> list[Project]:
        found = [old[n] for n in names if n in old]
        missing.extend(n for n in names if n not in old)
        return found

    for i, item in enumerate(data.sections.get("new", []), start=1):
        project = add(item.title, item.text, leads=item.leads)
        ProjectChange.objects.create(
            program=program,
            kind=ChangeKind.NEW,
            order=i,
            result=project,
            printed_title=item.title,
            printed_text=item.text,
        )
    for i, item in enumerate(data.sections.get("adjust", []), start=1):
        project = add(item.title, item.text, leads=item.leads)
        change = ProjectChange.objects.create(
            program=program,
            kind=ChangeKind.ADJUST,
            order=i,
            result=project,
            printed_title=item.title,
            printed_text=item.text,
            adjust_kinds=[AdjustKind.OTHER],
        )
        same = [item.title] if item.title in old else []
        change.sources.set(sources(same) if same else [])
    for i, item in enumerate(data.sections.get("continue", []), start=1):
        project = add(item.title, "")
        change = ProjectChange.objects.create(
            program=program, kind=ChangeKind.CONTINUE, order=i, result=project
        )
        change.sources.set(sources([item.title]))
    for i, item in enumerate(data.sections.get("exit", []), start=1):
        change = ProjectChange.objects.create(
            program=program, kind=ChangeKind.EXIT, order=i, reason=item.reason
        )
        change.sources.set(sources([item.title]))
    for number, (name, items) in enumerate(data.categories, start=1):
        category = Category.objects.create(program=program, order=number, name=name[:100])
        for item in items:
            project = add(item.title, item.text, category, item.leads)
            ProjectChange.objects.create(
                program=program,
                kind=ChangeKind.NEW,
                order=order,
                result=project,
                printed_title=item.title,
                printed_text=item.text,
            )
    if previous is not None and missing:
        raise ValidationError([f"{data.year - 1}年计划中找不到这些项目：{'、'.join(missing)}"])
    return program
