"""Access rules of the satisfaction surveys, registered with core.policy from SurveysConfig.ready().

- Questionnaires: every staff role sees them (they are the forms surveyors read out); 民生办 changes them.
- Waves and their responses: the district-wide roles see all; a department the waves of the projects it leads;
  a town (镇街) the waves run in its own unit. 民生办 and the lead department create and change waves; the
  surveyors of the wave's unit and of the lead department enter responses (``may_enter``). Supervisors and the
  public see none here: the public sees published figures only (``surveys.selectors.public_results``)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from catalogue.rules import program_tenant
from core.policy import Actor, Scope, actor_for, can, rule
from orgs.models import Role
from surveys.models import Answer, Option, Question, Questionnaire, Response, Wave


def _questionnaire_scope(actor: Actor, action: str) -> Scope:
    """Questionnaires are the deployment's shared forms (every government's surveyors read them out): 民生办
    creates the default one; changing one that other governments use is the 系统管理员's (or, in an install
    without government levels, 民生办's)."""
    if action == "view":
        return actor.role in (Role.DEPARTMENT, Role.TOWN) or actor.is_staff_wide
    if action == "add":
        return actor.is_manager
    return actor.is_manager and (actor.unscoped or actor.government_id is None)


@rule(Questionnaire)
def questionnaire_rule(actor: Actor, action: str) -> Scope:
    return _questionnaire_scope(actor, action)


@rule(Question)
def question_rule(actor: Actor, action: str) -> Scope:
    return _questionnaire_scope(actor, action)


@rule(Option)
def option_rule(actor: Actor, action: str) -> Scope:
    return _questionnaire_scope(actor, action)


def wave_scope(actor: Actor, action: str, prefix: str = "") -> Scope:
    if action == "view" and actor.is_staff_wide:
        return True
    if action != "view" and actor.is_manager:
        return action != "delete"
    if actor.role == Role.DEPARTMENT and actor.org_id:
        led = Q(**{f"{prefix}project__lead_department_id": actor.org_id})
        if action == "view":
            return led
        return led if action in ("add", "change") else False
    if actor.role == Role.TOWN and actor.org_ids and action == "view":
        return Q(**{f"{prefix}unit_id__in": sorted(actor.org_ids)})
    return False


@rule(Wave, **program_tenant("project__program"))
def wave_rule(actor: Actor, action: str) -> Scope:
    return wave_scope(actor, action)


@rule(Response, **program_tenant("wave__project__program"))
def response_rule(actor: Actor, action: str) -> Scope:
    if action == "add" and actor.role == Role.TOWN and actor.org_ids:
        return Q(wave__unit_id__in=sorted(actor.org_ids))
    if action == "delete":
        return actor.is_manager
    return wave_scope(actor, action, prefix="wave__")


@rule(Answer, **program_tenant("response__wave__project__program"))
def answer_rule(actor: Actor, action: str) -> Scope:
    if action != "view":
        return False  # answers are written with their response only
    return wave_scope(actor, action, prefix="response__wave__")


def may_enter(user: Any, wave: Wave) -> bool:
    """Enter responses of a wave (the surveyor's phone page, the Excel import): 民生办, the lead department and
    the wave's own unit, while the wave is not published."""
    if wave.is_published:
        return False
    actor = actor_for(user)
    if actor.is_manager:
        return True
    if actor.role == Role.DEPARTMENT and actor.org_id:
        return wave.project.lead_department_id == actor.org_id
    if actor.role == Role.TOWN:
        return wave.unit_id in actor.org_ids
    return False


def may_manage(user: Any, wave: Wave | None = None, project: Any = None) -> bool:
    """Create or change a wave (and create the default questionnaire's first use): 民生办, the lead department."""
    actor = actor_for(user)
    if actor.is_manager:
        return True
    if actor.role != Role.DEPARTMENT or not actor.org_id:
        return False
    if wave is not None:
        return can(user, "change", wave)
    if project is not None:
        return project.lead_department_id == actor.org_id
    return True


def may_see_surveys(user: Any) -> bool:
    """The 满意度调查 pages: whoever sees some wave."""
    from core.policy import can_any

    return can_any(user, "view", Wave)
