"""The 单位自评表's 满意度 (evaluation.selectors.evaluation_sheet) takes the survey score when the project has a
survey wave with valid answers; without one, the value entered with its source, as before."""

from __future__ import annotations

from decimal import Decimal as D
from typing import Any

import pytest
from django.urls import reverse

from surveys.tests.conftest import SHEETS, answer

pytestmark = pytest.mark.django_db


@pytest.fixture
def evaluated(month: dict[str, Any], office: Any, dept_health: Any, survey: dict[str, Any]) -> dict[str, Any]:
    from evaluation import services
    from responsibility.models import Indicator

    Indicator.objects.create(
        project=survey["project"],
        order=9,
        name="受益群众满意度",
        unit="%",
        category="satisfaction",
        target=D(90),
    )
    services.self_evaluation_save(
        actor=dept_health,
        project=survey["project"],
        data={"satisfaction_value": D(85), "satisfaction_source": "电话回访100户"},
    )
    return survey


def _line(project: Any) -> Any:
    from evaluation import selectors

    sheet = selectors.evaluation_sheet(project=project)
    return sheet, next(line for line in sheet.result.lines if line.part == "satisfaction")


def test_entered_value_counts_while_there_is_no_survey(evaluated: dict[str, Any]) -> None:
    sheet, line = _line(evaluated["project"])
    assert sheet.satisfaction_survey is None and line.actual == D(85)


def test_survey_score_replaces_the_entered_value(
    evaluated: dict[str, Any], office: Any, client_for: Any
) -> None:
    for aware, satisfied in SHEETS:
        answer(office, evaluated, aware, satisfied)
    sheet, line = _line(evaluated["project"])
    assert sheet.satisfaction_survey == D("72.50") and line.actual == D("72.50")
    assert line.earned == D(10) * D("72.50") / D(90)
    page = client_for("dept_health").get(reverse("evaluation:self", args=[evaluated["project"].pk]))
    assert "满意度取自本项目的满意度调查（得分72.50）" in page.content.decode()
