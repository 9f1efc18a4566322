"""Who the caller is (the actor resolver the policy uses) and the access rules of organisations and memberships.

Registered with core.policy from OrgsConfig.ready(); tested as a matrix in core/tests/test_scoping.py."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from core.policy import PUBLIC, Actor, Scope, actor_for, rule
from orgs.models import Membership, Organisation, Role

STAFF_WIDE = (Role.ADMIN, Role.OFFICE, Role.LEADER)  # see everything the district has
MANAGERS = (Role.ADMIN, Role.OFFICE)  # change everything the district has


def _descendants(org_id: int) -> frozenset[int]:
    ids, frontier = {org_id}, [org_id]
    while frontier:
        frontier = list(Organisation.objects.filter(parent_id__in=frontier).values_list("id", flat=True))
        frontier = [i for i in frontier if i not in ids]
        ids.update(frontier)
    return frozenset(ids)


def resolve_actor(user: Any) -> Actor:
    """An authenticated user's role (from the membership; superusers are 系统管理员) and organisation tree."""
    membership = Membership.objects.filter(user=user).only("role", "organisation_id").first()
    if user.is_superuser:
        role = Role.ADMIN
    elif membership is None or not user.is_active:
        role = PUBLIC  # a login without a membership has no more rights than the public
    else:
        role = membership.role
    org_id = membership.organisation_id if membership else None
    return Actor(
        user=user,
        role=role,
        org_id=org_id,
        org_ids=_descendants(org_id) if org_id else frozenset(),
        staff_wide=role in STAFF_WIDE,
        manager=role in MANAGERS,
    )


def is_unit_staff(actor: Actor) -> bool:
    """A department's or a town's staff (the units that report, answer findings and record disclosures)."""
    return actor.role in (Role.DEPARTMENT, Role.TOWN) and actor.org_id is not None


def may_act_for_unit(user: Any, unit_id: int | None) -> bool:
    """May this user fill in, import or record for ``unit``: 民生办 for any unit, a unit's staff for their own."""
    actor = actor_for(user)
    return actor.is_manager or (is_unit_staff(actor) and unit_id is not None and actor.org_id == unit_id)


def may_choose_unit(user: Any) -> bool:
    """May the user pick the unit to act for (``?unit=``) instead of acting for their own: 民生办."""
    return actor_for(user).is_manager


@rule(Organisation)
def organisation_rule(actor: Actor, action: str) -> Scope:
    """The directory of names is public (see orgs.selectors); an organisation's page — contacts, members,
    edits — belongs to the district-wide roles and to the organisation itself (and its parents' staff)."""
    if actor.role == PUBLIC:
        return False
    if action == "view":
        return True if actor.is_staff_wide else Q(pk__in=actor.org_ids)
    if action == "change":
        if actor.is_manager:
            return True
        if is_unit_staff(actor):
            return Q(pk=actor.org_id)
        return False
    return actor.role == Role.ADMIN  # add / delete


@rule(Membership)
def membership_rule(actor: Actor, action: str) -> Scope:
    if actor.role == PUBLIC:
        return False
    if action == "view":
        return True if actor.is_staff_wide else Q(organisation_id__in=actor.org_ids)
    return actor.role == Role.ADMIN
