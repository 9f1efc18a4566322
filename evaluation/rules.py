"""Access rules of the performance tables (绩效目标申报表, 双监控, 单位自评表).

Registered with core.policy from EvaluationConfig.ready(). The district-wide roles (民生办, 领导, admin) see all;
a department sees and drafts the tables of the projects it leads; 民生办 changes all and alone approves or returns.
Towns, supervisors and the public see none (the tables are internal documents of the lead department)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from catalogue.rules import program_tenant
from core.policy import Actor, Scope, actor_for, can, rule
from evaluation.models import MonitoringSheet, PerformanceTarget, SelfEvaluation
from orgs.models import Role


def led_by_actor(actor: Actor, action: str, prefix: str = "project__") -> Scope:
    """The scope of a performance table (``prefix`` is the path to its project; "" for projects themselves)."""
    if action == "view" and actor.is_staff_wide:
        return True
    if action != "view" and actor.is_manager:
        return True
    if action == "delete":
        return False
    if actor.role == Role.DEPARTMENT and actor.org_id:
        return Q(**{f"{prefix}lead_department_id": actor.org_id})
    return False


@rule(PerformanceTarget, **program_tenant("project__program"))
def performance_target_rule(actor: Actor, action: str) -> Scope:
    return led_by_actor(actor, action)


@rule(MonitoringSheet, **program_tenant("project__program"))
def monitoring_rule(actor: Actor, action: str) -> Scope:
    return led_by_actor(actor, action)


@rule(SelfEvaluation, **program_tenant("project__program"))
def self_evaluation_rule(actor: Actor, action: str) -> Scope:
    return led_by_actor(actor, action)


def may_draft(user: Any, project: Any) -> bool:
    """Draft and submit a project's performance tables: 民生办 and the project's lead department."""
    actor = actor_for(user)
    if actor.is_manager:
        from core.policy import in_own_government

        return in_own_government(user, project)
    return actor.role == Role.DEPARTMENT and bool(actor.org_id) and project.lead_department_id == actor.org_id


def may_decide(user: Any, obj: Any = None) -> bool:
    """Approve or return a submitted 申报表 / 自评表: 民生办 (who changes every row), never the drafting unit."""
    actor = actor_for(user)
    return actor.is_manager and (obj is None or can(user, "change", obj))


def may_see_evaluation(user: Any) -> bool:
    """The 绩效管理 menu entry and pages: whoever sees some performance table."""
    from core.policy import can_any

    return can_any(user, "view", PerformanceTarget)
