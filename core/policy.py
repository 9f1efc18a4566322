"""The one place that decides what a user may see and do.

Every page and every API endpoint asks here: ``restrict(queryset, user, action)`` narrows a queryset to
the rows the user may act on, and ``can(user, action, obj)`` answers for one object (by running the
same restriction, so the two can never disagree). Rules are registered per model with ``@rule``.

Actions: ``view``, ``change``, ``add``, ``delete``, and ``plan`` (set a project's indicators, targets and
funding — 部门主管 for the lead department even after the program is published).
A rule returns ``True`` (all rows), ``False`` (none) or a ``Q`` filter.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.db.models import Q, QuerySet

from orgs.models import Membership, Organisation, Role

Scope = bool | Q
RuleFn = Callable[["Actor", str], Scope]

ACTIONS = ("view", "change", "add", "delete", "plan")
PUBLIC = "public"  # the role of an anonymous visitor


@dataclass(frozen=True)
class Actor:
    """Who is asking: role and organisation resolved once per request."""

    user: Any
    role: str
    org_id: int | None
    org_ids: frozenset[int]  # own organisation and everything below it

    @property
    def is_staff_wide(self) -> bool:
        """Sees everything the district has (admin, 民生办, 领导)."""
        return self.role in (Role.ADMIN, Role.OFFICE, Role.LEADER)

    @property
    def is_manager(self) -> bool:
        """Changes everything the district has (admin, 民生办)."""
        return self.role in (Role.ADMIN, Role.OFFICE)


def _descendants(org_id: int) -> frozenset[int]:
    ids, frontier = {org_id}, [org_id]
    while frontier:
        frontier = list(Organisation.objects.filter(parent_id__in=frontier).values_list("id", flat=True))
        frontier = [i for i in frontier if i not in ids]
        ids.update(frontier)
    return frozenset(ids)


def actor_for(user: Any) -> Actor:
    """Resolve (and cache on the user object) the caller's role and organisation."""
    if user is None or not getattr(user, "is_authenticated", False):
        return Actor(user=None, role=PUBLIC, org_id=None, org_ids=frozenset())
    cached = getattr(user, "_policy_actor", None)
    if cached is not None:
        return cached
    membership = Membership.objects.filter(user=user).only("role", "organisation_id").first()
    if user.is_superuser:
        role = Role.ADMIN
    elif membership is None or not user.is_active:
        role = PUBLIC  # a login without a membership has no more rights than the public
    else:
        role = membership.role
    org_id = membership.organisation_id if membership else None
    actor = Actor(
        user=user, role=role, org_id=org_id, org_ids=_descendants(org_id) if org_id else frozenset()
    )
    user._policy_actor = actor
    return actor


_RULES: dict[type[models.Model], RuleFn] = {}


def rule(model: type[models.Model]) -> Callable[[RuleFn], RuleFn]:
    def register(fn: RuleFn) -> RuleFn:
        _RULES[model] = fn
        return fn

    return register


def scope(model: type[models.Model], user: Any, action: str) -> Scope:
    if action not in ACTIONS:
        raise ValueError(f"unknown action {action!r}")
    try:
        fn = _RULES[model]
    except KeyError as exc:  # a model without a rule is not reachable: fail loudly in development
        raise LookupError(f"no access rule registered for {model.__name__}") from exc
    return fn(actor_for(user), action)


def restrict(queryset: QuerySet, user: Any, action: str = "view") -> QuerySet:
    result = scope(queryset.model, user, action)
    if result is True:
        return queryset
    if result is False:
        return queryset.none()
    return queryset.filter(result)


def can(user: Any, action: str, obj: models.Model) -> bool:
    result = scope(type(obj), user, action)
    if isinstance(result, bool):
        return result
    return type(obj)._default_manager.filter(pk=obj.pk).filter(result).exists()


def can_any(user: Any, action: str, model: type[models.Model]) -> bool:
    """Whether the user may do ``action`` on at least some rows of ``model`` (e.g. to show a menu entry)."""
    return scope(model, user, action) is not False


def can_see_history(user: Any, obj: models.Model) -> bool:
    """Staff (never the public) see the change history of any object they may see."""
    return actor_for(user).role != PUBLIC and can(user, "view", obj)
