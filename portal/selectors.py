"""What the public portal may show: published, non-sample programs; confirmed figures; started disclosures;
attachments marked public of confirmed reports; counts (never names) for supervision. No personal data.

Rows are read through core.policy as the public sees them (``restrict(qs, PUBLIC_USER)``: the rules' anonymous
case), narrowed further to non-sample programs; the supervision summary is an aggregate count, never rows."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Avg, Count, Q, QuerySet, Sum
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext

from catalogue.models import Program, Project
from core.numbers import safe_quantize, yuan_to_wan
from core.policy import restrict
from disclosure.models import Disclosure, Publicity
from funding.models import Source
from reporting.models import Attachment, Period, Status, Summary
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


# --- the program page's figures: cards, charts and their tables -------------------------------------------------

PCT = Decimal("0.1")
WAN = Decimal("0.01")


def _pct(rate: Decimal | None) -> Decimal | None:
    """A fraction as a percentage with one decimal (0.5 → 50.0); the charts, tables and downloads share it."""
    return None if rate is None else safe_quantize(Decimal(rate) * 100, PCT)


def _wan(yuan: Decimal | None) -> Decimal:
    return safe_quantize(yuan_to_wan(Decimal(yuan or 0)), WAN)


@dataclass
class ProjectCard:
    project: Project
    row: ProgressRow | None
    findings: int = 0
    closed: int = 0
    disclosures: int = 0

    @property
    def completion_pct(self) -> int:
        """The bar's width class (0…100, whole points)."""
        rate = self.row.completion if self.row else None
        return 0 if rate is None else max(0, min(100, int(Decimal(rate) * 100)))

    @property
    def schedule_pct(self) -> int:
        return 0 if self.row is None else max(0, min(100, int(self.row.schedule * 100)))


@dataclass
class Table:
    """One chart's numbers as a table: the chart, its table view and its downloads show exactly these."""

    name: str
    title: str
    head: list[str]
    rows: list[list[Any]] = field(default_factory=list)


@dataclass
class ProgramFigures:
    period: Period | None
    cards: list[ProjectCard]
    tables: dict[str, Table]

    @property
    def month(self) -> int | None:
        return self.period.month if self.period else None


def _finding_counts(program: Program) -> dict[int | None, tuple[int, int]]:
    qs = Finding.objects.filter(Q(inspection__program=program) | Q(project__program=program))
    rows = (
        qs.order_by()
        .values("project_id")
        .annotate(total=Count("id"), closed=Count("id", filter=Q(status=Finding.Status.CLOSED)))
    )
    return {r["project_id"]: (r["total"], r["closed"]) for r in rows}


def _disclosure_counts(program: Program) -> dict[int | None, int]:
    rows = disclosures(program).order_by().values("project_id").annotate(n=Count("id"))
    return {r["project_id"]: r["n"] for r in rows}


def _funds_by_source(program: Program, period: Period) -> dict[str, tuple[Decimal, Decimal]]:
    """Arrived and spent by source: the confirmed reports of the period (reporting.rules.figures_scope)."""
    from reporting.models import Report, ReportFunds
    from reporting.rules import figures_scope

    visible = figures_scope(PUBLIC_USER)
    reports = Report.objects.filter(period=period, project__program=program)
    reports = reports if visible is True else reports.filter(visible) if visible else reports.none()
    rows = (
        ReportFunds.objects.filter(report__in=reports.order_by().values("pk"))
        .order_by()
        .values("source")
        .annotate(arrived=Sum("arrived"), spent=Sum("spent"))
    )
    return {r["source"]: (r["arrived"] or Decimal(0), r["spent"] or Decimal(0)) for r in rows}


def _trend(program: Program, until: int) -> list[dict[str, Any]]:
    """The year month by month from the confirmed-only summaries (reporting.models.Summary, project totals)."""
    rows = (
        Summary.objects.filter(
            period__program=program, period__month__lte=until, unit__isnull=True, project__program=program
        )
        .order_by()
        .values("period__month")
        .annotate(
            budget=Sum("budget"), arrived=Sum("arrived"), spent=Sum("spent"), completion=Avg("completion")
        )
        .order_by("period__month")
    )
    return list(rows)


def program_figures(program: Program) -> ProgramFigures:
    """Everything the program page draws, in a fixed number of queries whatever the number of projects: the
    latest confirmed period, the 进度表 (one query), the projects, finding and disclosure counts by project, funds
    by source and the monthly summaries. Confirmed figures only (``user=None``: the public's scope)."""
    period, rows = official_rows(program)
    projects = program_projects(program)
    findings = _finding_counts(program)
    counts = _disclosure_counts(program)
    cards = [
        ProjectCard(
            project=p,
            row=rows.get(p.id),
            findings=findings.get(p.id, (0, 0))[0],
            closed=findings.get(p.id, (0, 0))[1],
            disclosures=counts.get(p.id, 0),
        )
        for p in projects
    ]
    tables = {
        "projects": Table(
            "projects",
            gettext("各项目完成率与序时进度"),
            [
                gettext("序号"),
                gettext("项目"),
                gettext("牵头单位"),
                gettext("完成率（%）"),
                gettext("序时进度（%）"),
                gettext("资金到位（万元）"),
                gettext("已支出（万元）"),
            ],
        ),
        "sources": Table(
            "sources",
            gettext("资金来源：预算、到位、支出"),
            [gettext("资金来源"), gettext("预算（万元）"), gettext("到位（万元）"), gettext("支出（万元）")],
        ),
        "trend": Table(
            "trend",
            gettext("逐月进度与资金"),
            [
                gettext("月份"),
                gettext("完成率（%）"),
                gettext("序时进度（%）"),
                gettext("资金到位（万元）"),
                gettext("已支出（万元）"),
            ],
        ),
    }
    if period is None:
        return ProgramFigures(period=None, cards=cards, tables=tables)
    for card in sorted(cards, key=lambda c: (c.row is None, c.project.order)):
        p, row = card.project, card.row
        tables["projects"].rows.append(
            [
                p.order,
                p.name,
                p.lead_department.display_name if p.lead_department else "",
                _pct(row.completion) if row else None,
                _pct(row.schedule) if row else _pct(Decimal(period.month) / 12),
                _wan(row.arrived) if row else None,
                _wan(row.spent) if row else None,
            ]
        )
    budget: dict[str, Decimal] = {}
    for row in rows.values():
        for label, amount in row.budget.items():
            budget[label] = budget.get(label, Decimal(0)) + amount
    funds = _funds_by_source(program, period)
    for source, label in Source.choices:
        planned = budget.get(str(label), Decimal(0))
        arrived, spent = funds.get(source, (Decimal(0), Decimal(0)))
        if planned or arrived or spent:
            tables["sources"].rows.append([str(label), _wan(planned), _wan(arrived), _wan(spent)])
    for r in _trend(program, period.month):
        month = r["period__month"]
        tables["trend"].rows.append(
            [
                month,
                _pct(r["completion"]),
                _pct(Decimal(month) / 12),
                _wan(r["arrived"]),
                _wan(r["spent"]),
            ]
        )
    return ProgramFigures(period=period, cards=cards, tables=tables)
