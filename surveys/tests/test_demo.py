"""The demo's surveys (surveys/demo.py): made through the services by the demo accounts, labelled 【示例】, every
row recorded in core.sample's ledger (so ``demo_clear`` removes them), figures computed from the answers."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from core.models import SampleRecord
from surveys.demo import surveys_demo
from surveys.models import Answer, Question, Questionnaire, Response, Wave

pytestmark = pytest.mark.django_db


def test_demo_waves_are_labelled_recorded_and_scored(office: Any) -> None:
    from catalogue.models import Program
    from core import sample
    from reporting.demo import accounts_create
    from surveys.selectors import figures_for, satisfaction_score

    program = Program.objects.get(year=2021)
    with sample.recording():
        accounts_create(program=program, password="示例-密码-123")
    surveys_demo(program=program)
    visit, online = Wave.objects.order_by("method")  # online < visit
    visit, online = (online, visit) if visit.method == "online" else (visit, online)
    assert visit.name.startswith("【示例】") and online.name.startswith("【示例】")
    assert visit.is_published and online.is_open and not online.is_published
    f = figures_for([visit.pk])[visit.pk]
    # 知晓 34 of 38 valid (2 不清楚); 满意 22 + 9 + 2 = 33 of 38; (22×100 + 11×80 + 4×60 + 0) / 38 = 3320 / 38 = 87.37
    assert f.responses == 40 and f.awareness_rate == Decimal("89.47")
    assert f.satisfaction_rate == Decimal("86.84") and f.score == Decimal("87.37")
    assert Response.objects.filter(wave=online, source="portal").count() == 5
    assert satisfaction_score(visit.project, year=2021) is not None
    for model in (Questionnaire, Question, Wave, Response, Answer):
        recorded = SampleRecord.objects.filter(content_type__model=model._meta.model_name).count()
        assert recorded == model.objects.count() > 0, model
    sample.sample_clear()
    assert not Wave.objects.exists() and not Questionnaire.objects.exists()
