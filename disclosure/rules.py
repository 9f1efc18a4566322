"""Access rules of publicity, disclosures and public feedback, and who may record a disclosure.

Registered with core.policy from DisclosureConfig.ready(); tested as a matrix in core/tests/test_scoping.py."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from catalogue.models import Program
from catalogue.rules import program_tenant
from core.policy import Actor, Scope, actor_for, own_government, rule
from disclosure.models import Disclosure, Feedback, Publicity
from orgs.models import Role
from orgs.rules import in_own_government, is_unit_staff

PUBLISHED = Program.Status.PUBLISHED


@rule(Publicity, **program_tenant("program"))
def publicity_rule(actor: Actor, action: str) -> Scope:
    if action == "view":
        return True  # publicity is public by nature
    return actor.is_manager


@rule(Disclosure, **program_tenant("program"))
def disclosure_rule(actor: Actor, action: str) -> Scope:
    """A disclosure is public once it has started; staff see all of their scope including late ones."""
    if action == "view":
        if actor.is_staff_wide or actor.role == Role.SUPERVISOR:
            return True
        if is_unit_staff(actor):
            return Q(unit_id__in=actor.org_ids) | Q(start__isnull=False, program__status=PUBLISHED)
        return Q(start__isnull=False, program__status=PUBLISHED)
    return actor.is_manager


@rule(Feedback, **program_tenant("program"))
def feedback_rule(actor: Actor, action: str) -> Scope:
    return actor.is_staff_wide if action == "view" else actor.is_manager


def may_record_disclosure(user: Any, unit_id: int | None = None) -> bool:
    """登记公示 (start, end, evidence): 民生办 for any unit, a unit's staff for their own unit's disclosures
    (``unit_id`` None: for some unit — to show the form)."""
    actor = actor_for(user)
    if actor.is_manager:
        return unit_id is None or in_own_government(user, unit_id)
    return is_unit_staff(actor) and (unit_id is None or actor.org_id == unit_id)


def disclosures_to_record(user: Any) -> Scope:
    """The queryset form of ``may_record_disclosure``: 民生办 all disclosures, a unit's staff their unit's."""
    actor = actor_for(user)
    if actor.is_manager:
        return own_government(user, Disclosure)
    return Q(unit_id=actor.org_id) if is_unit_staff(actor) else False
