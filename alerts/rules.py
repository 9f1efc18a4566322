"""Access rules of alerts. Registered with core.policy from AlertsConfig.ready().

An alert belongs to a unit (and, where it concerns a project, to the project's lead department): the district-wide
roles see every alert, a unit those of its own organisation tree, a lead department also those of the projects it
leads (it answers for them in the 目标责任状). The rules are data seen by the district-wide roles and changed by
民生办; a digest is its reader's own."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import Q

from alerts.models import AlertRule, Digest
from catalogue.rules import program_in_own_government, program_tenant
from core.policy import PUBLIC, Actor, Scope, actor_for, rule


@rule(AlertRule, **program_tenant("program"))
def alert_rule_rule(actor: Actor, action: str) -> Scope:
    if actor.role == PUBLIC:
        return False
    if action == "view":
        return actor.is_staff_wide
    return actor.is_manager  # add / change / delete: 系统管理员, 民生办


@rule(Digest)
def digest_rule(actor: Actor, action: str) -> Scope:
    if actor.role == PUBLIC or actor.user is None:
        return False
    return Q(user_id=actor.user.pk) if action == "view" else False


def may_see_alerts(user: Any) -> bool:
    """Every signed-in role with a membership has an alerts page (it may be empty)."""
    return not actor_for(user).is_public


def alerts_in_todo(user: Any) -> bool:
    """Alerts are work for who puts them right: the units (departments, towns) and 民生办 — the leader reads them
    on the dashboard, the supervisor on the alerts page; neither gets them as to-do."""
    from orgs.rules import is_unit_staff

    actor = actor_for(user)
    return is_unit_staff(actor) or actor.is_manager


def may_manage_rules(user: Any, program: Any = None) -> bool:
    """民生办 maintains the rules of its own government's programs; the defaults of every program (``program``
    None) are the deployment's, changed by the 系统管理员 — or by the office of an install without government
    levels. Without ``program``: whether the user maintains rules at all (the menu, the buttons)."""
    actor = actor_for(user)
    if not actor.is_manager:
        return False
    if program is None:
        return True
    if program is ALL_PROGRAMS:
        return actor.unscoped or actor.government_id is None
    return program_in_own_government(user, program.pk)


ALL_PROGRAMS = object()  # may_manage_rules(user, ALL_PROGRAMS): the deployment's defaults


def alerts_of_own_government(user: Any, program: Any) -> bool:
    """Alerts are a government's working signals: computed only on a program of the viewer's own government."""
    return program is not None and program_in_own_government(user, program.pk)


def alert_visible(user: Any) -> Callable[[Any], bool]:
    """The test an alert (``unit_id``, ``leads``) passes to be shown to ``user``."""
    actor = actor_for(user)
    if actor.is_public:
        return lambda alert: False
    if actor.is_staff_wide:
        return lambda alert: True
    own = actor.org_ids
    return lambda alert: alert.unit_id in own or not own.isdisjoint(alert.leads)
