"""Who sees the dashboard, whose home page it is, and how far each viewer reaches into the figures.

The dashboard reads the official read models (reporting.rollup, reporting.Summary); this module decides which of
their rows belong to the viewer. District-wide roles (系统管理员, 民生办, 领导) see the district; a department the
projects it leads (their totals, and every unit of them) plus its own rows of projects others lead; a town its
own rows only. A supervisor and the public have no dashboard (the public has the portal).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from core.policy import actor_for
from orgs.models import Role


@dataclass(frozen=True)
class Reach:
    """The part of the district's figures a viewer's dashboard shows."""

    whole: bool  # every project's totals and every unit
    lead_id: int | None  # a department: the projects it leads count whole
    units: frozenset[int]  # the viewer's own organisation tree: its rows of any project

    def project_whole(self, lead_department_id: int | None) -> bool:
        """Whether the totals (and every unit) of a project with this lead department are the viewer's."""
        return self.whole or (self.lead_id is not None and lead_department_id == self.lead_id)

    def unit_row(self, unit_id: int, lead_department_id: int | None) -> bool:
        """Whether the row of ``unit_id`` in a project with this lead department is the viewer's."""
        return self.project_whole(lead_department_id) or unit_id in self.units


NOWHERE = Reach(whole=False, lead_id=None, units=frozenset())


def dashboard_reach(user: Any) -> Reach:
    actor = actor_for(user)
    if actor.is_staff_wide:
        return Reach(whole=True, lead_id=None, units=frozenset())
    if actor.role in (Role.DEPARTMENT, Role.TOWN) and actor.org_id:
        lead = actor.org_id if actor.role == Role.DEPARTMENT else None
        return Reach(whole=False, lead_id=lead, units=actor.org_ids)
    return NOWHERE


def may_see_dashboard(user: Any) -> bool:
    """领导, 民生办, 系统管理员 (the district), departments and towns (their own part)."""
    return dashboard_reach(user) != NOWHERE


def dashboard_is_home(user: Any) -> bool:
    """The dashboard is the home page of those who steer rather than fill in: the 领导 (who has no to-do) — a
    district's its program's dashboard, a city's or the province's that of the governments below."""
    return actor_for(user).role == Role.LEADER


def may_see_fiscal(user: Any) -> bool:
    """The fiscal ratio (财力匹配) is a district figure: shown to the district-wide roles only."""
    return dashboard_reach(user).whole
