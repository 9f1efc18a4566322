"""Comparing two years of a program: the fate of every earlier project and the origin of every later one.

A selector module (reads only). ``program_diff`` is used by the diff page, the API, the Excel export and by
``program_publish`` as its consistency check.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _

from catalogue.models import AdjustKind, ChangeKind, Program, Project, ProjectChange

FATE_LABELS = {
    "continued": _("继续实施"),
    "renamed": _("继续实施（更名）"),
    "adjusted": _("调整实施"),
    "merged": _("合并（纳入）"),
    "split": _("拆分"),
    "retired": _("退出"),
    "new": _("新增"),
    "missing": _("未定"),
}


@dataclass
class Fate:
    """What became of one project of the earlier year (or where one project of the later year came from)."""

    project: Project
    kind: str
    others: list[Project] = field(default_factory=list)  # targets (fates) or sources (origins)
    changes: list[ProjectChange] = field(default_factory=list)
    reason: str = ""
    sub_kinds: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        return str(FATE_LABELS[self.kind])


@dataclass
class Problem:
    level: str  # "error" | "warning"
    message: str


@dataclass
class ProgramDiff:
    earlier: Program | None
    later: Program
    fates: list[Fate]
    origins: list[Fate]
    problems: list[Problem]
    counts: dict[str, int]

    @property
    def ok(self) -> bool:
        return not any(p.level == "error" for p in self.problems)

    @property
    def errors(self) -> list[str]:
        return [p.message for p in self.problems if p.level == "error"]


def previous_program(program: Program) -> Program | None:
    return Program.objects.filter(issuer_id=program.issuer_id, year=program.year - 1).first()


def _classify(change: ProjectChange, sources: list[Project], result: Project | None) -> tuple[str, list[str]]:
    sub = list(change.adjust_kinds or [])
    if change.kind == ChangeKind.NEW:
        return "new", sub
    if change.kind == ChangeKind.EXIT:
        return "retired", sub
    if change.kind == ChangeKind.CONTINUE:
        renamed = result is not None and any(s.name != result.name for s in sources)
        return ("renamed" if renamed else "continued"), sub
    if AdjustKind.SPLIT in sub:
        return "split", sub
    if len(sources) > 1:
        return "merged", sub
    return "adjusted", sub


def program_diff(*, later: Program, earlier: Program | None = None) -> ProgramDiff:
    """Fates, origins and consistency checks between ``earlier`` (default: the previous year) and ``later``."""
    earlier = earlier if earlier is not None else previous_program(later)
    y0, y1, noun = (earlier.year if earlier else later.year - 1), later.year, later.noun
    later_projects = list(later.projects.select_related("lead_department").order_by("order"))
    earlier_projects = list(earlier.projects.order_by("order")) if earlier else []
    earlier_ids = {p.id for p in earlier_projects}
    changes = list(
        later.changes.select_related("result")
        .prefetch_related(Prefetch("sources", queryset=Project.objects.select_related("program")))
        .order_by("kind", "order", "id")
    )
    problems: list[Problem] = []
    by_source: dict[int, list[ProjectChange]] = defaultdict(list)
    by_result: dict[int, list[ProjectChange]] = defaultdict(list)
    for change in changes:
        sources = list(change.sources.all())
        for src in sources:
            by_source[src.id].append(change)
            if src.id not in earlier_ids:
                problems.append(Problem("error", f"“{src.name}”不是{y0}年的项目，不能作为{y1}年项目的来源。"))
        if change.result_id:
            by_result[change.result_id].append(change)
        if change.kind == ChangeKind.EXIT and not change.reason.strip():
            names = "、".join(s.name for s in sources)
            problems.append(Problem("error", f"退出项目“{names}”没有写明原因。"))
        if change.kind in (ChangeKind.CONTINUE, ChangeKind.ADJUST, ChangeKind.EXIT) and not sources:
            problems.append(
                Problem(
                    "error",
                    f"{change.get_kind_display()}的项目“{change.result or ''}”没有指明{y0}年的来源项目。",
                )
            )
        if change.kind == ChangeKind.NEW and sources:
            problems.append(Problem("error", f"新增项目“{change.result}”不应有上年来源。"))

    fates: list[Fate] = []
    for project in earlier_projects:
        mine = by_source.get(project.id, [])
        if not mine:
            fates.append(Fate(project, "missing"))
            problems.append(
                Problem("error", f"{y0}年项目“{project.name}”在{y1}年没有去向（继续、调整、合并或退出）。")
            )
            continue
        kinds = {_classify(c, list(c.sources.all()), c.result)[0] for c in mine}
        if len(mine) > 1 and kinds != {"split"}:
            problems.append(
                Problem("error", f"{y0}年项目“{project.name}”有{len(mine)}个去向，只能有一个（拆分除外）。")
            )
        kind, sub = _classify(mine[0], list(mine[0].sources.all()), mine[0].result)
        targets = [c.result for c in mine if c.result is not None]
        fates.append(Fate(project, kind, targets, mine, reason=mine[0].reason, sub_kinds=sub))

    origins: list[Fate] = []
    for project in later_projects:
        mine = by_result.get(project.id, [])
        if not mine:
            origins.append(Fate(project, "missing"))
            problems.append(
                Problem(
                    "error", f"{y1}年项目“{project.name}”没有来源：请标为新增，或指明来自{y0}年的哪个项目。"
                )
            )
            continue
        if len(mine) > 1:
            problems.append(
                Problem("error", f"{y1}年项目“{project.name}”有{len(mine)}条来源记录，只能有一条。")
            )
        sources = list(mine[0].sources.all())
        kind, sub = _classify(mine[0], sources, project)
        origins.append(Fate(project, kind, sources, mine, reason=mine[0].reason, sub_kinds=sub))

    count_kind = defaultdict(int)
    for o in origins:
        count_kind[o.changes[0].kind if o.changes else "missing"] += 1
    retired = sum(len(c.sources.all()) for c in changes if c.kind == ChangeKind.EXIT)
    predecessors = len({s.id for c in changes if c.kind == ChangeKind.ADJUST for s in c.sources.all()})
    counts = {
        "later_total": len(later_projects),
        "new": count_kind[ChangeKind.NEW],
        "adjusted": count_kind[ChangeKind.ADJUST],
        "continued": count_kind[ChangeKind.CONTINUE],
        "earlier_total": len(earlier_projects),
        "retired": retired,
        "predecessors": predecessors,
        "continued_sources": len(
            {s.id for c in changes if c.kind == ChangeKind.CONTINUE for s in c.sources.all()}
        ),
    }
    if earlier is not None or changes:
        later_sum = counts["new"] + counts["adjusted"] + counts["continued"]
        if later_sum != counts["later_total"]:
            problems.append(
                Problem(
                    "error",
                    f"{y1}年共{counts['later_total']}项{noun}，但新增{counts['new']}＋调整{counts['adjusted']}＋继续"
                    f"{counts['continued']}＝{later_sum}，对不上。",
                )
            )
        earlier_sum = counts["continued_sources"] + counts["retired"] + counts["predecessors"]
        if earlier is not None and earlier_sum != counts["earlier_total"]:
            problems.append(
                Problem(
                    "error",
                    f"{y0}年共{counts['earlier_total']}项，但继续{counts['continued_sources']}＋退出{counts['retired']}＋"
                    f"调整前身{counts['predecessors']}＝{earlier_sum}，对不上。",
                )
            )
    if earlier is None and later.changes.exists():
        problems.append(Problem("warning", f"没有{y0}年的计划可供比对。"))
    return ProgramDiff(earlier, later, fates, origins, problems, counts)
