"""Access rules of the performance tables (绩效目标申报表, 双监控, 单位自评表).

Registered with core.policy from EvaluationConfig.ready(). The district-wide roles (民生办, 领导, admin) see all;
a department sees and drafts the tables of the projects it leads; 民生办 changes all and alone approves or returns.
Towns, supervisors and the public see none (the tables are internal documents of the lead department)."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q

from catalogue.rules import program_tenant
from core.policy import Actor, Scope, actor_for, can, rule
from evaluation.models import (
    Constraint,
    Item,
    ItemScore,
    MonitoringSheet,
    Objection,
    PerformanceTarget,
    Rescore,
    RewardPool,
    RewardShare,
    Run,
    RunStatus,
    SampleCheck,
    Scheme,
    SelfEvaluation,
    Track,
    UnitResult,
)
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


# --- 目标管理绩效考评 -----------------------------------------------------------------------------------------
# The scheme is read by every staff role and changed by 民生办; a run's totals by every staff role (and, once
# published, by the public, through the portal's own read); the per-item scores, their data rows, samples and
# objections by the district-wide roles, the unit itself and the department scoring the item's track. A town
# therefore sees only its own details before (and after) publication; others' totals only once published.


def _staff(actor: Actor) -> bool:
    return actor.role in Role.values


@rule(Scheme, **program_tenant("program"))
def scheme_rule(actor: Actor, action: str) -> Scope:
    if action == "view":
        return _staff(actor)
    return actor.is_manager and action != "delete"


@rule(Track, **program_tenant("scheme__program"))
def track_rule(actor: Actor, action: str) -> Scope:
    return actor.is_manager if action != "view" else _staff(actor)


@rule(Item, **program_tenant("track__scheme__program"))
def item_rule(actor: Actor, action: str) -> Scope:
    return actor.is_manager if action != "view" else _staff(actor)


@rule(Run, **program_tenant("scheme__program"))
def run_rule(actor: Actor, action: str) -> Scope:
    if action == "view":
        return True if _staff(actor) else Q(status=RunStatus.PUBLISHED)
    return actor.is_manager and action != "delete"


def _scorer(actor: Actor, prefix: str) -> Q:
    return Q(Exists(Track.objects.filter(scheme=OuterRef(f"{prefix}scheme"), scorer_id=actor.org_id)))


@rule(UnitResult, **program_tenant("run__scheme__program"))
def unit_result_rule(actor: Actor, action: str) -> Scope:
    if action == "view":
        if actor.is_staff_wide:
            return True
        if not _staff(actor) or not actor.org_id:
            return Q(run__status=RunStatus.PUBLISHED)
        return Q(unit_id__in=actor.org_ids) | Q(run__status=RunStatus.PUBLISHED) | _scorer(actor, "run__")
    return actor.is_manager and action != "delete"


def _score_scope(actor: Actor, action: str, prefix: str) -> Scope:
    if action == "view" and actor.is_staff_wide:
        return True
    if action == "delete":
        return False
    if action != "view" and actor.is_manager:
        return True
    if actor.role in (Role.DEPARTMENT, Role.TOWN) and actor.org_id:
        scorer = Q(**{f"{prefix}item__track__scorer_id": actor.org_id})
        if action == "view":
            return Q(**{f"{prefix}result__unit_id__in": actor.org_ids}) | scorer
        return scorer if actor.role == Role.DEPARTMENT else False
    return False


@rule(ItemScore, **program_tenant("result__run__scheme__program"))
def item_score_rule(actor: Actor, action: str) -> Scope:
    return _score_scope(actor, action, "")


@rule(SampleCheck, **program_tenant("score__result__run__scheme__program"))
def sample_rule(actor: Actor, action: str) -> Scope:
    return _score_scope(actor, action, "score__")


@rule(Objection, **program_tenant("score__result__run__scheme__program"))
def objection_rule(actor: Actor, action: str) -> Scope:
    return (
        _score_scope(actor, action, "score__")
        if action == "view"
        else actor.is_manager and action != "delete"
    )


@rule(Rescore, **program_tenant("score__result__run__scheme__program"))
def rescore_rule(actor: Actor, action: str) -> Scope:
    return _score_scope(actor, action, "score__") if action == "view" else False


def may_manage_assessment(user: Any, obj: Any = None) -> bool:
    """Build the scheme, run, answer objections, re-score, approve and publish: 民生办 — on its own government's
    assessment when ``obj`` (the program, scheme, run, score … acted on) is given."""
    if not actor_for(user).is_manager:
        return False
    if obj is None:
        return True
    from core.policy import in_own_government

    return in_own_government(user, obj)


def may_score(user: Any, score: Any) -> bool:
    """Enter a manual score or a sample's result: 民生办, or the department scoring the item's track, while the
    run is not locked."""
    return not score.result.run.locked and can(user, "change", score)


def may_object(user: Any, score: Any) -> bool:
    """File an objection (申诉) to an item: the assessed unit itself, before the run's deadline and approval."""
    from django.utils import timezone

    actor = actor_for(user)
    run = score.result.run
    if run.locked or not actor.org_id or score.result.unit_id not in actor.org_ids:
        return False
    deadline = run.objection_deadline
    return deadline is None or timezone.localdate() <= deadline


def may_see_assessment(user: Any) -> bool:
    """The 考评 pages: every staff role."""
    return _staff(actor_for(user))


# --- 正向激励和刚性约束 ----------------------------------------------------------------------------------------
# The reward pool of a run (its settings) is read by the district-wide roles and changed by 民生办; a share and a
# constraint by the district-wide roles and by the unit concerned (its own only); only 民生办 writes them.


@rule(RewardPool, **program_tenant("run__scheme__program"))
def reward_pool_rule(actor: Actor, action: str) -> Scope:
    if action == "view":
        return actor.is_staff_wide
    return actor.is_manager and action != "delete"


@rule(RewardShare, **program_tenant("pool__run__scheme__program"))
def reward_share_rule(actor: Actor, action: str) -> Scope:
    if action == "view":
        if actor.is_staff_wide:
            return True
        if _staff(actor) and actor.org_id:
            return Q(result__unit_id__in=actor.org_ids)
        return False
    return False  # written by the allocation service only


@rule(Constraint, **program_tenant("program"))
def constraint_rule(actor: Actor, action: str) -> Scope:
    if action == "view":
        if actor.is_staff_wide:
            return True
        if _staff(actor) and actor.org_id:
            return Q(unit_id__in=actor.org_ids)
        return False
    return actor.is_manager and action != "delete"


def may_see_incentives(user: Any) -> bool:
    """The run's 奖补与约束 page: the district-wide roles (units see their own on their result page)."""
    return actor_for(user).is_staff_wide
