"""Programs derived from the level above (issue 14, item 2): reads and services.

A government's program can be created from the upper level's published program (``program_derive``). Each item is a
:class:`~catalogue.models.Derivation`: the upper project it follows, a status (采纳 / 调整 / 不适用 with a reason, or
本级新增 — a local addition, outside the upper level's assessment) and ``baseline``, the upper values it last took
over. Local overrides are the lower project's values that differ from the baseline; upper amendments are the upper
project's current values that differ from it. Both are computed from the stored rows, so nothing is copied silently:
an upper change reaches the lower program only when its 民生办 accepts it, item by item (``upper_change_accept`` /
``upper_change_decline``), each decision recorded with who, when and why.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max, Prefetch
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from catalogue.models import (
    DERIVED_FIELDS,
    ChangeKind,
    ContentItem,
    Derivation,
    DerivationStatus,
    Program,
    Project,
    ProjectChange,
    UpperChangeDecision,
)
from core.policy import can, can_any, restrict
from core.services import audit_record, audit_record_many, model_snapshot, versioned_save
from orgs.models import Organisation, OrgKind

FIELD_LABELS = {
    "name": gettext_lazy("名称"),
    "summary": gettext_lazy("简介"),
    "lead_department": gettext_lazy("牵头单位"),
    "content_items": gettext_lazy("建设内容"),
}
#: The fields a lower level overrides on its own project (its 牵头单位 is always its own unit, so not compared).
OVERRIDABLE = ("name", "summary", "content_items")


# --- reads ----------------------------------------------------------------------------------------------------


def derived_values(project: Project) -> dict[str, Any]:
    """The values of ``project`` a lower level follows (content items in their order)."""
    return {
        "name": project.name,
        "summary": project.summary,
        "lead_department": project.lead_department.name if project.lead_department_id else "",
        "content_items": [c.name for c in project.content_items.all()],
    }


def local_overrides(derivation: Derivation) -> list[str]:
    """The fields where the lower project differs from the upper values it took over (an empty upper value —
    e.g. a reconstructed upper list without descriptions — is nothing to override)."""
    if derivation.project is None or not derivation.baseline:
        return []
    mine = derived_values(derivation.project)
    return [f for f in OVERRIDABLE if derivation.baseline.get(f) and mine[f] != derivation.baseline.get(f)]


def upper_government(organisation: Organisation) -> Organisation | None:
    """The government directly above the one ``organisation`` belongs to (None at the top or without levels)."""
    government = organisation.government
    if government is None or government.parent_id is None:
        return None
    return Organisation.objects.select_related("government").get(pk=government.parent_id).government


def lower_programs(*, user: Any, program: Program) -> list[Program]:
    """The lower governments' programs derived from ``program`` that ``user`` may see (a draft stays internal to
    its government), in the order of their issuers."""
    derived = Program.objects.filter(derived_from=program).select_related("issuer")
    return list(restrict(derived, user, "view").order_by("issuer__order", "issuer_name", "pk"))


def derivable_programs(issuer: Organisation) -> list[Program]:
    """The published programs of the government directly above ``issuer``'s, newest first."""
    upper = upper_government(issuer)
    if upper is None:
        return []
    return list(
        Program.objects.filter(issuer__government=upper, status=Program.Status.PUBLISHED, is_sample=False)
        .select_related("issuer")
        .order_by("-year")
    )


@dataclass
class UpperChange:
    """One difference between the upper program as it is now and what a lower program last took over."""

    key: str
    kind: str  # UpperChangeDecision.Kind
    derivation: Derivation | None
    upper_project: Project | None
    upper_name: str
    field: str = ""
    before: Any = None
    after: Any = None
    local: Any = None
    raw_before: Any = None  # as stored (content items as a list)
    raw_after: Any = None

    @property
    def kind_label(self) -> str:
        return str(UpperChangeDecision.Kind(self.kind).label)

    @property
    def field_label(self) -> str:
        return str(FIELD_LABELS.get(self.field, ""))


@dataclass
class DerivationView:
    program: Program
    upper: Program | None
    items: list[Derivation]
    unregistered: list[Project]  # projects of a derived program without a derivation row: local additions
    changes: list[UpperChange]
    upper_amending: bool
    decisions: list[UpperChangeDecision] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        counts = {s.value: 0 for s in DerivationStatus}
        for item in self.items:
            counts[item.status] += 1
        counts[DerivationStatus.LOCAL] += len(self.unregistered)
        return counts


