"""The levels above 杜集区 as reference data: 安徽省's and 淮北市's 2020 and 2021 programs, reconstructed, and the
derivation links 杜集区 → 淮北市 → 安徽省 (issue 14, item 2).

Neither upper notice's text was at hand. What is known (docs: domain.md): the province's 2021 list
(皖政〔2021〕24号, issued 2021-04-03) has 33 items — 6 new, 4 retired, 8 adjusted, 19 continued — and the city's
(淮政〔2021〕15号) and 杜集区's have the same items and the same change counts. So the upper lists carry 杜集区's
project names, content items and changes (as 杜集区's notice prints them); the upper levels' descriptions, printed
headings, dates of the city's notice and lead departments are unknown and left empty; every upper program is marked
``is_reconstructed`` with a ``source_note`` saying so.

``lineage_load`` is idempotent (natural keys, audit rows only for a real change). A derivation decided by the
office (status, reason, accepted upper values) is never reset by loading again. It is run by the
``load_reference_data`` command after :func:`catalogue.reference_data.reference_data_load`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from catalogue import reference_data as district
from catalogue.derivation import derived_values
from catalogue.models import Derivation, DerivationStatus, Program, Project, ProjectChange
from core.services import audit_record, model_snapshot
from orgs.models import Organisation
from orgs.reference_data import CREATED, UNCHANGED, UPDATED, reference_upsert

SOURCE = (
    "未取得原文。项目名称、建设内容和项目变化按{notice}照录——据公开资料，省、市、区三级2021年清单均为33项，"
    "新增6项、退出4项、调整实施8项、继续实施19项，项目相同；本级的项目简介、通知标题和正文、牵头单位不详，"
    "留空。"
)

#: (issuer code, level, issuer name, 2021 文号, 2021 成文日期, 2021 依据)
UPPER: list[tuple[str, str, str, str, dt.date | None, str]] = [
    ("anhui", Program.Level.PROVINCE, "安徽省人民政府", "皖政〔2021〕24号", dt.date(2021, 4, 3), ""),
    ("huaibei", Program.Level.CITY, "淮北市人民政府", "淮政〔2021〕15号", None, "皖政〔2021〕24号"),
]


def _program_data(
    code: str, level: str, name: str, year: int, doc: str, date: Any, basis: str
) -> dict[str, Any]:
    note = SOURCE.format(notice=district.NOTICE_2021)
    if year == 2020:
        note = f"未取得2020年度原始通知，按{district.NOTICE_2021}推定重建（同杜集区2020年计划）。" + note
    return {
        "year": year,
        "issuer": code,
        "level": level,
        "issuer_name": name,
        "noun": "民生工程",
        "title": "",
        "doc_number": doc if year == 2021 else "",
        "doc_date": date if year == 2021 else None,
        "basis": basis if year == 2021 else "",
        "recipients": "",
        "preamble": "",
        "requirements": "",
        "cc": "",
        "status": Program.Status.PUBLISHED,
        "is_reconstructed": True,
        "source_note": note,
    }


def _upper_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """杜集区's rows without its own descriptions (an upper level's text is unknown)."""
    return [{**row, "summary": ""} for row in rows]


def _upper_assignments() -> dict[str, dict[str, Any]]:
    """Kinds as 杜集区's defaults; no lead department or units (the upper levels' departments are not modelled)."""
    merged = {**district.ASSIGNMENTS, **district.ASSIGNMENTS_2020}
    return {name: {"kind": a["kind"]} for name, a in merged.items()}


def _projects_upsert(
    program: Program, rows: list[dict[str, Any]], actor: Any, counts: dict
) -> dict[str, Project]:
    from catalogue.models import ContentItem

    kinds = _upper_assignments()
    before = district._free_orders(program, rows)
    projects: dict[str, Project] = {}
    for order, row in enumerate(rows, start=1):
        project, outcome = reference_upsert(
            Project,
            lookup={"program": program, "name": row["name"]},
            values={
                "order": order,
                "summary": row["summary"],
                "kind": kinds[row["name"]]["kind"],
                "assignment_is_default": True,
            },
            actor=actor,
            before=before.get(row["name"]),
        )
        counts["projects"][outcome] += 1
        projects[project.name] = project
        for item_order, item in enumerate(row["items"], start=1):
            _, outcome = reference_upsert(
                ContentItem,
                lookup={"project": project, "name": item},
                values={"order": item_order},
                actor=actor,
            )
            counts["content_items"][outcome] += 1
    return projects


def _changes_upsert(
    program: Program, previous: dict[str, Project], current: dict[str, Project], actor: Any, counts: dict
) -> None:
    for row in district._changes_2021(previous, current):
        # the district's printed headings and texts are its own; the reasons and items are the list's
        values = {k: v for k, v in row.items() if k not in ("kind", "order", "sources")}
        values.update(printed_title="", printed_text="")
        _, outcome = reference_upsert(
            ProjectChange,
            lookup={"program": program, "kind": row["kind"], "order": row["order"]},
            values=values,
            m2m={"sources": row["sources"]},
            actor=actor,
        )
        counts["changes"][outcome] += 1


def _link(lower: Program, upper: Program, actor: Any, counts: dict) -> None:
    """``lower`` derives from ``upper``: program link, and per project of the same name its derivation (采纳)."""
    if lower.derived_from_id is None:
        _, outcome = reference_upsert(
            Program, lookup={"pk": lower.pk}, values={"derived_from": upper}, actor=actor
        )
        counts["programs"][outcome] += 1
    elif lower.derived_from_id != upper.pk:
        return  # linked otherwise by the office: left as it is
    uppers = {
        p.name: p for p in upper.projects.select_related("lead_department").prefetch_related("content_items")
    }
    known = set(lower.derivations.values_list("upper_project_id", flat=True))
    held = set(lower.derivations.exclude(project=None).values_list("project_id", flat=True))
    for project in lower.projects.order_by("order"):
        up = uppers.get(project.name)
        if up is None or up.pk in known or project.pk in held:
            counts["derivations"][UNCHANGED] += 1
            continue
        if project.derives_from_id is None:
            before = model_snapshot(project)
            Project.objects.filter(pk=project.pk).update(derives_from=up)
            project.derives_from = up
            audit_record(
                actor=actor, action="update", obj=project, before=before, after=model_snapshot(project)
            )
        derivation = Derivation.objects.create(
            program=lower,
            upper_project=up,
            upper_name=up.name,
            project=project,
            status=DerivationStatus.ADOPTED,
            baseline=derived_values(up),
        )
        audit_record(actor=actor, action="create", obj=derivation, after=model_snapshot(derivation))
        counts["derivations"][CREATED] += 1


def lineage_load(*, actor: Any = None) -> dict[str, dict[str, int]]:
    """Load 安徽省's and 淮北市's reconstructed 2020 and 2021 programs and link 杜集区 → 淮北市 → 安徽省 (the district's
    programs must be loaded first). Returns created/updated/unchanged counts per kind of record."""
    counts = {
        k: {CREATED: 0, UPDATED: 0, UNCHANGED: 0}
        for k in ("programs", "projects", "content_items", "changes", "derivations")
    }
    with transaction.atomic():
        orgs = {o.code: o for o in Organisation.objects.filter(code__in=[u[0] for u in UPPER] + ["gov"])}
        chain: list[dict[int, Program]] = []
        for code, level, name, doc, date, basis in UPPER:
            loaded: dict[int, tuple[Program, dict[str, Project]]] = {}
            for year, rows in ((2020, district.PROJECTS_2020), (2021, district.PROJECTS_2021)):
                data = _program_data(code, level, name, year, doc, date, basis)
                values = {k: v for k, v in data.items() if k not in ("year", "issuer")}
                program, outcome = reference_upsert(
                    Program, lookup={"year": year, "issuer": orgs[code]}, values=values, actor=actor
                )
                counts["programs"][outcome] += 1
                loaded[year] = (program, _projects_upsert(program, _upper_rows(rows), actor, counts))
            _changes_upsert(loaded[2021][0], loaded[2020][1], loaded[2021][1], actor, counts)
            chain.append({year: program for year, (program, _) in loaded.items()})
        chain.append({p.year: p for p in Program.objects.filter(issuer=orgs["gov"], year__in=(2020, 2021))})
        for upper, lower in zip(chain, chain[1:], strict=False):
            for year, program in lower.items():
                if year in upper:
                    _link(program, upper[year], actor, counts)
    return counts
