"""The one place that decides what a user may see and do.

Every page and every API endpoint asks here: ``restrict(queryset, user, action)`` narrows a queryset to
the rows the user may act on, and ``can(user, action, obj)`` answers for one object (by running the
same restriction, so the two can never disagree). Rules are registered per model with ``@rule``.

Rules live in each app's ``rules.py`` and are registered from its ``AppConfig.ready()``; who the caller is
(role, organisation) is resolved by the resolver the ``orgs`` app registers (``set_actor_resolver``), so
``core`` depends on no domain app. Decisions that are not a model's scope (who takes a report's next step, who
acts for a unit, ...) are named functions in the owning app's ``rules.py``; templates ask through the ``policy``
tag library (``can_any``, ``can``, ``may``).

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
    staff_wide: bool = False  # sees everything the district has (admin, 民生办, 领导)
    manager: bool = False  # changes everything the district has (admin, 民生办)

    @property
    def is_staff_wide(self) -> bool:
        return self.staff_wide

    @property
    def is_manager(self) -> bool:
        return self.manager

    @property
    def is_public(self) -> bool:
        return self.role == PUBLIC


ANONYMOUS = Actor(user=None, role=PUBLIC, org_id=None, org_ids=frozenset())
ActorResolver = Callable[[Any], Actor]
_resolver: list[ActorResolver] = []


def set_actor_resolver(fn: ActorResolver) -> None:
    """Register the function that turns an authenticated user into an Actor (``orgs`` does, at start-up)."""
    _resolver[:] = [fn]


def actor_for(user: Any) -> Actor:
    """Resolve (and cache on the user object) the caller's role and organisation."""
    if user is None or not getattr(user, "is_authenticated", False):
        return ANONYMOUS
    cached = getattr(user, "_policy_actor", None)
    if cached is not None:
        return cached
    if not _resolver:
        raise LookupError("no actor resolver registered (is the orgs app installed?)")
    actor = _resolver[0](user)
    user._policy_actor = actor
    return actor


_RULES: dict[type[models.Model], RuleFn] = {}


def rule(model: type[models.Model]) -> Callable[[RuleFn], RuleFn]:
    """Register ``fn`` as the access rule of ``model`` (one rule per model; a second one is an error)."""

    def register(fn: RuleFn) -> RuleFn:
        known = _RULES.get(model)
        if known is not None and known.__qualname__ != fn.__qualname__:
            raise LookupError(f"{model.__name__} already has the rule {known.__qualname__}")
        _RULES[model] = fn
        return fn

    return register


def registered_models() -> list[type[models.Model]]:
    return list(_RULES)


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
    return not actor_for(user).is_public and can(user, "view", obj)


def can_action(user: Any, spec: str) -> bool:
    """``can_any`` written as ``"app_label.Model:action"`` (for templates and menus)."""
    from django.apps import apps

    label, _, action = spec.partition(":")
    return can_any(user, action or "view", apps.get_model(label))
