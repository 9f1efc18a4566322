"""The demo's performance tables (evaluation/demo.py): made through the services by the demo accounts, labelled
【示例】, in every workflow state, and all recorded in core.sample's ledger (so ``demo_clear`` removes them)."""

from __future__ import annotations

from typing import Any

import pytest

from core.models import SampleRecord
from evaluation.demo import evaluation_demo
from evaluation.models import MonitoringSheet, PerformanceTarget, SelfEvaluation, Status

pytestmark = pytest.mark.django_db


def test_demo_tables_are_labelled_recorded_and_in_every_state(office: Any) -> None:
    from catalogue.models import Program
    from core import sample
    from reporting.demo import accounts_create
    from responsibility.services import indicators_apply_defaults

    program = Program.objects.get(year=2021)
    with sample.recording():
        accounts_create(program=program, password="示例-密码-123")
    for project in program.projects.filter(lead_department__isnull=False).order_by("order")[:8]:
        indicators_apply_defaults(actor=office, project=project)
        project.indicators.update(target=10)
    evaluation_demo(program=program)
    forms = list(PerformanceTarget.objects.all())
    assert len(forms) == 8 and all(f.overall_goal.startswith("【示例】") for f in forms)
    assert {f.status for f in forms} == {Status.DRAFT, Status.SUBMITTED, Status.APPROVED, Status.RETURNED}
    assert MonitoringSheet.objects.exists() and SelfEvaluation.objects.exists()
    for model in (PerformanceTarget, MonitoringSheet, SelfEvaluation):
        recorded = SampleRecord.objects.filter(content_type__model=model._meta.model_name).count()
        assert recorded == model.objects.count()


def test_demo_has_a_december_assessment_and_clears(office: Any) -> None:
    from catalogue.models import Program
    from core import sample
    from evaluation.models import ItemScore, Run, Scheme
    from reporting.demo import accounts_create

    program = Program.objects.get(year=2021)
    with sample.recording():
        accounts_create(program=program, password="示例-密码-123")
    evaluation_demo(program=program)
    run = Run.objects.get(scheme__program=program, month=12)
    assert run.results.exists()
    assert not ItemScore.objects.filter(result__run=run, detail__manual=True, computed__isnull=True).exists()
    sample.sample_clear()
    assert not Scheme.objects.exists() and not Run.objects.exists()