def _show(field_name: str, value: Any) -> Any:
    return "、".join(value) if field_name == "content_items" and isinstance(value, list) else value


def upper_changes(program: Program) -> tuple[list[UpperChange], bool]:
    """The upper program's changes not yet accepted or declined by ``program``, and whether the upper program is in
    an open amendment (then nothing is offered until it is published again)."""
    upper = program.derived_from
    if upper is None:
        return [], False
    if upper.amendments.filter(closed_at__isnull=True).exists():
        return [], True
    derivations = list(
        program.derivations.select_related("project__lead_department", "upper_project__lead_department")
        .prefetch_related("project__content_items", "upper_project__content_items")
        .order_by("id")
    )
    changes: list[UpperChange] = []
    for d in derivations:
        if d.upper_project is not None:
            now = derived_values(d.upper_project)
            mine = derived_values(d.project) if d.project is not None else {}
            for name in DERIVED_FIELDS:
                if d.baseline.get(name) != now[name]:
                    changes.append(
                        UpperChange(
                            key=f"changed-{d.pk}-{name}",
                            kind=UpperChangeDecision.Kind.CHANGED,
                            derivation=d,
                            upper_project=d.upper_project,
                            upper_name=d.upper_project.name,
                            field=name,
                            before=_show(name, d.baseline.get(name)),
                            after=_show(name, now[name]),
                            local=_show(name, mine.get(name)),
                            raw_before=d.baseline.get(name),
                            raw_after=now[name],
                        )
                    )
        elif d.status != DerivationStatus.LOCAL and d.baseline:
            changes.append(
                UpperChange(
                    key=f"removed-{d.pk}",
                    kind=UpperChangeDecision.Kind.REMOVED,
                    derivation=d,
                    upper_project=None,
                    upper_name=d.upper_name,
                )
            )
    followed = {d.upper_project_id for d in derivations if d.upper_project_id}
    declined = set(
        program.upper_decisions.filter(
            kind=UpperChangeDecision.Kind.ADDED, decision=UpperChangeDecision.Decision.DECLINED
        ).values_list("upper_project_id", flat=True)
    )
    for project in upper.projects.select_related("lead_department").prefetch_related("content_items"):
        if project.pk not in followed and project.pk not in declined:
            changes.append(
                UpperChange(
                    key=f"added-{project.pk}",
                    kind=UpperChangeDecision.Kind.ADDED,
                    derivation=None,
                    upper_project=project,
                    upper_name=project.name,
                    after=project.summary,
                )
            )
    return changes, False


def derivation_view(*, user: Any, program: Program) -> DerivationView:
    """The derivation page: every item with its status, the local additions, and the pending upper changes."""
    items = list(
        restrict(Derivation.objects.filter(program=program), user, "view")
        .select_related("project__lead_department", "upper_project__program")
        .prefetch_related("project__content_items")
        .order_by("project__order", "id")
    )
    for item in items:
        item.overrides = [str(FIELD_LABELS[f]) for f in local_overrides(item)]
    registered = {d.project_id for d in items if d.project_id}
    unregistered = []
    if program.derived_from_id:
        unregistered = [p for p in program.projects.order_by("order") if p.pk not in registered]
    changes, amending = upper_changes(program)
    decisions = list(
        restrict(UpperChangeDecision.objects.filter(program=program), user, "view").select_related(
            "decided_by"
        )[:50]
    )
    return DerivationView(
        program=program,
        upper=program.derived_from,
        items=items,
        unregistered=unregistered,
        changes=changes,
        upper_amending=amending,
        decisions=decisions,
    )


@dataclass
class LevelNode:
    depth: int
    level: str
    program: Program
    project: Project | None
    derivation: Derivation | None


