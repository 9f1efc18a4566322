"""Access rules, one per model. Read with core/policy.py; tested as a matrix in core/tests/test_scoping.py."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from catalogue.models import ContentItem, Program, ProgramAmendment, Project, ProjectChange, ProjectProposal
from core.models import AuditEvent
from core.policy import PUBLIC, Actor, Scope, actor_for, rule
from disclosure.models import Disclosure, Feedback, Publicity
from funding.models import FiscalYear, FundingAdjustment, FundingLine
from jobs.models import Job
from orgs.models import Membership, Organisation, Role
from reporting.models import Period, Report
from reporting.models import Status as ReportStatus
from responsibility.models import Indicator, Letter, Target
from supervision.models import Finding, Inspection, Supervisor
from upkeep.models import Asset

PUBLISHED = Program.Status.PUBLISHED


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
        if actor.role in (Role.DEPARTMENT, Role.TOWN) and actor.org_id:
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


def _visible(actor: Actor, prefix: str = "", lead: str | None = None) -> Scope:
    """Published programs are public; drafts are seen by the district-wide roles and, for the projects
    it leads, by the department drafting them (``lead`` is the path to the lead department)."""
    if actor.is_staff_wide:
        return True
    published = Q(**{f"{prefix}status": PUBLISHED})
    if actor.role == Role.DEPARTMENT and actor.org_id and lead:
        return published | Q(**{lead: actor.org_id})
    return published


@rule(Program)
def program_rule(actor: Actor, action: str) -> Scope:
    if action == "view":
        if actor.role == Role.DEPARTMENT and actor.org_id:  # a subquery, so no duplicate rows
            led = Project.objects.filter(lead_department_id=actor.org_id).values("program_id")
            return Q(status=PUBLISHED) | Q(pk__in=led)
        return _visible(actor)
    return actor.is_manager


@rule(Project)
def project_rule(actor: Actor, action: str) -> Scope:
    if action == "view":
        return _visible(actor, "program__", lead="lead_department_id")
    if actor.is_manager:
        return True
    if action == "change" and actor.role == Role.DEPARTMENT and actor.org_id:
        # 部门主管: a department edits the projects it leads, while the program is still a draft.
        return Q(lead_department_id=actor.org_id, program__status=Program.Status.DRAFT)
    if action == "plan" and actor.role == Role.DEPARTMENT and actor.org_id:
        # ... and sets their indicators, targets and budgets at any time.
        return Q(lead_department_id=actor.org_id)
    return False


@rule(ContentItem)
def content_item_rule(actor: Actor, action: str) -> Scope:
    if action == "view":
        return _visible(actor, "project__program__", lead="project__lead_department_id")
    if actor.is_manager:
        return True
    if actor.role == Role.DEPARTMENT and actor.org_id:
        return Q(project__lead_department_id=actor.org_id, project__program__status=Program.Status.DRAFT)
    return False


@rule(ProjectChange)
def change_rule(actor: Actor, action: str) -> Scope:
    if action == "view":
        return _visible(actor, "program__")
    return actor.is_manager


@rule(ProgramAmendment)
def amendment_rule(actor: Actor, action: str) -> Scope:
    if action == "view":
        return _visible(actor, "program__")
    return actor.is_manager


@rule(ProjectProposal)
def proposal_rule(actor: Actor, action: str) -> Scope:
    """项目建议 are worked on by 民生办; a department sees and files the ones it would lead."""
    if actor.is_staff_wide and action == "view":
        return True
    if actor.is_manager:
        return True
    if actor.role == Role.DEPARTMENT and actor.org_id and action in ("view", "add"):
        return Q(lead_department_id=actor.org_id)
    return False


@rule(AuditEvent)
def audit_rule(actor: Actor, action: str) -> Scope:
    """The district-wide audit log is read by admin, 民生办 and 领导; it is never changed. An object's own
    history is shown to any staff member who may see the object (``core.policy.can_see_history``)."""
    return action == "view" and actor.is_staff_wide


# --- responsibility and funding ---------------------------------------------------------------------------


def _unit_scoped(actor: Actor, action: str, project_path: str, unit_path: str) -> Scope:
    """Targets and funding lines: the district-wide roles see all; a department sees its projects' lines and its
    own; a town only its own; a supervisor those of published programs. 民生办 and the lead department change them."""
    led = Q(**{f"{project_path}__in": Project.objects.filter(lead_department_id=actor.org_id).values("pk")})
    if action == "view":
        if actor.is_staff_wide:
            return True
        if actor.role == Role.DEPARTMENT and actor.org_id:
            return led | Q(**{f"{unit_path}__in": actor.org_ids})
        if actor.role == Role.TOWN and actor.org_id:
            return Q(**{f"{unit_path}__in": actor.org_ids})
        if actor.role == Role.SUPERVISOR:
            return Q(**{f"{project_path}__program__status": PUBLISHED})
        return False
    if actor.is_manager:
        return True
    if actor.role == Role.DEPARTMENT and actor.org_id:
        return led
    return False


@rule(Indicator)
def indicator_rule(actor: Actor, action: str) -> Scope:
    """Indicators (what is measured, the project total) are as public as the project; changed by 民生办 and the
    lead department."""
    if action == "view":
        return _visible(actor, "project__program__", lead="project__lead_department_id")
    if actor.is_manager:
        return True
    if actor.role == Role.DEPARTMENT and actor.org_id:
        return Q(project__lead_department_id=actor.org_id)
    return False


@rule(Target)
def target_rule(actor: Actor, action: str) -> Scope:
    return _unit_scoped(actor, action, "indicator__project", "unit_id")


@rule(FundingLine)
def funding_line_rule(actor: Actor, action: str) -> Scope:
    return _unit_scoped(actor, action, "project", "unit_id")


@rule(FundingAdjustment)
def funding_adjustment_rule(actor: Actor, action: str) -> Scope:
    return _unit_scoped(actor, action, "line__project", "line__unit_id")


@rule(FiscalYear)
def fiscal_year_rule(actor: Actor, action: str) -> Scope:
    return actor.is_staff_wide if action == "view" else actor.is_manager


@rule(Letter)
def letter_rule(actor: Actor, action: str) -> Scope:
    """A unit sees its own letters and registers the signature of an issued one; 民生办 drafts and issues."""
    if actor.role == PUBLIC:
        return False
    if action == "view":
        return True if actor.is_staff_wide else Q(organisation_id__in=actor.org_ids)
    if actor.is_manager:
        return True
    if action == "change" and actor.role in (Role.DEPARTMENT, Role.TOWN) and actor.org_id:
        return Q(organisation_id=actor.org_id, status=Letter.Status.ISSUED)
    return False


# --- reporting --------------------------------------------------------------------------------------------


@rule(Report)
def report_rule(actor: Actor, action: str) -> Scope:
    """A unit sees and fills its own reports; the lead department sees its projects' reports; 民生办 and 领导
    see all; a supervisor sees confirmed reports. Editing: the reporting unit (and 民生办) while not locked."""
    if action == "view":
        if actor.is_staff_wide:
            return True
        if actor.role == Role.DEPARTMENT and actor.org_id:
            return Q(unit_id__in=actor.org_ids) | Q(
                project__in=Project.objects.filter(lead_department_id=actor.org_id).values("pk")
            )
        if actor.role == Role.TOWN and actor.org_id:
            return Q(unit_id__in=actor.org_ids)
        if actor.role == Role.SUPERVISOR:
            return Q(status=ReportStatus.CONFIRMED)
        return False
    if actor.is_manager:
        return ~Q(status=ReportStatus.CONFIRMED)
    if action in ("change", "add") and actor.role in (Role.DEPARTMENT, Role.TOWN) and actor.org_id:
        return Q(unit_id=actor.org_id, status__in=(ReportStatus.DRAFT, ReportStatus.RETURNED))
    return False


@rule(Period)
def period_rule(actor: Actor, action: str) -> Scope:
    if action == "view":
        return actor.role != PUBLIC
    return actor.is_manager


def may_review_report(user: Any, report: Report) -> bool:
    """部门审核: the project's lead department (or 民生办 standing in)."""
    actor = actor_for(user)
    return actor.is_manager or (
        actor.role == Role.DEPARTMENT and actor.org_id == report.project.lead_department_id
    )


