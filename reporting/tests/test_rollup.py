"""The 进度表 and the ranking are one SQL query each and equal a hand computation over the reports.

The hand computation below walks the ORM objects one by one (no aggregation in the database), so it checks the
SQL read model independently."""

from __future__ import annotations

import datetime as dt
import io
from collections import defaultdict
from decimal import Decimal
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from catalogue.models import Program
from core.policy import actor_for
from funding.models import FundingAdjustment, FundingLine
from orgs.models import LOCAL_KINDS
from reporting import rollup
from reporting.models import Report, ReportFunds, ReportValue, Status, Summary
from responsibility.models import Indicator, Target

pytestmark = pytest.mark.django_db


@pytest.fixture
def sample() -> dict[str, Any]:
    call_command(
        "generate_synthetic",
        "--scale",
        "county",
        "--years",
        "1",
        "--months",
        "3",
        "--units",
        "3",
        stdout=io.StringIO(),
    )
    program = Program.objects.get(is_sample=True)
    period = program.periods.get(month=3)
    reports = list(Report.objects.filter(period=period).order_by("id"))
    # mix the statuses: two pending, one returned (not counted anywhere officially)
    Report.objects.filter(pk__in=[reports[0].pk, reports[1].pk]).update(status=Status.SUBMITTED)
    Report.objects.filter(pk=reports[2].pk).update(status=Status.RETURNED)
    line = FundingLine.objects.filter(project=reports[0].project).first()
    FundingAdjustment.objects.create(
        line=line, date=dt.date(2021, 3, 1), delta=Decimal("12345.67"), reason="示例"
    )
    return {"program": program, "period": period}


def hand_table(program: Program, month: int, statuses: tuple[str, ...]) -> dict[int, dict[str, Any]]:
    out: dict[int, dict[str, Any]] = {}
    for project in program.projects.all():
        inds = list(Indicator.objects.filter(project=project).order_by("order", "id"))
        budget = Decimal(0)
        for line in FundingLine.objects.filter(project=project):
            budget += line.original + sum((a.delta for a in line.adjustments.all()), Decimal(0))
        arrived = spent = Decimal(0)
        done: dict[int, Decimal] = defaultdict(Decimal)
        seen: set[int] = set()
        pending = 0
        for report in Report.objects.filter(project=project, period__month=month, period__program=program):
            if report.status in rollup.PENDING:
                pending += 1
            if report.status not in statuses:
                continue
            for f in ReportFunds.objects.filter(report=report):
                arrived += f.arrived
                spent += f.spent
            for v in ReportValue.objects.filter(report=report):
                done[v.indicator_id] += v.value
                seen.add(v.indicator_id)
        rates = []
        for ind in inds:
            target = ind.target or sum((t.value for t in Target.objects.filter(indicator=ind)), Decimal(0))
            if ind.id in seen and target:
                rates.append(done[ind.id] / target)
        out[project.id] = {
            "budget": budget,
            "arrived": arrived,
            "spent": spent,
            "completion": sum(rates, Decimal(0)) / len(rates) if rates else None,
            "pending": pending,
        }
    return out


@pytest.mark.parametrize("include_pending", [False, True])
def test_progress_table_equals_hand_computation(
    sample: dict[str, Any], include_pending: bool, persona: Any
) -> None:
    program = sample["program"]
    office = persona("admin")  # the 示例 district is a government of its own: the 系统管理员 sees it all
    actor_for(office)  # the caller's role is resolved once per request, before the read model runs
    with CaptureQueriesContext(connection) as ctx:
        rows = rollup.progress_table(user=office, program=program, month=3, include_pending=include_pending)
    assert len(ctx.captured_queries) == 1
    statuses = (Status.CONFIRMED, *rollup.PENDING) if include_pending else (Status.CONFIRMED,)
    hand = hand_table(program, 3, statuses)
    assert [r.project.id for r in rows] == list(
        program.projects.order_by("order").values_list("id", flat=True)
    )
    for row in rows:
        want = hand[row.project.id]
        assert row.budget_total == want["budget"]
        assert (row.arrived, row.spent, row.pending) == (want["arrived"], want["spent"], want["pending"])
        assert row.completion == want["completion"]
        assert row.project.lead_department.display_name.startswith("示例区")


def test_per_unit_rows_add_up_to_the_project_rows(sample: dict[str, Any], persona: Any) -> None:
    program, office = sample["program"], persona("admin")
    totals = {r.project.id: r for r in rollup.progress_table(user=office, program=program, month=3)}
    per_unit = rollup.progress_table(user=office, program=program, month=3, per_unit=True)
    assert len(per_unit) == 3 * len(totals)
    sums: dict[int, list[Decimal]] = defaultdict(lambda: [Decimal(0), Decimal(0), Decimal(0)])
    for row in per_unit:
        assert row.unit is not None and row.unit.name.startswith("示例区")
        s = sums[row.project.id]
        s[0] += row.budget_total
        s[1] += row.arrived
        s[2] += row.spent
    for pid, row in totals.items():
        assert sums[pid] == [row.budget_total, row.arrived, row.spent]


