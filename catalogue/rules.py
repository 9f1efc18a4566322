"""Access rules of the catalogue (programs, projects, their content, changes, amendments, proposals).

Registered with core.policy from CatalogueConfig.ready(); tested as a matrix in core/tests/test_scoping.py."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from catalogue.models import (
    ContentItem,
    Derivation,
    Program,
    ProgramAmendment,
    Project,
    ProjectChange,
    ProjectProposal,
    UpperChangeDecision,
)
from core.policy import Actor, Scope, can_any, rule
from orgs.models import Role

PUBLISHED = Program.Status.PUBLISHED


def program_tenant(path: str, released: Q | None = None) -> dict[str, Any]:
    """The ``@rule`` tenancy of a model hanging off a program at ``path`` ("" for programs): the program's issuer's
    government owns the row; the governments above see it once the program is published (and ``released``)."""
    prefix = f"{path}__" if path else ""
    published = Q(**{f"{prefix}status": PUBLISHED})
    return {
        "tenant": f"{prefix}issuer",
        "released": published & released if released is not None else published,
    }


def led_projects(actor: Actor) -> QuerySet:
    """A subquery of the projects the actor's department leads (no duplicate rows when used with ``__in``)."""
    return Project.objects.filter(lead_department_id=actor.org_id).values("pk")


def program_visible(actor: Actor, prefix: str = "", lead: str | None = None) -> Scope:
    """Published programs are public; drafts are seen by the district-wide roles and, for the projects
    it leads, by the department drafting them (``lead`` is the path to the lead department)."""
    if actor.is_staff_wide:
        return True
    published = Q(**{f"{prefix}status": PUBLISHED})
    if actor.role == Role.DEPARTMENT and actor.org_id and lead:
        return published | Q(**{lead: actor.org_id})
    return published


def unit_scoped(actor: Actor, action: str, project_path: str, unit_path: str) -> Scope:
    """Targets and funding lines: the district-wide roles see all; a department sees its projects' lines and its
    own; a town only its own; a supervisor those of published programs. 民生办 and the lead department change them."""
    led = Q(**{f"{project_path}__in": led_projects(actor)})
    if action == "view":
        if actor.is_staff_wide:
            return True
        if actor.role == Role.DEPARTMENT and actor.org_id:
            return led | Q(**{f"{unit_path}__in": actor.org_ids})
        if actor.role == Role.TOWN and actor.org_id:
            return Q(**{f"{unit_path}__in": actor.org_ids})
        if actor.role == Role.SUPERVISOR:
            return Q(**{f"{project_path}__program__status": PUBLISHED})
        return False
    if actor.is_manager:
        return True
    if actor.role == Role.DEPARTMENT and actor.org_id:
        return led
    return False


def program_in_own_government(user: Any, program_id: int | None) -> bool:
    """Whether the program belongs to the user's own government — for the named decisions on its rows (confirm a
    report, answer a finding, draft a performance table). One query per request (cached on the user object)."""
    from core.policy import actor_for, own_government

    if actor_for(user).unscoped:
        return True
    own = getattr(user, "_own_program_ids", None)
    if own is None:
        q = own_government(user, Program)
        qs = (
            Program.objects.all()
            if q is True
            else Program.objects.filter(q)
            if q is not False
            else Program.objects.none()
        )
        own = frozenset(qs.values_list("pk", flat=True))
        user._own_program_ids = own
    return program_id in own


@rule(Program, **program_tenant(""))
def program_rule(actor: Actor, action: str) -> Scope:
    if action == "view":
        if actor.role == Role.DEPARTMENT and actor.org_id:  # a subquery, so no duplicate rows
            led = Project.objects.filter(lead_department_id=actor.org_id).values("program_id")
            return Q(status=PUBLISHED) | Q(pk__in=led)
        return program_visible(actor)
    return actor.is_manager


@rule(Project, **program_tenant("program"))
def project_rule(actor: Actor, action: str) -> Scope:
    if action == "view":
        return program_visible(actor, "program__", lead="lead_department_id")
    if actor.is_manager:
        return True
    if action == "change" and actor.role == Role.DEPARTMENT and actor.org_id:
        # 部门主管: a department edits the projects it leads, while the program is still a draft.
        return Q(lead_department_id=actor.org_id, program__status=Program.Status.DRAFT)
    if action == "plan" and actor.role == Role.DEPARTMENT and actor.org_id:
        # ... and sets their indicators, targets and budgets at any time.
        return Q(lead_department_id=actor.org_id)
    return False


@rule(ContentItem, **program_tenant("project__program"))
def content_item_rule(actor: Actor, action: str) -> Scope:
    if action == "view":
        return program_visible(actor, "project__program__", lead="project__lead_department_id")
    if actor.is_manager:
        return True
    if actor.role == Role.DEPARTMENT and actor.org_id:
        return Q(project__lead_department_id=actor.org_id, project__program__status=Program.Status.DRAFT)
    return False


@rule(ProjectChange, **program_tenant("program"))
def change_rule(actor: Actor, action: str) -> Scope:
    if action == "view":
        return program_visible(actor, "program__")
    return actor.is_manager


@rule(ProgramAmendment, **program_tenant("program"))
def amendment_rule(actor: Actor, action: str) -> Scope:
    if action == "view":
        return program_visible(actor, "program__")
    return actor.is_manager


@rule(Derivation, **program_tenant("program"))
def derivation_rule(actor: Actor, action: str) -> Scope:
    """How a program follows the upper level's: read like the program; 民生办 of its own government decides (the
    upper levels read their published derived programs, read-only, through the tenancy)."""
    if action == "view":
        return program_visible(actor, "program__")
    return actor.is_manager


@rule(UpperChangeDecision, **program_tenant("program"))
def upper_decision_rule(actor: Actor, action: str) -> Scope:
    """The record of upper amendments accepted or declined: staff read it; 民生办 adds to it; nobody rewrites it."""
    if action == "view":
        return actor.is_staff_wide
    return actor.is_manager if action == "add" else False


@rule(ProjectProposal)
def proposal_rule(actor: Actor, action: str) -> Scope:
    """项目建议 are worked on by 民生办; a department sees and files the ones it would lead."""
    from orgs.rules import government_filter

    if actor.is_staff_wide and (action == "view" or actor.is_manager):
        # its lead department's government (a proposal without one is every office's); internal to that government
        own = government_filter(actor, "lead_department")
        return True if own is True else own | Q(lead_department__isnull=True)
    if actor.is_manager:
        return True
    if actor.role == Role.DEPARTMENT and actor.org_id and action in ("view", "add"):
        return Q(lead_department_id=actor.org_id)
    return False


def may_assign_projects(user: Any) -> bool:
    """Set every field of a project (name, kind, lead department, implementing units) — whoever may add projects
    (民生办); a lead department edits only the description (``catalogue.services.DEPARTMENT_FIELDS``)."""
    return can_any(user, "add", Project)