def may_confirm_report(user: Any, report: Report) -> bool:
    """民生办确认 and unlocking."""
    return actor_for(user).is_manager


# --- supervision ------------------------------------------------------------------------------------------


@rule(Supervisor)
def supervisor_rule(actor: Actor, action: str) -> Scope:
    if action == "view":
        if actor.is_staff_wide:
            return True
        return Q(user_id=actor.user.pk) if actor.role == Role.SUPERVISOR else False
    return actor.is_manager


@rule(Inspection)
def inspection_rule(actor: Actor, action: str) -> Scope:
    """District-wide roles see all; a supervisor his own; a unit those of its own; a department those on its projects."""
    if action != "view":
        return actor.is_manager
    if actor.is_staff_wide:
        return True
    if actor.role == Role.SUPERVISOR:
        return Q(supervisor__user_id=actor.user.pk)
    if actor.role == Role.TOWN and actor.org_id:
        return Q(unit_id__in=actor.org_ids)
    if actor.role == Role.DEPARTMENT and actor.org_id:
        led = Project.objects.filter(lead_department_id=actor.org_id).values("pk")
        return Q(unit_id__in=actor.org_ids) | Q(
            pk__in=Inspection.projects.through.objects.filter(project__in=led).values("inspection_id")
        )
    return False


