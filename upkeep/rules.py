"""Access rules of assets (管护).

Registered with core.policy from UpkeepConfig.ready(); tested as a matrix in core/tests/test_scoping.py."""

from __future__ import annotations

from django.db.models import Q

from catalogue.rules import led_projects, program_tenant
from core.policy import PUBLIC, Actor, Scope, rule
from orgs.models import Role
from upkeep.models import Asset


@rule(Asset, **program_tenant("project__program"))
def asset_rule(actor: Actor, action: str) -> Scope:
    """District-wide roles and supervisors see all assets; a unit those it looks after; a department those its
    projects built. Changes: 民生办, the lead department, and the custodian (for checks)."""
    if actor.role == PUBLIC:
        return False
    led = Q(project__in=led_projects(actor))
    if action == "view":
        if actor.is_staff_wide or actor.role == Role.SUPERVISOR:
            return True
        if actor.role == Role.DEPARTMENT:
            return led | Q(custodian_id__in=actor.org_ids)
        return Q(custodian_id__in=actor.org_ids) if actor.org_id else False
    if actor.is_manager:
        return True
    if actor.role == Role.DEPARTMENT:
        return led | Q(custodian_id=actor.org_id)
    if actor.role == Role.TOWN and action == "change":
        return Q(custodian_id=actor.org_id)
    return False
