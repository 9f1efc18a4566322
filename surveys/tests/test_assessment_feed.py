"""The unit assessment's questionnaire item (evaluation.assessment.satisfaction_scores) takes each unit's survey
score from ``surveys.selectors.unit_satisfaction_scores``: points × score ÷ 100; without survey data it stays a
hand-scored item."""

from __future__ import annotations

from decimal import Decimal as D
from typing import Any

import pytest

from surveys.tests.conftest import SHEETS, answer

pytestmark = pytest.mark.django_db


def test_unit_scores_pool_the_units_answers_and_leave_out_units_without_a_wave(
    survey: dict[str, Any], office: Any
) -> None:
    from orgs.models import Organisation
    from surveys.selectors import unit_satisfaction_scores

    duanyuan = Organisation.objects.get(code="duanyuan")
    ids = [survey["shitai"].pk, duanyuan.pk]
    assert unit_satisfaction_scores(program=survey["program"], unit_ids=ids) is None  # no answers yet
    for aware, satisfied in SHEETS:
        answer(office, survey, aware, satisfied)
    # 3×100 + 2×80 + 2×60 + 1×0 over 8 valid answers (2 不清楚 left out) = 72.50
    assert unit_satisfaction_scores(program=survey["program"], unit_ids=ids) == {
        survey["shitai"].pk: D("72.50")
    }


def test_the_questionnaire_item_scores_from_the_survey(survey: dict[str, Any], office: Any) -> None:
    from evaluation import services
    from evaluation.models import ItemScore

    for aware, satisfied in SHEETS:
        answer(office, survey, aware, satisfied)
    scheme = services.scheme_create_from_template(actor=office, program=survey["program"])
    run = services.run_compute(actor=office, scheme=scheme, month=12)
    score = ItemScore.objects.get(result__run=run, result__unit=survey["shitai"], item__metric="satisfaction")
    assert score.computed == D(score.item.points) * D("72.50") / 100
    assert score.detail == {"satisfaction": "72.50"}
