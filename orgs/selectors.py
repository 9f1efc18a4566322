from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from core.policy import actor_for, restrict
from orgs.models import ROLE_KINDS, Membership, Organisation, Role


@dataclass
class Node:
    org: Organisation
    can_open: bool
    children: list[Node] = field(default_factory=list)


def organisation_tree(*, user: Any) -> list[Node]:
    """The whole directory of names (public knowledge), each marked whether the user may open its page.

    Two queries, whatever the size of the tree."""
    orgs = list(Organisation.objects.filter(is_active=True).order_by("order", "name"))
    openable = set(restrict(Organisation.objects.all(), user, "view").values_list("id", flat=True))
    nodes = {o.id: Node(org=o, can_open=o.id in openable) for o in orgs}
    roots: list[Node] = []
    for o in orgs:
        parent = nodes.get(o.parent_id) if o.parent_id else None
        (parent.children if parent else roots).append(nodes[o.id])
    return roots


def organisation_get(*, user: Any, pk: int, action: str = "view") -> Organisation:
    qs = restrict(Organisation.objects.all(), user, action).select_related("parent")
    return get_object_or_404(qs, pk=pk)


def organisation_members(*, user: Any, organisation: Organisation) -> QuerySet[Membership]:
    return (
        restrict(Membership.objects.all(), user, "view")
        .filter(organisation=organisation)
        .select_related("user")
    )


def organisation_projects(*, user: Any, organisation: Organisation) -> dict[str, Any]:
    from catalogue.models import Project

    visible = (
        restrict(Project.objects.all(), user, "view")
        .select_related("program")
        .order_by("-program__year", "order")
    )
    return {
        "led": list(visible.filter(lead_department=organisation)),
        "implemented": list(visible.filter(implementing_units=organisation)),
    }


def own_organisation(*, user: Any) -> Organisation | None:
    actor = actor_for(user)
    return Organisation.objects.filter(pk=actor.org_id).first() if actor.org_id else None


# --- user management -----------------------------------------------------------------------------------


def organisations_for_kinds(kinds: tuple[str, ...] | list[str], *, keep: Any = ()) -> QuerySet[Organisation]:
    """Active, real (not 示例) organisations of the given kinds, in the directory's order — the choices of
    every organisation dropdown (a lead department only among departments, a town only among towns, ...).
    ``keep``: ids (or organisations) already chosen on the object being edited stay choosable."""
    fits = Q(kind__in=list(kinds), is_active=True, is_sample=False)
    kept = [getattr(k, "pk", k) for k in keep if k is not None]
    if kept:
        fits |= Q(pk__in=kept)
    return Organisation.objects.filter(fits).order_by("kind", "order", "name")


def organisations_for_roles(roles: list[str]) -> QuerySet[Organisation]:
    """Organisations that fit at least one of ``roles`` (see ``orgs.models.ROLE_KINDS``)."""
    kinds = sorted({k for r in roles for k in ROLE_KINDS.get(r, ())})
    return organisations_for_kinds(kinds)


def supervisor_accounts() -> QuerySet[Any]:
    """Active accounts with the 特邀监督员 role (the supervisor roster's account choices)."""
    return (
        get_user_model()
        .objects.filter(membership__role=Role.SUPERVISOR, is_active=True)
        .order_by("first_name", "username")
    )


def users_list(
    *,
    user: Any,
    q: str = "",
    organisation: Organisation | None = None,
    role: str = "",
    active: bool | None = None,
) -> QuerySet[Any]:
    """Every account with its membership, for those who manage users (none for anyone else)."""
    from orgs.rules import may_manage_users

    User = get_user_model()
    from orgs.rules import government_filter

    if not may_manage_users(user):
        return User.objects.none()
    own = government_filter(actor_for(user), "membership__organisation")
    if own is not True:  # the accounts of the own government, and those not placed anywhere yet
        own = own | Q(membership__isnull=True, is_superuser=False)
    qs = User.objects.filter(own) if own is not True else User.objects.all()
    qs = qs.select_related("membership__organisation").order_by(
        "membership__organisation__kind", "membership__organisation__order", "username"
    )
    if q:
        qs = qs.filter(
            Q(username__icontains=q)
            | Q(first_name__icontains=q)
            | Q(last_name__icontains=q)
            | Q(membership__phone__icontains=q)
            | Q(membership__title__icontains=q)
        )
    if organisation is not None:
        qs = qs.filter(membership__organisation=organisation)
    if role == "none":
        qs = qs.filter(membership__isnull=True, is_superuser=False)
    elif role == Role.ADMIN:
        qs = qs.filter(Q(membership__role=Role.ADMIN) | Q(is_superuser=True))
    elif role:
        qs = qs.filter(membership__role=role, is_superuser=False)
    if active is not None:
        qs = qs.filter(is_active=active)
    return qs


def user_get(*, user: Any, pk: int) -> Any:
    """One account for the user management pages (404 for those who do not manage users)."""
    return get_object_or_404(users_list(user=user), pk=pk)


def membership_of(account: Any) -> Membership | None:
    return Membership.objects.filter(user=account).select_related("organisation").first()
