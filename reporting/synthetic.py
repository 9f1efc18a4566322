"""Synthetic data (示例, clearly labelled) for benchmarks and demonstrations — never mixed with real data.

Every organisation and program made here has ``is_sample=True`` and a name starting with "示例". The
project list is the reference program's (names and kinds), so the shape is realistic; all numbers are
random (seeded). Reports are written confirmed, and their Summary rows are written alongside, equal to
what reporting.rollup.summary_refresh computes (checked by the tests at a small scale).
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from catalogue.models import Program, Project
from funding.models import FundingLine
from orgs.models import Level, Organisation, OrgKind
from reporting.models import Period, Report, ReportFunds, ReportValue, Status, Summary, SummaryFunds
from responsibility.models import Indicator, Target

SCALES = {
    "county": {"districts": 1, "years": 5, "months": 12, "units": 6},
    "province": {"districts": 100, "years": 5, "months": 12, "units": 6},
}
UNIT_KINDS = [OrgKind.TOWN, OrgKind.TOWN, OrgKind.TOWN, OrgKind.STREET, OrgKind.STREET, OrgKind.ZONE]
Q4 = Decimal("0.0001")


@dataclass
class Counts:
    districts: int = 0
    programs: int = 0
    projects: int = 0
    reports: int = 0


def _template_projects() -> list[tuple[str, str]]:
    reference = Program.objects.filter(is_sample=False, is_reconstructed=False).order_by("-year").first()
    if reference is None:
        raise RuntimeError("请先装入参考数据（load_reference_data）：示例数据借用参考计划的项目名称和类型")
    return list(reference.projects.order_by("order").values_list("name", "kind"))


def generate(
    *,
    districts: int,
    years: int,
    months: int,
    units: int,
    last_year: int = 2021,
    seed: int = 2021,
    batch: int = 20000,
    progress: Any = None,
) -> Counts:
    """Create ``districts`` synthetic districts, each with ``years`` programs of the template projects, ``units``
    implementing units, ``months`` monthly periods and one confirmed report per project × unit × month."""
    rng = random.Random(seed)
    template = _template_projects()
    counts = Counts()
    start = (Organisation.objects.filter(is_sample=True, kind=OrgKind.DISTRICT).count() or 0) + 1
    root, _ = Organisation.objects.get_or_create(
        code="sample-province",
        defaults={"name": "示例省", "kind": OrgKind.OTHER, "is_sample": True, "order": 9000},
    )
    for d in range(start, start + districts):
        with transaction.atomic():
            _district(rng, root, d, template, years, months, units, last_year, batch, counts)
        if progress:
            progress(d - start + 1, districts, counts)
    return counts


def _bulk(model: Any, rows: list[Any], batch: int) -> list[Any]:
    return model.objects.bulk_create(rows, batch_size=batch)


def _district(
    rng: random.Random,
    root: Organisation,
    d: int,
    template: list[tuple[str, str]],
    years: int,
    months: int,
    unit_count: int,
    last_year: int,
    batch: int,
    counts: Counts,
) -> None:
    code = f"sample-{d:03d}"
    district = Organisation.objects.create(
        code=code,
        name=f"示例区{d:03d}",
        kind=OrgKind.DISTRICT,
        level=Level.DISTRICT,
        parent=root,
        is_sample=True,
        order=9000 + d,
    )
    gov = Organisation.objects.create(
        code=f"{code}-gov",
        name=f"示例区{d:03d}人民政府",
        kind=OrgKind.GOVERNMENT,
        parent=district,
        is_sample=True,
    )
    dept = Organisation.objects.create(
        code=f"{code}-dept",
        name=f"示例区{d:03d}牵头部门",
        kind=OrgKind.DEPARTMENT,
        parent=gov,
        is_sample=True,
    )
    units = [
        Organisation.objects.create(
            code=f"{code}-u{i}",
            name=f"示例区{d:03d}{'甲乙丙丁戊己庚辛'[i % 8]}{UNIT_KINDS[i % 6].label}",
            kind=UNIT_KINDS[i % 6],
            parent=district,
            is_sample=True,
            order=i,
        )
        for i in range(unit_count)
    ]
    counts.districts += 1
    for year in range(last_year - years + 1, last_year + 1):
        program = Program.objects.create(
            year=year,
            issuer=gov,
            issuer_name=gov.name,
            status=Program.Status.PUBLISHED,
            is_sample=True,
            source_note="示例（合成）数据，仅用于演示和性能测试",
        )
        counts.programs += 1
        projects = _bulk(
            Project,
            [
                Project(program=program, order=i, name=name, kind=kind, lead_department=dept)
                for i, (name, kind) in enumerate(template, start=1)
            ],
            batch,
        )
        Project.implementing_units.through.objects.bulk_create(
            [
                Project.implementing_units.through(project_id=p.id, organisation_id=u.id)
                for p in projects
                for u in units
            ],
            batch_size=batch,
        )
        indicators = _bulk(
            Indicator, [Indicator(project=p, order=1, name="完成数量", unit="个") for p in projects], batch
        )
        targets: dict[tuple[int, int], Decimal] = {}
        budgets: dict[tuple[int, int], Decimal] = {}
        for ind in indicators:
            for u in units:
                targets[(ind.project_id, u.id)] = Decimal(rng.randint(10, 500))
                budgets[(ind.project_id, u.id)] = Decimal(rng.randint(10, 500) * 10000)
        _bulk(
            Target,
            [
                Target(indicator=ind, unit=u, value=targets[(ind.project_id, u.id)])
                for ind in indicators
                for u in units
            ],
            batch,
        )
        _bulk(
            FundingLine,
            [
                FundingLine(project=p, unit=u, source="province", original=budgets[(p.id, u.id)])
                for p in projects
                for u in units
            ],
            batch,
        )
        periods = _bulk(
            Period,
            [
                Period(
                    program=program,
                    month=m,
                    label=f"{m}月",
                    deadline=dt.date(year, m, 28) + dt.timedelta(days=8),
                )
                for m in range(1, months + 1)
            ],
            batch,
        )
        counts.projects += len(projects)
        ind_of = {ind.project_id: ind for ind in indicators}
        for period in periods:
            share = Decimal(period.month) / Decimal(12)
            reports, plan = [], []
            cutoff = timezone.make_aware(
                dt.datetime.combine(period.deadline + dt.timedelta(days=1), dt.time.min)
            )
            for p in projects:
                for u in units:
                    # most reports arrive in the last week before the deadline, about one in ten late
                    days = rng.randint(-6, 0) if rng.random() < 0.9 else rng.randint(1, 5)
                    submitted = timezone.make_aware(
                        dt.datetime.combine(period.deadline + dt.timedelta(days=days), dt.time(10))
                    )
                    reports.append(
                        Report(
                            project=p,
                            unit=u,
                            period=period,
                            status=Status.CONFIRMED,
                            progress="示例进展",
                            submitted_at=submitted,
                            confirmed_at=submitted + dt.timedelta(days=3),
                        )
                    )
                    done = (targets[(p.id, u.id)] * share * Decimal(rng.uniform(0.6, 1.2))).quantize(Q4)
                    arrived = (budgets[(p.id, u.id)] * share * Decimal(rng.uniform(0.7, 1.0))).quantize(
                        Decimal("0.01")
                    )
                    spent = (arrived * Decimal(rng.uniform(0.5, 1.0))).quantize(Decimal("0.01"))
                    plan.append((p, u, done, arrived, spent, int(submitted < cutoff)))
            reports = _bulk(Report, reports, batch)
            _bulk(
                ReportValue,
                [
                    ReportValue(report=r, indicator=ind_of[p.id], value=done)
                    for r, (p, u, done, _a, _s, _t) in zip(reports, plan, strict=True)
                ],
                batch,
            )
            _bulk(
                ReportFunds,
                [
                    ReportFunds(report=r, source="province", arrived=a, spent=s)
                    for r, (_p, _u, _d, a, s, _t) in zip(reports, plan, strict=True)
                ],
                batch,
            )
            counts.reports += len(reports)
            summaries = []
            by_project: dict[int, list[tuple[Any, Decimal, Decimal, Decimal, int]]] = {}
            for p, u, done, a, s, t in plan:
                target = targets[(p.id, u.id)]
                summaries.append(
                    Summary(
                        project=p,
                        period=period,
                        unit=u,
                        budget=budgets[(p.id, u.id)],
                        arrived=a,
                        spent=s,
                        completion=(done / target).quantize(Q4),
                        schedule=share.quantize(Q4),
                        reports_expected=1,
                        reports_confirmed=1,
                        reports_on_time=t,
                    )
                )
                by_project.setdefault(p.id, []).append((u, done, a, s, t))
            for p in projects:
                rows = by_project[p.id]
                target_total = sum(targets[(p.id, u.id)] for u, *_ in rows)
                summaries.append(
                    Summary(
                        project=p,
                        period=period,
                        unit=None,
                        budget=sum(budgets[(p.id, u.id)] for u, *_ in rows),
                        arrived=sum(a for _u, _d, a, _s, _t in rows),
                        spent=sum(s for _u, _d, _a, s, _t in rows),
                        completion=(sum(d for _u, d, _a, _s, _t in rows) / target_total).quantize(Q4),
                        schedule=share.quantize(Q4),
                        reports_expected=len(rows),
                        reports_confirmed=len(rows),
                        reports_on_time=sum(t for *_r, t in rows),
                    )
                )
            summaries = _bulk(Summary, summaries, batch)
            _bulk(  # every budget line is the province's (see FundingLine above)
                SummaryFunds,
                [
                    SummaryFunds(
                        summary=x, source="province", budget=x.budget, arrived=x.arrived, spent=x.spent
                    )
                    for x in summaries
                ],
                batch,
            )


def generate_tree(
    *,
    cities: int,
    districts_per_city: int,
    years: int = 1,
    months: int = 12,
    units: int = 6,
    last_year: int = 2021,
    seed: int = 2021,
    batch: int = 20000,
    progress: Any = None,
) -> Counts:
    """A 示例 province of ``cities`` cities with ``districts_per_city`` districts each (governments with levels, as
    issue 14's tree), every district as ``generate`` makes them: for the roll-ups up the tree and their bench."""
    rng = random.Random(seed)
    template = _template_projects()
    counts = Counts()
    province, _ = Organisation.objects.get_or_create(
        code="sample-tree",
        defaults={
            "name": "示例省（分级）",
            "kind": OrgKind.GOVERNMENT,
            "level": Level.PROVINCE,
            "is_sample": True,
            "order": 9500,
        },
    )
    Organisation.objects.get_or_create(
        code="sample-tree-msb",
        defaults={"name": "示例省民生办", "kind": OrgKind.OFFICE, "parent": province, "is_sample": True},
    )
    d = Organisation.objects.filter(is_sample=True, kind=OrgKind.DISTRICT).count() + 1
    for c in range(1, cities + 1):
        city, _ = Organisation.objects.get_or_create(
            code=f"sample-tree-c{c:02d}",
            defaults={
                "name": f"示例市{c:02d}",
                "kind": OrgKind.GOVERNMENT,
                "level": Level.CITY,
                "parent": province,
                "is_sample": True,
                "order": c,
            },
        )
        Organisation.objects.get_or_create(
            code=f"sample-tree-c{c:02d}-msb",
            defaults={
                "name": f"示例市{c:02d}民生办",
                "kind": OrgKind.OFFICE,
                "parent": city,
                "is_sample": True,
            },
        )
        for _ in range(districts_per_city):
            with transaction.atomic():
                _district(rng, city, d, template, years, months, units, last_year, batch, counts)
            d += 1
        if progress:
            progress(c, cities, counts)
    return counts
