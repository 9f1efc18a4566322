"""Access rules of indicators, targets and responsibility letters.

Registered with core.policy from ResponsibilityConfig.ready(); tested as a matrix in core/tests/test_scoping.py."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from catalogue.rules import program_in_own_government, program_tenant, program_visible, unit_scoped
from core.policy import PUBLIC, Actor, Scope, actor_for, can_any, rule
from orgs.models import Role
from orgs.rules import is_unit_staff
from responsibility.models import Indicator, Letter, Target


@rule(Indicator, **program_tenant("project__program"))
def indicator_rule(actor: Actor, action: str) -> Scope:
    """Indicators (what is measured, the project total) are as public as the project; changed by 民生办 and the
    lead department."""
    if action == "view":
        return program_visible(actor, "project__program__", lead="project__lead_department_id")
    if actor.is_manager:
        return True
    if actor.role == Role.DEPARTMENT and actor.org_id:
        return Q(project__lead_department_id=actor.org_id)
    return False


@rule(Target, **program_tenant("indicator__project__program"))
def target_rule(actor: Actor, action: str) -> Scope:
    return unit_scoped(actor, action, "indicator__project", "unit_id")


#: A letter an upper government (a city) addresses to a lower one (its district, the signatory unit) is seen by
#: the district's 民生办 and 领导 once issued, and signed by its 民生办 — nothing else of the city's program is
#: theirs (the letter rows stay the city's: drafting, refreshing and issuing are the city's office's).
LETTER_OUT = Q(status__in=(Letter.Status.ISSUED, Letter.Status.SIGNED))


@rule(
    Letter,
    **program_tenant("program"),
    addressed="organisation",
    addressed_when=LETTER_OUT,
    addressed_actions=("view", "change"),
)
def letter_rule(actor: Actor, action: str) -> Scope:
    """A unit sees its own letters and registers the signature of an issued one; 民生办 drafts and issues. A letter
    addressed to another government (a city's to its district) is that government's to read and sign (above)."""
    if actor.role == PUBLIC:
        return False
    if action == "view":
        return True if actor.is_staff_wide else Q(organisation_id__in=actor.org_ids)
    if actor.is_manager:
        return True
    if action == "change" and is_unit_staff(actor):
        return Q(organisation_id=actor.org_id, status=Letter.Status.ISSUED)
    return False


def may_manage_letters(user: Any) -> bool:
    """起草 and 下达 目标责任状: 民生办 (who may add letters)."""
    return can_any(user, "add", Letter)


def may_manage_program_letters(user: Any, program: Any) -> bool:
    """起草, 刷新 and 下达 the letters of ``program``: 民生办 of the program's own government (a district's office
    signs the letter its city addressed to it, but drafts nothing in the city's program)."""
    return may_manage_letters(user) and program_in_own_government(user, program.pk)


def may_see_program_checks(user: Any) -> bool:
    """The district-wide checks on a program's plan (targets adding up, funding totals): the district-wide roles."""
    return actor_for(user).is_staff_wide
