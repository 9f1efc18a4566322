"""Who the caller is (the actor resolver the policy uses) and the access rules of organisations and memberships.

Registered with core.policy from OrgsConfig.ready(); tested as a matrix in core/tests/test_scoping.py."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from core.policy import PUBLIC, Actor, Scope, Tenant, actor_for, rule, set_tenancy
from orgs.models import Level, Membership, Organisation, Role

STAFF_WIDE = (Role.ADMIN, Role.OFFICE, Role.LEADER)  # see everything the district has
MANAGERS = (Role.ADMIN, Role.OFFICE)  # change everything the district has


def _descendants(org_id: int) -> frozenset[int]:
    ids, frontier = {org_id}, [org_id]
    while frontier:
        frontier = list(Organisation.objects.filter(parent_id__in=frontier).values_list("id", flat=True))
        frontier = [i for i in frontier if i not in ids]
        ids.update(frontier)
    return frozenset(ids)


def lower_governments(government_id: int) -> frozenset[int]:
    """The governments below ``government_id`` (a province's cities and districts, a city's districts)."""
    ids, frontier, found = {government_id}, [government_id], set()
    while frontier:
        rows = list(Organisation.objects.filter(parent_id__in=frontier).values_list("id", "level"))
        frontier = [i for i, _level in rows if i not in ids]
        ids.update(frontier)
        found.update(i for i, level in rows if level)
    return frozenset(found - {government_id})


def resolve_actor(user: Any) -> Actor:
    """An authenticated user's role (from the membership; superusers are 系统管理员), organisation tree and
    government (with the governments below it, for a city's or the province's staff)."""
    membership = (
        Membership.objects.filter(user=user)
        .select_related("organisation__government")
        .only("role", "organisation_id", "organisation__government_id", "organisation__government__level")
        .first()
    )
    if user.is_superuser:
        role = Role.ADMIN
    elif membership is None or not user.is_active:
        role = PUBLIC  # a login without a membership has no more rights than the public
    else:
        role = membership.role
    org_id = membership.organisation_id if membership else None
    government = membership.organisation.government if membership else None
    lower = frozenset()
    if government is not None and government.level != Level.DISTRICT and role in STAFF_WIDE:
        lower = lower_governments(government.pk)  # a district has none: no query for the common case
    return Actor(
        user=user,
        role=role,
        org_id=org_id,
        org_ids=_descendants(org_id) if org_id else frozenset(),
        staff_wide=role in STAFF_WIDE,
        manager=role in MANAGERS,
        government_id=government.pk if government else None,
        lower_government_ids=lower,
        unscoped=role == Role.ADMIN,
    )


def _along(model: Any, path: str, organisations: Any) -> Q:
    """``path__in=organisations`` written as one nested ``IN (subquery)`` per step of the path (Report →
    project → program → issuer), so neither the outer query nor the subqueries join."""
    parts = path.split("__")
    chain = [model]
    for name in parts[:-1]:
        chain.append(chain[-1]._meta.get_field(name).related_model)
    inner = organisations
    for i in range(len(parts) - 1, 0, -1):
        inner = chain[i]._default_manager.filter(**{f"{parts[i]}__in": inner}).order_by().values("pk")
    return Q(**{f"{parts[0]}__in": inner})


def government_filter(
    actor: Actor, path: str, action: str = "change", released: Q | bool | None = None, model: Any = None
) -> Scope:
    """The tenancy filter on ``path`` (the path to an Organisation; "" for organisations themselves): the actor's
    own government; to view, the staff-wide roles also see the lower governments' rows that pass ``released``.
    An actor whose organisation has no government (an install without levels) shares the rows that have none."""
    if actor.unscoped:
        return True

    def of(condition: Q) -> Q:
        # an IN (subquery) on the path's own column: no join to the organisations in the outer query
        if not path:
            return condition
        organisations = Organisation.objects.filter(condition).order_by().values("pk")
        if model is not None:
            return _along(model, path, organisations)
        return Q(**{f"{path}__in": organisations})

    own_q = (
        Q(government_id=actor.government_id)
        if actor.government_id is not None
        else Q(government__isnull=True)
    )
    own = of(own_q)
    if action != "view" or not actor.is_staff_wide or not actor.lower_government_ids or released is False:
        return own
    lower = of(Q(government_id__in=sorted(actor.lower_government_ids)))
    return own | (lower & released if isinstance(released, Q) else lower)


def government_tenancy(actor: Actor, action: str, tenant: Tenant, model: Any = None) -> Scope:
    """The tenancy function core.policy applies to every rule registered with ``tenant=``; with ``addressed=``,
    also the rows addressed to an organisation of the actor's own government, for the declared actions."""
    gate = government_filter(actor, tenant.path, action, tenant.released, model)
    if (
        tenant.addressed is None
        or action not in tenant.addressed_actions
        or actor.government_id is None
        or gate is True
    ):
        return gate
    addressee = Organisation.objects.filter(government_id=actor.government_id).order_by().values("pk")
    addressed = (
        _along(model, tenant.addressed, addressee)
        if model is not None
        else Q(**{f"{tenant.addressed}__in": addressee})
    )
    if tenant.addressed_when is not None:
        addressed &= tenant.addressed_when
    return gate | addressed


set_tenancy(government_tenancy)


def government_organisations(actor: Actor) -> Any:
    """The organisations of the actor's own government (every one for the 系统管理员)."""
    own = government_filter(actor, "")
    return Organisation.objects.all() if own is True else Organisation.objects.filter(own)