def project_levels(*, user: Any, project: Project) -> list[LevelNode]:
    """A project from the top of its derivation chain down to every lower level's item (province → city →
    district), as far as the user may see; a 不适用 item appears without a project."""
    projects = restrict(Project.objects.all(), user, "view").select_related("program", "derives_from")
    top = project
    seen = {project.pk}
    while top.derives_from_id and top.derives_from_id not in seen:
        parent = projects.filter(pk=top.derives_from_id).first()
        if parent is None:
            break
        seen.add(parent.pk)
        top = parent
    derivations = restrict(Derivation.objects.all(), user, "view").select_related(
        "program__issuer", "project__program"
    )
    levels = dict(Program.Level.choices)
    nodes: list[LevelNode] = []

    def own_derivation(p: Project) -> Derivation | None:
        return derivations.filter(project=p).first()

    def walk(p: Project, depth: int) -> None:
        nodes.append(LevelNode(depth, str(levels.get(p.program.level, "")), p.program, p, own_derivation(p)))
        if depth > 5:
            return
        for d in derivations.filter(upper_project=p).order_by("program__issuer__order", "id"):
            if d.project is not None:
                walk(d.project, depth + 1)
            else:
                nodes.append(LevelNode(depth + 1, str(levels.get(d.program.level, "")), d.program, None, d))

    walk(top, 0)
    return nodes


# --- services ---------------------------------------------------------------------------------------------------


def _ensure_manager(actor: Any, program: Program) -> None:
    if not can(actor, "change", program):
        raise PermissionDenied(_("只有本级民生办可以处理本级计划的采纳情况"))


def _ensure_editable(program: Program) -> None:
    from catalogue.services import _ensure_editable as ensure

    ensure(program)


def issuer_for(government: Organisation) -> Organisation:
    """Who issues ``government``'s program: the issuer of its latest program, else its 人民政府, else the node."""
    node = government.government or government
    latest = Program.objects.filter(issuer__government=node, is_sample=False).order_by("-year").first()
    if latest is not None:
        return latest.issuer
    office = (
        Organisation.objects.filter(government=node, kind=OrgKind.GOVERNMENT, is_sample=False)
        .order_by("order", "pk")
        .first()
    )
    return office or node


def _derivation_snapshot(d: Derivation) -> dict[str, Any]:
    return model_snapshot(d)


def _new_project(program: Program, upper: Project, order: int, previous: Project | None) -> Project:
    project = Project.objects.create(
        program=program,
        order=order,
        name=upper.name,
        kind=previous.kind if previous else upper.kind,
        summary=upper.summary,
        lead_department_id=previous.lead_department_id if previous else None,
        assignment_is_default=previous.assignment_is_default if previous else True,
        derives_from=upper,
    )
    if previous is not None:
        project.co_lead_departments.set(previous.co_lead_departments.all())
        project.implementing_units.set(previous.implementing_units.all())
    ContentItem.objects.bulk_create(
        ContentItem(project=project, order=c.order, name=c.name) for c in upper.content_items.all()
    )
    return project


