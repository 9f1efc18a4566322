from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from core.policy import actor_for, restrict
from orgs.models import Membership, Organisation


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
