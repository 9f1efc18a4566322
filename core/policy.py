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

**Tenancy** (one deployment for a province, its cities and districts): every organisation belongs to a
government (``orgs.Organisation.government``, precomputed), and the Actor carries its own government and the
governments below it. A rule registered with ``tenant=`` (the path from the model to the organisation whose
government owns the row, e.g. ``"project__program__issuer"``) and ``released=`` (what a lower government's row must
be for the governments above to see it, e.g. published and confirmed) is narrowed here, after the rule itself, by the
tenancy function ``orgs`` registers (``set_tenancy``): changes only in the actor's own government; views in the
own government, plus released rows of lower governments for the staff-wide roles, plus whatever the rule grants the
public. So a new app's rule is government-scoped by declaring ``tenant=`` — the rule's body stays about roles.

**Addressed rows** (a city's 目标责任状 to its districts): a rule may also declare ``addressed=`` (the path to the
organisation a row is addressed to, in another government than the owner's), ``addressed_when=`` (what the row must
be for its addressee to see it, e.g. issued) and ``addressed_actions=`` (what the addressee's staff may do on it —
only what the rule's body grants their role). The tenancy then also lets the addressee's government act on those
rows, and nothing else of the owner's; ``own_government`` keeps meaning the owner's rows alone.
"""

from __future__ import annotations

import dataclasses
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
    government_id: int | None = None  # the government the actor's organisation belongs to (None: none set)
    lower_government_ids: frozenset[int] = frozenset()  # the governments below it (a city's districts, ...)
    unscoped: bool = False  # not narrowed by government (the 系统管理员)

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


@dataclass(frozen=True)
class Tenant:
    """How a model's rows belong to a government: ``path`` to the owning organisation ("" for an organisation
    itself); ``released``: the filter a lower government's row must pass to be seen from above (None: all of them,
    False: none — internal to its government)."""

    path: str
    released: Q | bool | None = None
    addressed: str | None = None  # path to the organisation a row is addressed to (another government's)
    addressed_when: Q | None = None  # what the row must be for its addressee to see it
    addressed_actions: tuple[str, ...] = ("view",)  # what the addressee may do (as far as the rule grants)


TenancyFn = Callable[[Actor, str, Tenant, Any], Scope]
_TENANTS: dict[type[models.Model], Tenant | None] = {}
_tenancy: list[TenancyFn] = []


def set_tenancy(fn: TenancyFn) -> None:
    """Register the function that narrows a rule to the actor's government (``orgs`` does, at start-up)."""
    _tenancy[:] = [fn]


def rule(
    model: type[models.Model],
    *,
    tenant: str | None = None,
    released: Q | bool | None = None,
    addressed: str | None = None,
    addressed_when: Q | None = None,
    addressed_actions: tuple[str, ...] = ("view",),
) -> Callable[[RuleFn], RuleFn]:
    """Register ``fn`` as the access rule of ``model`` (one rule per model; a second one is an error).

    ``tenant``: the path to the organisation whose government owns a row (see the module docstring); without it
    the rule scopes governments itself (or the model is not a government's, e.g. the scheduler's). ``addressed``,
    ``addressed_when``, ``addressed_actions``: rows addressed to another government's organisation (see the
    module docstring)."""
    if addressed is not None and tenant is None:
        raise ValueError("addressed= needs tenant=")
    unknown = set(addressed_actions) - set(ACTIONS)
    if unknown:
        raise ValueError(f"unknown addressed actions {sorted(unknown)}")

    def register(fn: RuleFn) -> RuleFn:
        known = _RULES.get(model)
        if known is not None and known.__qualname__ != fn.__qualname__:
            raise LookupError(f"{model.__name__} already has the rule {known.__qualname__}")
        _RULES[model] = fn
        _TENANTS[model] = (
            Tenant(tenant, released, addressed, addressed_when, tuple(addressed_actions))
            if tenant is not None
            else None
        )
        return fn

    return register


def tenant_of(model: type[models.Model]) -> Tenant | None:
    return _TENANTS.get(model)


def scope_and(a: Scope, b: Scope) -> Scope:
    if a is False or b is False:
        return False
    if a is True:
        return b
    if b is True:
        return a
    return a & b


def scope_or(a: Scope, b: Scope) -> Scope:
    if a is True or b is True:
        return True
    if a is False:
        return b
    if b is False:
        return a
    return a | b


def tenancy(actor: Actor, action: str, tenant: Tenant, model: type[models.Model] | None = None) -> Scope:
    """The government filter alone (``True`` when there is nothing to narrow); with ``model``, written as nested
    ``IN (subquery)`` steps along the path (no join in the outer query)."""
    if actor.unscoped or actor.is_public or not _tenancy:
        return True
    return _tenancy[0](actor, action, tenant, model)


def own_government(user: Any, model: type[models.Model]) -> Scope:
    """The rows of ``model`` that belong to the user's own government (what it may change, whatever the role)."""
    tenant = _TENANTS.get(model)
    if tenant is None:
        return True
    return tenancy(actor_for(user), "change", dataclasses.replace(tenant, addressed=None), model)


def government_scope(user: Any, model: type[models.Model]) -> Scope:
    """The rows of ``model`` of the user's own government and, for the staff-wide roles of a city or the
    province, the released rows of the governments below — the tenancy gate alone, without what the public sees
    (e.g. the years a dashboard switches between: its own government's, not every published one)."""
    tenant = _TENANTS.get(model)
    if tenant is None:
        return True
    return tenancy(actor_for(user), "view", dataclasses.replace(tenant, addressed=None), model)


def registered_models() -> list[type[models.Model]]:
    return list(_RULES)


def in_own_government(user: Any, obj: models.Model) -> bool:
    """Whether ``obj`` belongs to the user's own government (for named decisions such as confirming a report)."""
    q = own_government(user, type(obj))
    if isinstance(q, bool):
        return q
    return type(obj)._default_manager.filter(pk=obj.pk).filter(q).exists()


def role_scope(model: type[models.Model], user: Any, action: str) -> Scope:
    """The rule alone, before the government filter: whether the role sees every row of whatever it may open
    (``True``), e.g. all targets of a program it may view."""
    return _RULES[model](actor_for(user), action)


def scope(model: type[models.Model], user: Any, action: str) -> Scope:
    if action not in ACTIONS:
        raise ValueError(f"unknown action {action!r}")
    try:
        fn = _RULES[model]
    except KeyError as exc:  # a model without a rule is not reachable: fail loudly in development
        raise LookupError(f"no access rule registered for {model.__name__}") from exc
    actor = actor_for(user)
    result = fn(actor, action)
    tenant = _TENANTS.get(model)
    if tenant is None or result is False:
        return result
    gate = tenancy(actor, action, tenant, model)
    if action == "view" and gate is not True:
        gate = scope_or(
            gate, fn(ANONYMOUS, "view")
        )  # what the public sees stays visible to every signed-in user
    return scope_and(result, gate)


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