def test_ranking_equals_hand_computation(sample: dict[str, Any], persona: Any) -> None:
    office = persona("admin")  # the 示例 district is a government of its own
    period = sample["period"]
    # one report submitted late (just after midnight Beijing time on the day after the deadline), one just in time
    late, in_time = Report.objects.filter(period=period, unit__kind__in=LOCAL_KINDS).order_by("id")[5:7]
    cutoff = timezone.make_aware(dt.datetime.combine(period.deadline + dt.timedelta(days=1), dt.time.min))
    Report.objects.filter(period=period).update(submitted_at=cutoff - dt.timedelta(days=2))
    Report.objects.filter(pk=late.pk).update(submitted_at=cutoff + dt.timedelta(minutes=30))
    Report.objects.filter(pk=in_time.pk).update(submitted_at=cutoff - dt.timedelta(minutes=30))
    actor_for(office)
    with CaptureQueriesContext(connection) as ctx:
        scores = rollup.ranking(user=office, period=period, kind="local")
    assert len(ctx.captured_queries) == 1
    assert [s.rank for s in scores] == list(range(1, len(scores) + 1))
    for s in scores:
        rows = Summary.objects.filter(period=period, unit_id=s.unit.id)
        budget = sum((r.budget for r in rows), Decimal(0))
        arrived = sum((r.arrived for r in rows), Decimal(0))
        spent = sum((r.spent for r in rows), Decimal(0))
        completions = [r.completion for r in rows if r.completion is not None]
        reports = Report.objects.filter(period=period, unit_id=s.unit.id)
        local = [timezone.localtime(r.submitted_at).date() for r in reports if r.submitted_at]
        on_time = sum(d <= period.deadline for d in local)
        expected = period.program.projects.filter(implementing_units=s.unit.id).count()
        assert (s.expected, s.on_time) == (expected, on_time)
        assert s.completion == sum(completions, Decimal(0)) / len(completions)
        assert s.arrival == arrived / budget and s.spending == spent / arrived
        rate = Decimal(on_time) / Decimal(expected)
        parts = (s.completion, s.arrival, s.spending, rate)
        assert s.score == sum(
            (w * min(p, Decimal(1)) for w, p in zip(rollup.WEIGHTS, parts, strict=True)), Decimal(0)
        )
    late_unit = next(s for s in scores if s.unit.id == late.unit_id)
    assert late_unit.on_time == late_unit.expected - 1
    assert scores == sorted(scores, key=lambda s: (-s.score, s.unit.order, s.unit.name))


def test_equal_scores_share_a_rank() -> None:
    from reporting.rollup import UnitRef, UnitScore, assign_ranks

    def score(value: str) -> UnitScore:
        unit = UnitRef(id=1, code="x", name="x", short_name="", order=0, kind="town")
        return UnitScore(unit, 0, 0, None, None, None, score=Decimal(value))

    scores = [score("80"), score("50.001"), score("50.004"), score("0"), score("0"), score("0")]
    assign_ranks(scores)
    assert [s.rank for s in scores] == [1, 2, 2, 4, 4, 4]


def test_lead_departments_of_town_projects_are_ranked(month: dict[str, Any], office: Any) -> None:
    period = month["periods"][3]
    lead = month["project"].lead_department
    departments = rollup.ranking(user=office, period=period, kind="department")
    ranked = {s.unit.id: s for s in departments}
    assert lead.pk in ranked  # it carries out nothing itself: the towns do
    expected = rollup.expected_reports(period.program, with_lead=True)
    assert ranked[lead.pk].expected == sum(1 for _p, u, d in expected if d == lead.pk or u == lead.pk)
    assert {s.rank for s in departments} == {1}  # nothing confirmed yet: everyone ties at 0.00


def test_a_rolled_back_refresh_does_not_leak_into_the_next_transaction(
    month: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    """The pairs a transaction queued for refreshing go with it when it rolls back: the next transaction refreshes
    only its own (before, a stale pair of a rolled-back period made the next commit fail)."""
    from django.db import transaction

    from reporting.models import Period

    project, period = month["project"], month["periods"][6]

    class Rollback(Exception):
        pass

    with pytest.raises(Rollback), transaction.atomic():
        ghost = Period.objects.create(
            program=period.program, month=13, label="幽灵", deadline=period.deadline
        )
        rollup.summary_refresh_on_commit(project_id=project.pk, period_id=ghost.pk)
        raise Rollback
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        rollup.summary_refresh_on_commit(project_id=project.pk, period_id=period.pk)
    assert len(callbacks) == 1
    assert Summary.objects.filter(project=project, period=period, unit__isnull=True).exists()
