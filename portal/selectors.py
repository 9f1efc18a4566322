"""What the public portal may show: published, non-sample programs; confirmed figures; started disclosures;
attachments marked public of confirmed reports; counts (never names) for supervision. No personal data.

Rows are read through core.policy as the public sees them (``restrict(qs, PUBLIC_USER)``: the rules' anonymous
case), narrowed further to non-sample programs; the supervision summary is an aggregate count, never rows."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404

from catalogue.models import Program, Project
from core.policy import restrict
from disclosure.models import Disclosure, Publicity
from reporting.models import Attachment, Period, Status
from reporting.rollup import ProgressRow, progress_table
from supervision.models import Finding

PUBLIC_USER = None  # core.policy resolves it to the anonymous visitor


def programs() -> QuerySet[Program]:
    return (
        restrict(Program.objects.filter(status=Program.Status.PUBLISHED, is_sample=False), PUBLIC_USER)
        .annotate(project_count=Count("projects"))
        .order_by("-year")
    )


def program_get(pk: int) -> Program:
    return get_object_or_404(programs(), pk=pk)


def project_get(pk: int) -> Project:
    qs = restrict(
        Project.objects.filter(program__status=Program.Status.PUBLISHED, program__is_sample=False),
        PUBLIC_USER,
    )
    return get_object_or_404(
        qs.select_related("program", "lead_department").prefetch_related("content_items", "indicators"), pk=pk
    )


def program_projects(program: Program) -> list[Project]:
    """The projects of a published program, in the notice's order, with their lead departments."""
    return list(program.projects.select_related("lead_department").order_by("order"))


def latest_period(program: Program) -> Period | None:
    """The latest period with any confirmed report: the public sees official figures only."""
    return Period.objects.filter(program=program, reports__status=Status.CONFIRMED).order_by("-month").first()


def official_rows(program: Program, projects: Any = None) -> tuple[Period | None, dict[int, ProgressRow]]:
    period = latest_period(program)
    if period is None:
        return None, {}
    rows = progress_table(
        user=None, program=program, month=period.month, include_pending=False, projects=projects
    )
    return period, {r.project.id: r for r in rows}


def official_row(project: Project) -> tuple[Period | None, ProgressRow | None]:
    """One project's official figures (confirmed reports) at the latest period that has any."""
    period, rows = official_rows(project.program, projects=project.program.projects.filter(pk=project.pk))
    return period, rows.get(project.id)


@dataclass
class SupervisionSummary:
    findings: int
    closed: int

    @property
    def closed_rate(self) -> float | None:
        return self.closed / self.findings if self.findings else None


def supervision_summary(program: Program, project: Project | None = None) -> SupervisionSummary:
    qs = Finding.objects.filter(Q(inspection__program=program) | Q(project__program=program))
    if project is not None:
        qs = qs.filter(project=project)
    agg = qs.aggregate(total=Count("id"), closed=Count("id", filter=Q(status=Finding.Status.CLOSED)))
    return SupervisionSummary(agg["total"], agg["closed"])


def disclosures(program: Program, project: Project | None = None) -> QuerySet[Disclosure]:
    qs = restrict(
        Disclosure.objects.filter(program=program, start__isnull=False), PUBLIC_USER
    ).select_related("unit", "project")
    return qs.filter(project=project) if project is not None else qs


def publicity(program: Program) -> QuerySet[Publicity]:
    return restrict(Publicity.objects.filter(program=program), PUBLIC_USER).select_related("unit")


def public_attachments(project: Project) -> QuerySet[Attachment]:
    """Names of the attachments marked public of confirmed reports (confirmed reports are the ones whose figures
    the public sees: reporting.rules.figures_scope)."""
    from reporting.models import Report
    from reporting.rules import figures_scope

    visible = figures_scope(PUBLIC_USER)
    reports = Report.objects.filter(project=project)
    reports = reports if visible is True else reports.filter(visible) if visible else reports.none()
    return Attachment.objects.filter(report__in=reports.values("pk"), is_public=True)
