"""Access rules of reports and periods, the reporting workflow's decisions, and the scope of the read models.

Registered with core.policy from ReportingConfig.ready(); tested as a matrix in core/tests/test_scoping.py and
reporting/tests/test_gate.py.

Read models (进度表, ranking, exports, overdue lists, on-time rates): confirmed figures are the official ones and
every staff role that may open the periods sees them; figures still waiting for confirmation (已提交, 部门审核通过)
are counted only for the reports the user may view by ``report_rule`` — a town its own, a department its own and
those of the projects it leads, 民生办 and 领导 all, a supervisor none. ``figures_scope`` is that rule.
"""

from __future__ import annotations

from typing import Any

from django.db.models import F, Q

from catalogue.rules import led_projects, program_in_own_government, program_tenant
from core.policy import (
    PUBLIC,
    Actor,
    Scope,
    actor_for,
    can,
    own_government,
    rule,
    scope,
    scope_and,
)
from orgs.models import Role
from orgs.rules import is_unit_staff
from reporting.models import Period, Report, Status

EDITABLE = (Status.DRAFT, Status.RETURNED)


@rule(Report, **program_tenant("project__program", Q(status=Status.CONFIRMED)))
def report_rule(actor: Actor, action: str) -> Scope:
    """A unit sees and fills its own reports; the lead department sees its projects' reports; 民生办 and 领导
    see all; a supervisor sees confirmed reports. Editing: the reporting unit (and 民生办) while not locked."""
    if action == "view":
        if actor.is_staff_wide:
            return True
        if actor.role == Role.DEPARTMENT and actor.org_id:
            return Q(unit_id__in=actor.org_ids) | Q(project__in=led_projects(actor))
        if actor.role == Role.TOWN and actor.org_id:
            return Q(unit_id__in=actor.org_ids)
        if actor.role == Role.SUPERVISOR:
            return Q(status=Status.CONFIRMED)
        return False
    if actor.is_manager:
        return ~Q(status=Status.CONFIRMED)
    if action in ("change", "add") and is_unit_staff(actor):
        return Q(unit_id=actor.org_id, status__in=EDITABLE)
    return False


@rule(Period, **program_tenant("program"))
def period_rule(actor: Actor, action: str) -> Scope:
    if action == "view":
        return actor.role != PUBLIC
    return actor.is_manager


# --- who reports: the one definition, in the three forms the code needs ---------------------------------------
# A project is reported on by its implementing units; a project without them by its lead department. The forms
# below say exactly that (tested to agree in reporting/tests/test_who_reports.py): per project (Python), per unit
# (a Project filter) and as SQL pairs for the one-query read models (reporting.rollup).


def reporting_units(project: Any) -> list[Any]:
    """The units that report on ``project`` (prefetch ``implementing_units`` when walking many projects)."""
    units = list(project.implementing_units.all())
    if not units and project.lead_department_id:
        units = [project.lead_department]
    return units


def reported_by(unit: Any) -> Q:
    """A filter on Project: the projects ``unit`` (an Organisation or its id) reports on; combine with
    ``.distinct()``."""
    return Q(implementing_units=unit) | Q(lead_department=unit, implementing_units__isnull=True)


#: (project_id, unit_id) pairs that owe a report, over a CTE ``prj(id, lead)`` of the projects in question.
REPORTING_PAIRS_SQL = """
  SELECT iu.project_id, iu.organisation_id AS unit_id FROM catalogue_project_implementing_units iu
  JOIN prj ON prj.id = iu.project_id
  UNION ALL
  SELECT prj.id, prj.lead FROM prj WHERE prj.lead IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM catalogue_project_implementing_units iu WHERE iu.project_id = prj.id)"""


# --- the workflow: one place decides the next step and who may take it --------------------------------------

SUBMIT, REVIEW, CONFIRM, UNLOCK = "submit", "review", "confirm", "unlock"
ACTIONS_OF = {
    SUBMIT: ("submit",),
    REVIEW: ("approve", "return"),
    CONFIRM: ("approve", "return"),
    UNLOCK: ("unlock",),
}


def self_reported(report: Report) -> bool:
    """The lead department reports on its own project (no implementing units): nobody else can review it."""
    return report.unit_id == report.project.lead_department_id


def report_next_step(report: Report) -> str | None:
    """草稿/退回 → submit; 已提交 → 部门审核 (review), or 民生办确认 (confirm) when the lead department reported
    itself (a unit never approves its own report); 部门审核通过 → confirm; 已确认 → unlock."""
    if report.status in EDITABLE:
        return SUBMIT
    if report.status == Status.SUBMITTED:
        return CONFIRM if self_reported(report) else REVIEW
    if report.status == Status.DEPT_APPROVED:
        return CONFIRM
    if report.status == Status.CONFIRMED:
        return UNLOCK
    return None