@transaction.atomic
def program_derive(
    *, upper: Program, government: Organisation, actor: Any, issuer: Organisation | None = None
) -> Program:
    """Create ``government``'s draft program of ``upper.year`` from the upper level's published ``upper``: every
    upper project becomes an item 采纳 (the office then marks what it adjusts or what does not apply); the year-on-
    year changes follow the upper program's, matched to the lower level's previous program where it has one."""
    if not can_any(actor, "add", Program):
        raise PermissionDenied(_("只有民生办可以生成年度计划"))
    from orgs.rules import in_own_government

    issuer = issuer or issuer_for(government)
    if not in_own_government(actor, issuer.pk):
        raise PermissionDenied(_("只能生成本级政府的计划"))
    if upper.status != Program.Status.PUBLISHED:
        raise ValidationError({"upper": _("上级计划尚未发布，不能据以生成本级计划。")})
    below = upper_government(issuer)
    if below is None or upper.issuer.government_id != below.pk:
        raise ValidationError({"upper": _("只能由上一级政府的计划生成本级计划。")})
    if Program.objects.filter(issuer__government=issuer.government_id, year=upper.year).exists():
        raise ValidationError(_("{year}年计划已经存在。").format(year=upper.year))
    node = issuer.government
    level = node.level if node is not None and node.level in Program.Level.values else Program.Level.DISTRICT
    doc = f"（{upper.doc_number}）" if upper.doc_number else ""
    program = Program(
        year=upper.year,
        level=level,
        issuer=issuer,
        issuer_name=issuer.name,
        noun=upper.noun,
        basis=f"《{upper.issuer_name}关于{upper.display_title}的通知》{doc}",
        status=Program.Status.DRAFT,
        derived_from=upper,
        source_note=_("由上级计划“{title}”逐项生成").format(
            title=f"{upper.issuer_name}{upper.display_title}"
        ),
    )
    program.full_clean(exclude=["issuer", "derived_from"])
    program.save()
    audit_record(
        actor=actor, action="create", obj=program, after=model_snapshot(program), reason="由上级计划生成"
    )

    previous = (
        Program.objects.filter(issuer__government=issuer.government_id, year=upper.year - 1, is_sample=False)
        .order_by("pk")
        .first()
    )
    old = list(previous.projects.all()) if previous else []
    old_by_upper = {p.derives_from_id: p for p in old if p.derives_from_id}
    old_by_name = {p.name: p for p in old}

    def lower_of(upper_source: Project) -> Project | None:
        return old_by_upper.get(upper_source.pk) or old_by_name.get(upper_source.name)

    uppers = list(
        upper.projects.select_related("lead_department")
        .prefetch_related(
            "content_items",
            Prefetch("origins", queryset=ProjectChange.objects.prefetch_related("sources")),
        )
        .order_by("order")
    )
    audits: list[tuple[Any, Any, Any]] = []
    orders = {kind: 0 for kind in ChangeKind.values}
    for order, up in enumerate(uppers, start=1):
        origin = next(iter(up.origins.all()), None)
        sources = [s for s in (lower_of(s) for s in origin.sources.all()) if s] if origin else []
        before = old_by_name.get(up.name) or (sources[0] if len(sources) == 1 else None)
        project = _new_project(program, up, order, before)
        derivation = Derivation.objects.create(
            program=program,
            upper_project=up,
            upper_name=up.name,
            project=project,
            status=DerivationStatus.ADOPTED,
            baseline=derived_values(up),
        )
        if origin is None:
            sources = [old_by_name[up.name]] if up.name in old_by_name else []
            kind = ChangeKind.CONTINUE if sources else ChangeKind.NEW
        else:
            kind = origin.kind if origin.kind == ChangeKind.NEW or sources else ChangeKind.NEW
        same = origin is not None and kind == origin.kind
        orders[kind] += 1
        change = ProjectChange.objects.create(
            program=program,
            kind=kind,
            order=orders[kind],
            result=project,
            adjust_kinds=list(origin.adjust_kinds) if same else [],
            printed_title=origin.printed_title if same else "",
            printed_text=origin.printed_text if same else "",
            added_items=list(origin.added_items) if same else [],
            removed_items=list(origin.removed_items) if same else [],
            reason=origin.reason if same else "",
        )
        if kind != ChangeKind.NEW:
            change.sources.set(sources)
        audits += [(project, None, model_snapshot(project)), (derivation, None, model_snapshot(derivation))]
    for exit_change in (
        upper.changes.filter(kind=ChangeKind.EXIT).prefetch_related("sources").order_by("order")
    ):
        sources = [s for s in (lower_of(s) for s in exit_change.sources.all()) if s]
        if sources:
            orders[ChangeKind.EXIT] += 1
            change = ProjectChange.objects.create(
                program=program,
                kind=ChangeKind.EXIT,
                order=orders[ChangeKind.EXIT],
                reason=exit_change.reason,
                printed_text=exit_change.printed_text,
            )
            change.sources.set(sources)
    audit_record_many(actor=actor, action="create", items=audits, reason="由上级计划生成")
    return program


def _apply(actor: Any, project: Project, values: dict[str, Any], reason: str) -> None:
    """Put ``values`` (name, summary, content_items) on the lower project, audited."""
    from catalogue.services import _snapshot

    values = {k: v for k, v in values.items() if k in OVERRIDABLE}
    if "name" in values:
        name = (values["name"] or "").strip()
        if not name:
            raise ValidationError({"name": _("请填写项目名称。")})
        if project.program.projects.filter(name=name).exclude(pk=project.pk).exists():
            raise ValidationError({"name": _("本年度已有同名项目“{name}”。").format(name=name)})
        values["name"] = name
    before = _snapshot(project)
    for name in ("name", "summary"):
        if name in values:
            setattr(project, name, values[name])
    fields = [f for f in ("name", "summary") if f in values]
    if fields:
        project.save(update_fields=fields)
    if "content_items" in values:
        names = [n.strip() for n in values["content_items"] if n.strip()]
        if len(set(names)) != len(names):
            raise ValidationError({"content_items": _("建设内容有重复")})
        project.content_items.all().delete()
        ContentItem.objects.bulk_create(
            ContentItem(project=project, order=i, name=n) for i, n in enumerate(names, start=1)
        )
    after = _snapshot(project)
    if after != before:
        audit_record(actor=actor, action="update", obj=project, before=before, after=after, reason=reason)


