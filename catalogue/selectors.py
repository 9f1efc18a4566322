"""Reads of the catalogue. Callers pass the user; visibility comes from core.policy."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import pgettext_lazy

from catalogue.models import ChangeKind, Program, Project, ProjectChange, ProjectProposal
from core.policy import restrict


def program_list(*, user: Any) -> QuerySet[Program]:
    return (
        restrict(Program.objects.all(), user, "view")
        .select_related("issuer")
        .annotate(project_count=Count("projects", distinct=True))
        .order_by("-year", "level", "issuer__order")
    )


def program_get(*, user: Any, pk: int) -> Program:
    qs = restrict(Program.objects.all(), user, "view").annotate(
        project_count=Count("projects", distinct=True)
    )
    return get_object_or_404(qs.select_related("issuer"), pk=pk)


CHINESE_NUMERALS = "一二三四五六七八九十"
#: Section numbers on the page, in the page's language (the notice itself always uses CHINESE_NUMERALS).
SECTION_NUMERALS = (
    pgettext_lazy("section numeral", "一"),
    pgettext_lazy("section numeral", "二"),
    pgettext_lazy("section numeral", "三"),
    pgettext_lazy("section numeral", "四"),
    pgettext_lazy("section numeral", "五"),
    pgettext_lazy("section numeral", "六"),
    pgettext_lazy("section numeral", "七"),
    pgettext_lazy("section numeral", "八"),
    pgettext_lazy("section numeral", "九"),
    pgettext_lazy("section numeral", "十"),
)


@dataclass
class Section:
    kind: str
    label: str
    changes: list[ProjectChange] = field(default_factory=list)
    numeral: str = ""

    @property
    def count(self) -> int:
        if self.kind == ChangeKind.EXIT:
            return sum(len(c.sources.all()) for c in self.changes)
        return len(self.changes)


@dataclass
class ProgramLayout:
    """A program arranged like its notice: 新增, 退出, 调整实施, 继续实施, and projects with no recorded origin."""

    sections: list[Section]
    unplaced: list[Project]
    projects: list[Project]
    next_program: Program | None
    #: [(category name, its projects)] when the program's notice groups its items by category
    categories: list[tuple[str, list[Project]]] = field(default_factory=list)


def program_layout(*, user: Any, program: Program) -> ProgramLayout:
    projects = list(program.projects.select_related("lead_department", "category").order_by("order"))
    changes = list(
        program.changes.select_related("result", "result__lead_department", "result__category")
        .prefetch_related(Prefetch("sources", queryset=Project.objects.only("id", "name", "program_id")))
        .order_by("order", "id")
    )
    order = [ChangeKind.NEW, ChangeKind.EXIT, ChangeKind.ADJUST, ChangeKind.CONTINUE]
    labels = dict(ChangeKind.choices)
    sections = [Section(kind=k, label=str(labels[k])) for k in order]
    by_kind = {s.kind: s for s in sections}
    placed: set[int] = set()
    for change in changes:
        by_kind[change.kind].changes.append(change)
        if change.result_id:
            placed.add(change.result_id)
    unplaced = [p for p in projects if p.id not in placed]

    # Forward lineage: what became of these projects in the following year (if the user may see it).
    next_fates: dict[int, list[ProjectChange]] = {}
    later = restrict(ProjectChange.objects.all(), user, "view").filter(sources__program=program)
    later = later.select_related("result", "program").prefetch_related("sources").distinct()
    next_program = None
    for change in later:
        next_program = change.program
        for src in change.sources.all():
            next_fates.setdefault(src.id, []).append(change)
    for project in projects:
        project.next_fates = next_fates.get(project.id, [])
    sections = [s for s in sections if s.changes]
    for i, section in enumerate(sections):  # numbering closes up over empty sections, as in the notice
        section.numeral = SECTION_NUMERALS[i]
    groups: dict[int, tuple[str, list[Project]]] = {}
    for project in projects:
        if project.category_id:
            groups.setdefault(project.category_id, (project.category.name, []))[1].append(project)
    ordered = sorted(groups.items(), key=lambda kv: kv[1][1][0].category.order)
    return ProgramLayout(
        sections=sections,
        unplaced=unplaced,
        projects=projects,
        next_program=next_program,
        categories=[group for _, group in ordered],
    )


def project_get(*, user: Any, pk: int, action: str = "view") -> Project:
    qs = restrict(Project.objects.all(), user, action).select_related("program", "lead_department")
    return get_object_or_404(
        qs.prefetch_related("co_lead_departments", "implementing_units", "content_items"), pk=pk
    )


@dataclass
class Lineage:
    origins: list[ProjectChange]
    fates: list[ProjectChange]


def project_lineage(*, user: Any, project: Project) -> Lineage:
    visible = restrict(ProjectChange.objects.all(), user, "view")
    related = ("result__program", "program")
    origins = list(
        visible.filter(result=project).select_related(*related).prefetch_related("sources__program")
    )
    fates = list(
        visible.filter(sources=project)
        .select_related(*related)
        .prefetch_related("sources__program")
        .distinct()
    )
    return Lineage(origins=origins, fates=fates)


def proposal_list(*, user: Any) -> QuerySet[ProjectProposal]:
    return restrict(ProjectProposal.objects.all(), user, "view").select_related("lead_department", "project")


def proposal_get(*, user: Any, pk: int) -> ProjectProposal:
    return get_object_or_404(restrict(ProjectProposal.objects.all(), user, "view"), pk=pk)


def editable_programs(*, user: Any) -> QuerySet[Program]:
    """Programs the user may change right now: drafts, or published ones inside an open amendment."""
    qs = restrict(Program.objects.all(), user, "change")
    return qs.filter(
        Q(status=Program.Status.DRAFT) | Q(amendments__closed_at__isnull=True, amendments__isnull=False)
    ).distinct()


def program_is_editable(program: Program) -> bool:
    return (
        program.status == Program.Status.DRAFT or program.amendments.filter(closed_at__isnull=True).exists()
    )
