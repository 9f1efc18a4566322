"""Access rules of supervisors, inspections and findings, and the decisions on a finding's steps.

Registered with core.policy from SupervisionConfig.ready(); tested as a matrix in core/tests/test_scoping.py."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from catalogue.rules import led_projects, program_tenant
from core.policy import Actor, Scope, actor_for, in_own_government, own_government, rule, scope_and
from orgs.models import Role
from orgs.rules import government_filter, is_unit_staff
from supervision.models import Finding, Inspection, Supervisor


def supervisors_of_government(actor: Actor, action: str) -> Scope:
    """Supervisors belong to the government of their account's unit, of the units or of the projects they are
    linked with (a subquery: no duplicate rows)."""
    if actor.unscoped:
        return True
    linked = (
        government_filter(actor, "user__membership__organisation", action)
        | government_filter(actor, "units", action)
        | government_filter(
            actor, "projects__program__issuer", action, Q(projects__program__status="published")
        )
    )
    # a supervisor linked to nothing yet (no account, no unit, no project) belongs to no government: every office
    # sees it, as before governments existed
    unlinked = Q(user__membership__isnull=True, units__isnull=True, projects__isnull=True)
    return Q(pk__in=Supervisor.objects.filter(linked | unlinked).values("pk"))


@rule(Supervisor)
def supervisor_rule(actor: Actor, action: str) -> Scope:
    if action == "view":
        if actor.is_staff_wide:
            return supervisors_of_government(actor, action)
        return Q(user_id=actor.user.pk) if actor.role == Role.SUPERVISOR else False
    return supervisors_of_government(actor, action) if actor.is_manager else False


@rule(Inspection, **program_tenant("program"))
def inspection_rule(actor: Actor, action: str) -> Scope:
    """District-wide roles see all; a supervisor his own; a unit those of its own; a department those on its projects.
    Filing one is ``may_file_inspection``; changes are 民生办's."""
    if action != "view":
        return actor.is_manager
    if actor.is_staff_wide:
        return True
    if actor.role == Role.SUPERVISOR:
        return Q(supervisor__user_id=actor.user.pk)
    if actor.role == Role.TOWN and actor.org_id:
        return Q(unit_id__in=actor.org_ids)
    if actor.role == Role.DEPARTMENT and actor.org_id:
        return Q(unit_id__in=actor.org_ids) | Q(
            pk__in=Inspection.projects.through.objects.filter(project__in=led_projects(actor)).values(
                "inspection_id"
            )
        )
    return False


@rule(Finding, tenant="responsible")
def finding_rule(actor: Actor, action: str) -> Scope:
    if action != "view":
        return actor.is_manager
    if actor.is_staff_wide:
        return True
    if actor.role == Role.SUPERVISOR:
        return Q(inspection__supervisor__user_id=actor.user.pk)
    if is_unit_staff(actor):
        own = Q(responsible_id__in=actor.org_ids)
        if actor.role == Role.DEPARTMENT:
            own |= Q(project__in=led_projects(actor))
        return own
    return False


def may_file_inspection(user: Any, supervisor: Supervisor | None = None) -> bool:
    """填报监督情况表: 民生办 (for any supervisor), or a supervisor for himself (``supervisor`` None: for some
    supervisor — to show the button)."""
    actor = actor_for(user)
    if actor.is_manager:
        return True
    if supervisor is None:
        return actor.role == Role.SUPERVISOR
    return not actor.is_public and supervisor.user_id is not None and supervisor.user_id == actor.user.pk


def may_manage_supervisors(user: Any) -> bool:
    """聘任/管理 supervisors and choose whose inspections to list: 民生办."""
    return actor_for(user).is_manager


def may_see_rectification_rates(user: Any) -> bool:
    """The district-wide 整改率 table: the district-wide roles."""
    return actor_for(user).is_staff_wide


def may_answer_finding(user: Any, finding: Finding) -> bool:
    """整改反馈: the responsible unit's staff (or 民生办 on its behalf)."""
    actor = actor_for(user)
    if actor.is_manager:
        return in_own_government(user, finding)
    return is_unit_staff(actor) and actor.org_id == finding.responsible_id


def may_verify_finding(user: Any, finding: Finding) -> bool:
    """核实销号: 民生办, or the supervisor who reported the finding."""
    actor = actor_for(user)
    if actor.is_manager:
        return in_own_government(user, finding)
    return (
        actor.role == Role.SUPERVISOR
        and finding.inspection_id is not None
        and (finding.inspection.supervisor.user_id == actor.user.pk)
    )


def findings_to_answer(user: Any) -> Scope:
    """The queryset form of ``may_answer_finding`` for the unit's own queue: open (or reopened) findings its unit
    is responsible for. 民生办 may answer on a unit's behalf but has no queue of its own."""
    actor = actor_for(user)
    if not is_unit_staff(actor):
        return False
    return Q(responsible_id=actor.org_id, status__in=(Finding.Status.OPEN, Finding.Status.REOPENED))


def findings_to_verify(user: Any) -> Scope:
    """The queryset form of ``may_verify_finding``: answered findings, for 民生办 all of them, for a supervisor
    those he reported."""
    actor = actor_for(user)
    answered = Q(status=Finding.Status.ANSWERED)
    if actor.is_manager:
        return scope_and(answered, own_government(user, Finding))
    if actor.role == Role.SUPERVISOR:
        return answered & Q(inspection__supervisor__user_id=actor.user.pk)
    return False