@rule(Finding)
def finding_rule(actor: Actor, action: str) -> Scope:
    if action != "view":
        return actor.is_manager
    if actor.is_staff_wide:
        return True
    if actor.role == Role.SUPERVISOR:
        return Q(inspection__supervisor__user_id=actor.user.pk)
    if actor.role in (Role.TOWN, Role.DEPARTMENT) and actor.org_id:
        own = Q(responsible_id__in=actor.org_ids)
        if actor.role == Role.DEPARTMENT:
            own |= Q(project__in=Project.objects.filter(lead_department_id=actor.org_id).values("pk"))
        return own
    return False


def may_answer_finding(user: Any, finding: Finding) -> bool:
    """整改反馈: the responsible unit's staff (or 民生办 on its behalf)."""
    actor = actor_for(user)
    return actor.is_manager or (
        actor.role in (Role.TOWN, Role.DEPARTMENT) and actor.org_id == finding.responsible_id
    )


def may_verify_finding(user: Any, finding: Finding) -> bool:
    """核实销号: 民生办, or the supervisor who reported the finding."""
    actor = actor_for(user)
    if actor.is_manager:
        return True
    return (
        actor.role == Role.SUPERVISOR
        and finding.inspection_id is not None
        and (finding.inspection.supervisor.user_id == actor.user.pk)
    )


# --- upkeep, publicity and disclosure ---------------------------------------------------------------------


@rule(Asset)
def asset_rule(actor: Actor, action: str) -> Scope:
    """District-wide roles and supervisors see all assets; a unit those it looks after; a department those its
    projects built. Changes: 民生办, the lead department, and the custodian (for checks)."""
    if actor.role == PUBLIC:
        return False
    led = Q(project__in=Project.objects.filter(lead_department_id=actor.org_id).values("pk"))
    if action == "view":
        if actor.is_staff_wide or actor.role == Role.SUPERVISOR:
            return True
        if actor.role == Role.DEPARTMENT:
            return led | Q(custodian_id__in=actor.org_ids)
        return Q(custodian_id__in=actor.org_ids) if actor.org_id else False
    if actor.is_manager:
        return True
    if actor.role == Role.DEPARTMENT:
        return led | Q(custodian_id=actor.org_id)
    if actor.role == Role.TOWN and action == "change":
        return Q(custodian_id=actor.org_id)
    return False


@rule(Publicity)
def publicity_rule(actor: Actor, action: str) -> Scope:
    if action == "view":
        return True  # publicity is public by nature
    return actor.is_manager


@rule(Disclosure)
def disclosure_rule(actor: Actor, action: str) -> Scope:
    """A disclosure is public once it has started; staff see all of their scope including late ones."""
    if action == "view":
        if actor.is_staff_wide or actor.role == Role.SUPERVISOR:
            return True
        if actor.role in (Role.DEPARTMENT, Role.TOWN) and actor.org_id:
            return Q(unit_id__in=actor.org_ids) | Q(start__isnull=False, program__status=PUBLISHED)
        return Q(start__isnull=False, program__status=PUBLISHED)
    return actor.is_manager


@rule(Feedback)
def feedback_rule(actor: Actor, action: str) -> Scope:
    return actor.is_staff_wide if action == "view" else actor.is_manager


@rule(Job)
def job_rule(actor: Actor, action: str) -> Scope:
    """A background job is seen by whoever started it and by 民生办; nobody edits one (the runner does)."""
    if action != "view" or actor.user is None:
        return False
    return True if actor.is_manager else Q(created_by=actor.user)