def _restore_project(actor: Any, derivation: Derivation, reason: str) -> Project:
    """A 不适用 item taken back: the lower program gets the project again (新增 this year), from the upper values."""
    from catalogue.services import _next_order, _snapshot

    program, up = derivation.program, derivation.upper_project
    if up is None:
        raise ValidationError(_("上级项目已不存在，不能恢复。"))
    order = (program.projects.aggregate(m=Max("order"))["m"] or 0) + 1
    project = _new_project(program, up, order, None)
    ProjectChange.objects.create(
        program=program,
        kind=ChangeKind.NEW,
        order=_next_order(program, ChangeKind.NEW),
        result=project,
        printed_title=project.name,
        reason=reason,
    )
    audit_record(actor=actor, action="create", obj=project, after=_snapshot(project), reason=reason)
    derivation.project = project
    return project


@transaction.atomic
def derivation_set_status(
    *,
    actor: Any,
    derivation: Derivation,
    status: str,
    reason: str = "",
    overrides: dict[str, Any] | None = None,
    expected_version: int | None = None,
) -> Derivation:
    """Mark one item 采纳 (the upper values are put back on the lower project), 调整 (with a reason and the local
    ``overrides`` of name, summary or content) or 不适用 (with a reason: the project leaves the lower program, recorded
    as 退出 when it continued from the year before)."""
    from catalogue.services import project_retire

    program = derivation.program
    _ensure_manager(actor, program)
    _ensure_editable(program)
    if derivation.status == DerivationStatus.LOCAL or derivation.upper_project_id is None:
        raise ValidationError(_("本级新增的项目没有上级项目，无需标注采纳情况。"))
    if status not in (DerivationStatus.ADOPTED, DerivationStatus.ADJUSTED, DerivationStatus.NOT_APPLICABLE):
        raise ValidationError({"status": _("请选择采纳、调整或不适用。")})
    reason = reason.strip()
    if status != DerivationStatus.ADOPTED and not reason:
        raise ValidationError(
            {"reason": _("标为“{status}”须写明理由。").format(status=DerivationStatus(status).label)}
        )
    before = _derivation_snapshot(derivation)
    version = derivation.version if expected_version is None else expected_version
    if status == DerivationStatus.NOT_APPLICABLE:
        project = derivation.project
        derivation.project = None
        derivation.save(update_fields=["project"])
        if project is not None:
            project_retire(actor=actor, project=project, reason=reason)
    else:
        project = derivation.project or _restore_project(actor, derivation, reason or _("恢复采纳上级项目"))
        if status == DerivationStatus.ADOPTED:
            _apply(
                actor,
                project,
                {f: derivation.baseline[f] for f in OVERRIDABLE if derivation.baseline.get(f)},
                reason,
            )
        elif overrides:
            _apply(actor, project, overrides, reason)
    derivation.status = status
    derivation.reason = reason
    versioned_save(derivation, expected_version=version, fields=["status", "reason", "project"])
    audit_record(
        actor=actor,
        action="state",
        obj=derivation,
        before=before,
        after=_derivation_snapshot(derivation),
        reason=reason,
    )
    return derivation


@transaction.atomic
def derivation_add_local(
    *, actor: Any, program: Program, name: str, kind: str, summary: str = "", reason: str = ""
) -> Derivation:
    """本级新增: a project of the lower level's own, outside the upper level's assessment."""
    from catalogue.services import project_create_new

    if program.derived_from_id is None:
        raise ValidationError(_("本计划不是由上级计划生成的。"))
    project = project_create_new(
        actor=actor, program=program, name=name, kind=kind, summary=summary, reason=reason
    )
    # outside the upper level's list, so outside its assessment (evaluation reads Project.assessed)
    Project.objects.filter(pk=project.pk).update(assessed=False)
    project.assessed = False
    derivation = Derivation.objects.create(
        program=program, project=project, status=DerivationStatus.LOCAL, reason=reason.strip()
    )
    audit_record(
        actor=actor, action="create", obj=derivation, after=_derivation_snapshot(derivation), reason=reason
    )
    return derivation


def _pending(program: Program, key: str) -> UpperChange:
    changes, amending = upper_changes(program)
    if amending:
        raise ValidationError(_("上级计划正在修订，修订完成后再处理。"))
    for change in changes:
        if change.key == key:
            return change
    raise ValidationError(_("这项上级变化已处理或不存在。"))