def in_own_government(user: Any, organisation_id: int | None) -> bool:
    """Whether ``organisation_id`` belongs to the user's own government (the 系统管理员: every one)."""
    actor = actor_for(user)
    if actor.unscoped:
        return True
    if organisation_id is None:
        return False
    own = getattr(user, "_own_organisation_ids", None)
    if own is None:  # one query per request (an import checks many rows)
        own = frozenset(government_organisations(actor).values_list("pk", flat=True))
        user._own_organisation_ids = own
    return organisation_id in own


def is_unit_staff(actor: Actor) -> bool:
    """A department's or a town's staff (the units that report, answer findings and record disclosures)."""
    return actor.role in (Role.DEPARTMENT, Role.TOWN) and actor.org_id is not None


def may_act_for_unit(user: Any, unit_id: int | None) -> bool:
    """May this user fill in, import or record for ``unit``: 民生办 for any unit of its government, a unit's staff
    for their own."""
    actor = actor_for(user)
    if actor.is_manager:
        return in_own_government(user, unit_id)
    return is_unit_staff(actor) and unit_id is not None and actor.org_id == unit_id


def may_choose_unit(user: Any) -> bool:
    """May the user pick the unit to act for (``?unit=``) instead of acting for their own: 民生办."""
    return actor_for(user).is_manager


def unit_to_act_for(user: Any, code: str | None, *, writing: bool) -> Organisation:
    """The unit a page acts for: the one named by ``code`` (``?unit=``) for who may choose (:func:`may_choose_unit`),
    else the caller's own — any organisation to read, a unit the caller may act for (:func:`may_act_for_unit`) to
    write. PermissionDenied when there is none; Http404 for an unknown code."""
    from django.core.exceptions import PermissionDenied
    from django.shortcuts import get_object_or_404

    if code and may_choose_unit(user):
        return get_object_or_404(government_organisations(actor_for(user)), code=code)
    actor = actor_for(user)
    if actor.org_id and (not writing or may_act_for_unit(user, actor.org_id)):
        return get_object_or_404(Organisation, pk=actor.org_id)
    raise PermissionDenied


@rule(Organisation)
def organisation_rule(actor: Actor, action: str) -> Scope:
    """The directory of names is public (see orgs.selectors); an organisation's page — contacts, members,
    edits — belongs to the district-wide roles and to the organisation itself (and its parents' staff)."""
    if actor.role == PUBLIC:
        return False
    # scoped by government here (not by tenant=): an organisation placed in no government yet stays everyone's
    placed_nowhere = Q(government__isnull=True)
    if action == "view":
        if actor.is_staff_wide:
            own = government_filter(actor, "", "view")
            return True if own is True else own | placed_nowhere
        return Q(pk__in=actor.org_ids)
    if action == "change":
        if actor.is_manager:
            own = government_filter(actor, "")
            return True if own is True else own | placed_nowhere
        if is_unit_staff(actor):
            return Q(pk=actor.org_id)
        return False
    return actor.role == Role.ADMIN  # add / delete


@rule(Membership, tenant="organisation")
def membership_rule(actor: Actor, action: str) -> Scope:
    """Memberships are seen like their organisations; accounts are managed (``add``/``change``) by the
    系统管理员 (every one) and 民生办 (every one but an administrator's); never deleted here."""
    if actor.role == PUBLIC:
        return False
    if action == "view":
        return True if actor.is_staff_wide else Q(organisation_id__in=actor.org_ids)
    if action in ("add", "change") and actor.role == Role.OFFICE:
        return ~Q(role=Role.ADMIN) & Q(user__is_superuser=False)
    return actor.role == Role.ADMIN


# --- user management -----------------------------------------------------------------------------------


def may_manage_users(user: Any) -> bool:
    """May open the user management pages (list, create, import): 系统管理员 and 民生办."""
    return actor_for(user).role in MANAGERS


def assignable_roles(user: Any) -> list[str]:
    """Roles the user may give an account: every role for the administrator; 民生办 all but 系统管理员
    (only an administrator makes administrators)."""
    role = actor_for(user).role
    if role == Role.ADMIN:
        return list(Role.values)
    if role == Role.OFFICE:
        return [r for r in Role.values if r != Role.ADMIN]
    return []


def account_role(account: Any) -> str | None:
    """The role an account acts in (superusers are administrators); None without a membership."""
    if account.is_superuser:
        return Role.ADMIN
    membership = Membership.objects.filter(user=account).only("role").first()
    return membership.role if membership else None


def may_manage_account(user: Any, account: Any) -> bool:
    """May ``user`` change this account: a manager, and an administrator's account only for an administrator."""
    if not may_manage_users(user):
        return False
    membership = Membership.objects.filter(user=account).only("organisation_id").first()
    if membership is not None and not in_own_government(user, membership.organisation_id):
        return False
    role = account_role(account)
    return role is None or role in assignable_roles(user)


def must_change_password(user: Any) -> bool:
    """The account's password was set by the office (new, reset or imported) and not yet changed by its user."""
    return Membership.objects.filter(user=user, must_change_password=True).exists()


def may_deactivate_account(user: Any, account: Any) -> bool:
    """Deactivate or reactivate: as :func:`may_manage_account`, never one's own account."""
    return may_manage_account(user, account) and account.pk != getattr(user, "pk", None)