def may_take_step(user: Any, report: Report, step: str | None) -> bool:
    """Who takes each step: the reporting unit (or 民生办) submits; the lead department (or 民生办 standing in)
    reviews; 民生办 confirms and unlocks. Nobody reviews or confirms a report of their own unit."""
    actor = actor_for(user)
    if step == SUBMIT:
        return can(user, "change", report)
    own_unit = actor.org_id is not None and actor.org_id == report.unit_id and actor.role != Role.ADMIN
    if step == REVIEW:
        lead = actor.role == Role.DEPARTMENT and actor.org_id == report.project.lead_department_id
        if own_unit:
            return False
        return lead or (actor.is_manager and program_in_own_government(user, report.project.program_id))
    if step in (CONFIRM, UNLOCK):
        return (
            actor.is_manager
            and not (step == CONFIRM and own_unit)
            and program_in_own_government(user, report.project.program_id)
        )
    return False


def report_actions(user: Any, report: Report) -> tuple[str, ...]:
    """The workflow actions this user may take on ``report`` now (``submit``, ``approve``, ``return``,
    ``unlock``): what the page shows as buttons and what the page and the API accept."""
    step = report_next_step(report)
    return ACTIONS_OF[step] if step and may_take_step(user, report, step) else ()


def may_review_report(user: Any, report: Report) -> bool:
    """部门审核 of this report, now."""
    return report_next_step(report) == REVIEW and may_take_step(user, report, REVIEW)


def may_confirm_report(user: Any, report: Report) -> bool:
    """民生办确认 of this report, now."""
    return report_next_step(report) == CONFIRM and may_take_step(user, report, CONFIRM)


def may_unlock_report(user: Any, report: Report) -> bool:
    return report_next_step(report) == UNLOCK and may_take_step(user, report, UNLOCK)


def awaiting_by_step(user: Any) -> dict[str, Q]:
    """The reports waiting for this user's decision, by step (``REVIEW``, ``CONFIRM``): the queryset form of
    ``report_next_step`` + ``may_take_step``. 民生办 confirms (approved by the department, or submitted by a lead
    department on its own project); a department reviews the submitted reports on the projects it leads (never
    its own). Only the steps this user takes are keys."""
    actor = actor_for(user)
    own = Q(unit=F("project__lead_department"))
    if actor.is_manager:
        waiting = Q(status=Status.DEPT_APPROVED) | (Q(status=Status.SUBMITTED) & own)
        return {CONFIRM: scope_and(waiting, own_government(user, Report))}
    if actor.role == Role.DEPARTMENT and actor.org_id:
        return {
            REVIEW: Q(status=Status.SUBMITTED, project__lead_department_id=actor.org_id)
            & ~own
            & ~Q(unit_id=actor.org_id)
        }
    return {}


def awaiting_decision(user: Any) -> Scope:
    """The reports waiting for this user's decision (the review queue): all steps of ``awaiting_by_step``."""
    steps = list(awaiting_by_step(user).values())
    if not steps:
        return False
    combined = steps[0]
    for q in steps[1:]:
        combined |= q
    return combined


def may_see_queue(user: Any) -> bool:
    return awaiting_decision(user) is not False


# --- read models ----------------------------------------------------------------------------------------------


def figures_scope(user: Any) -> Scope:
    """The reports whose figures a read model may count for this user: confirmed ones (official), plus the
    pending ones the user may view (see the module docstring). ``True``: no restriction."""
    visible = scope(Report, user, "view")
    if visible is True:
        return True
    confirmed = Q(status=Status.CONFIRMED)
    return confirmed if visible is False else confirmed | visible


def may_see_ranking(user: Any, period: Period) -> bool:
    """The ranking (confirmed figures and submission times only) is the district's official comparison: every
    staff role that may open the period sees it."""
    return can(user, "view", period)


def may_see_pending(user: Any) -> bool:
    """Whether asking for pending figures (``?pending=1``) can show the user anything beyond the official ones."""
    return scope(Report, user, "view") is not False and not actor_for(user).is_public


def report_pair_visible(user: Any) -> Any:
    """For lists of (project, unit) pairs that may have no report yet (overdue lists): a predicate
    ``(lead_department_id, unit_id) -> bool`` that answers as ``report_rule`` would for their report."""
    actor = actor_for(user)
    if actor.is_staff_wide:
        return lambda lead_id, unit_id: True
    if actor.role == Role.DEPARTMENT and actor.org_id:
        return lambda lead_id, unit_id: unit_id in actor.org_ids or lead_id == actor.org_id
    if actor.role == Role.TOWN and actor.org_id:
        return lambda lead_id, unit_id: unit_id in actor.org_ids
    return lambda lead_id, unit_id: False  # a supervisor sees confirmed reports only: none is overdue


def may_see_rollup(user: Any) -> bool:
    """The roll-up up the government tree (the city's table of its districts, the province's of its cities):
    the staff-wide roles of a government with governments below it, and the 系统管理员."""
    actor = actor_for(user)
    return actor.unscoped or (actor.is_staff_wide and bool(actor.lower_government_ids))


def may_see_rollup_in_top_menu(user: Any) -> bool:
    """The roll-up is the main page of a city's or the province's staff: a top menu entry for them; the
    系统管理员 finds it under 更多."""
    actor = actor_for(user)
    return actor.is_staff_wide and bool(actor.lower_government_ids) and not actor.unscoped
