"""Synthetic data is labelled, has the promised shape, and its summaries equal what the roll-up computes."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from catalogue.models import Program
from orgs.models import Organisation
from reporting.models import Report, Summary, SummaryFunds
from reporting.rollup import summary_refresh

pytestmark = pytest.mark.django_db


def test_small_synthetic_run_is_labelled_and_consistent() -> None:
    out = io.StringIO()
    call_command(
        "generate_synthetic", "--scale", "county", "--years", "1", "--months", "2", "--units", "3", stdout=out
    )
    programs = Program.objects.filter(is_sample=True)
    assert programs.count() == 1 and all(p.issuer_name.startswith("示例") for p in programs)
    program = programs.get()
    projects = program.projects.count()
    assert projects == Program.objects.get(year=2021, is_sample=False).projects.count()
    assert Report.objects.filter(period__program=program).count() == projects * 3 * 2
    assert not Organisation.objects.filter(is_sample=True).exclude(name__startswith="示例").exists()
    project = program.projects.order_by("order").first()
    period = program.periods.get(month=2)
    generated = {
        (s.unit_id, s.completion, s.budget, s.arrived, s.spent, s.reports_on_time)
        for s in Summary.objects.filter(project=project, period=period)
    } | {
        (f.summary.unit_id, f.source, f.budget, f.arrived, f.spent)
        for f in SummaryFunds.objects.filter(summary__project=project, summary__period=period).select_related(
            "summary"
        )
    }
    summary_refresh(project_id=project.id, period_id=period.id)
    recomputed = {
        (s.unit_id, s.completion, s.budget, s.arrived, s.spent, s.reports_on_time)
        for s in Summary.objects.filter(project=project, period=period)
    } | {
        (f.summary.unit_id, f.source, f.budget, f.arrived, f.spent)
        for f in SummaryFunds.objects.filter(summary__project=project, summary__period=period).select_related(
            "summary"
        )
    }
    assert generated == recomputed
    assert "示例数据" in out.getvalue()