def _decide(
    actor: Any, program: Program, change: UpperChange, decision: str, reason: str
) -> UpperChangeDecision:
    record = UpperChangeDecision.objects.create(
        program=program,
        derivation=change.derivation,
        upper_project=change.upper_project,
        upper_name=change.upper_name,
        kind=change.kind,
        field=change.field,
        before=change.raw_before,
        after=change.raw_after,
        decision=decision,
        reason=reason,
        decided_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    audit_record(actor=actor, action="create", obj=record, after=model_snapshot(record), reason=reason)
    return record


def _rebaseline(
    actor: Any, derivation: Derivation, baseline: dict[str, Any], why: str, **values: Any
) -> None:
    before = _derivation_snapshot(derivation)
    derivation.baseline = baseline
    for name, value in values.items():
        setattr(derivation, name, value)
    versioned_save(derivation, expected_version=derivation.version, fields=["baseline", "project", *values])
    audit_record(
        actor=actor,
        action="update",
        obj=derivation,
        before=before,
        after=_derivation_snapshot(derivation),
        reason=why,
    )


@transaction.atomic
def upper_change_accept(*, actor: Any, program: Program, key: str, reason: str = "") -> UpperChangeDecision:
    """Take one upper change over into the lower program (which must be a draft or inside its own amendment)."""
    from catalogue.services import _next_order, _snapshot, project_retire

    _ensure_manager(actor, program)
    _ensure_editable(program)
    change = _pending(program, key)
    reason = reason.strip()
    d = change.derivation
    if change.kind == UpperChangeDecision.Kind.CHANGED:
        after = derived_values(change.upper_project)[change.field]
        if d.project is not None and change.field in OVERRIDABLE:
            _apply(actor, d.project, {change.field: after}, reason or _("接受上级修订"))
        _rebaseline(actor, d, {**d.baseline, change.field: after}, reason)
    elif change.kind == UpperChangeDecision.Kind.ADDED:
        up = change.upper_project
        order = (program.projects.aggregate(m=Max("order"))["m"] or 0) + 1
        project = _new_project(program, up, order, None)
        ProjectChange.objects.create(
            program=program,
            kind=ChangeKind.NEW,
            order=_next_order(program, ChangeKind.NEW),
            result=project,
            printed_title=project.name,
            printed_text=project.summary,
            reason=reason,
        )
        audit_record(actor=actor, action="create", obj=project, after=_snapshot(project), reason=reason)
        d = Derivation.objects.create(
            program=program,
            upper_project=up,
            upper_name=up.name,
            project=project,
            status=DerivationStatus.ADOPTED,
            baseline=derived_values(up),
        )
        audit_record(actor=actor, action="create", obj=d, after=_derivation_snapshot(d), reason=reason)
        change.derivation = d
    else:  # removed upstream: the lower item no longer applies
        why = reason or _("上级计划修订中已退出该项目")
        project = d.project
        _rebaseline(actor, d, {}, why, project=None, status=DerivationStatus.NOT_APPLICABLE, reason=why)
        if project is not None:
            project_retire(actor=actor, project=project, reason=why)
    return _decide(actor, program, change, UpperChangeDecision.Decision.ACCEPTED, reason)


@transaction.atomic
def upper_change_decline(*, actor: Any, program: Program, key: str, reason: str) -> UpperChangeDecision:
    """Keep the lower program as it is for one upper change (a reason is required): a changed value becomes a local
    override, an added upper project stays out, a removed one stays as the lower level's own (本级新增)."""
    _ensure_manager(actor, program)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("不接受上级修订须写明理由。")})
    change = _pending(program, key)
    d = change.derivation
    if change.kind == UpperChangeDecision.Kind.CHANGED:
        after = derived_values(change.upper_project)[change.field]
        extra: dict[str, Any] = {}
        if d.status == DerivationStatus.ADOPTED and change.field in OVERRIDABLE and d.project is not None:
            extra = {"status": DerivationStatus.ADJUSTED, "reason": reason}
        _rebaseline(actor, d, {**d.baseline, change.field: after}, reason, **extra)
    elif change.kind == UpperChangeDecision.Kind.REMOVED:
        _rebaseline(actor, d, {}, reason, status=DerivationStatus.LOCAL, reason=reason)
    return _decide(actor, program, change, UpperChangeDecision.Decision.DECLINED, reason)
