"""The figures computed by hand on a small fixture with 不清楚 answers (excluded from every denominator):

知晓: 6 知道, 3 不知道, 1 不清楚 → 知晓率 6/9 = 66.67%
满意: 3 满意 (100), 2 比较满意 (80), 2 一般 (60), 1 不满意 (0), 2 不清楚 → valid 8
      满意率 (3+2)/8 = 62.50%; 满意度 (300+160+120+0)/8 = 72.50
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from surveys.tests.conftest import SHEETS, answer

pytestmark = pytest.mark.django_db


def _answered(office: Any, survey: dict[str, Any]) -> None:
    for aware, satisfied in SHEETS:
        answer(office, survey, aware, satisfied)


def test_default_questionnaire_has_the_usual_options_and_scores(survey: dict[str, Any]) -> None:
    satisfied = survey["satisfied"]
    assert list(satisfied) == ["满意", "比较满意", "一般", "不满意", "不清楚"]
    assert [satisfied[k].score for k in ["满意", "比较满意", "一般", "不满意"]] == [100, 80, 60, 0]
    assert satisfied["不清楚"].excluded and satisfied["不清楚"].score is None
    assert satisfied["满意"].counts_satisfied and satisfied["比较满意"].counts_satisfied
    assert not satisfied["一般"].counts_satisfied
    assert survey["aware"]["知道"].counts_aware and survey["aware"]["不清楚"].excluded


def test_default_questionnaire_made_once(office: Any, survey: dict[str, Any]) -> None:
    from surveys import services

    assert services.questionnaire_create_default(actor=office) == survey["questionnaire"]


def test_rates_and_score_by_hand(office: Any, survey: dict[str, Any]) -> None:
    from surveys.selectors import figures_for

    _answered(office, survey)
    f = figures_for([survey["wave"].pk])[survey["wave"].pk]
    assert f.responses == 10
    assert (f.aware, f.aware_valid) == (6, 9)
    assert f.awareness_rate == Decimal("66.67")
    assert (f.satisfied, f.satisfaction_valid) == (5, 8)
    assert f.satisfaction_rate == Decimal("62.50")
    assert f.score == Decimal("72.50")
    assert f.excluded == 3


def test_no_answers_give_no_figures(survey: dict[str, Any]) -> None:
    from surveys.selectors import figures_for, satisfaction_score

    f = figures_for([survey["wave"].pk])[survey["wave"].pk]
    assert (f.awareness_rate, f.satisfaction_rate, f.score) == (None, None, None)
    assert satisfaction_score(survey["project"], year=2021) is None


def test_satisfaction_score_pools_the_waves_answers(office: Any, survey: dict[str, Any]) -> None:
    """Two waves: 72.50 over 8 valid answers and 100 over 2 → (580 + 200) / 10 = 78.00, not the mean of 86.25."""
    import datetime as dt

    from orgs.models import Organisation
    from surveys import services
    from surveys.selectors import satisfaction_score

    _answered(office, survey)
    duanyuan = Organisation.objects.get(code="duanyuan")
    other = services.wave_create(
        actor=office,
        project=survey["project"],
        unit=duanyuan,
        questionnaire=survey["questionnaire"],
        name="测试·段园镇",
        method="phone",
        sample_size=2,
        start=dt.date(2021, 11, 1),
        end=dt.date(2021, 11, 30),
    )
    answer(office, survey, "知道", "满意", wave=other)
    answer(office, survey, "知道", "满意", wave=other)
    assert satisfaction_score(survey["project"], year=2021) == Decimal("78.00")
    assert satisfaction_score(survey["project"], unit=survey["shitai"]) == Decimal("72.50")
    assert satisfaction_score(None, unit=duanyuan, year=2021) == Decimal("100.00")
    assert satisfaction_score(survey["project"], year=2020) is None


def test_an_unanswered_question_is_refused(office: Any, survey: dict[str, Any]) -> None:
    from django.core.exceptions import ValidationError

    from surveys import services
    from surveys.models import Response

    q_aware, _q = survey["questions"]
    with pytest.raises(ValidationError, match="请回答第2题"):
        services.response_record(
            wave=survey["wave"],
            choices={q_aware.pk: survey["aware"]["知道"].pk},
            source="surveyor",
            actor=office,
        )
    with pytest.raises(ValidationError, match="选项无效"):
        services.response_record(
            wave=survey["wave"],
            choices={q_aware.pk: survey["satisfied"]["满意"].pk, _q.pk: survey["satisfied"]["满意"].pk},
            source="surveyor",
            actor=office,
        )
    assert not Response.objects.exists()


def test_surveyor_entry_is_audited_and_a_town_enters_only_its_own(
    office: Any, town_shitai: Any, survey: dict[str, Any]
) -> None:
    from django.core.exceptions import PermissionDenied

    from core.models import AuditEvent
    from orgs.models import Organisation
    from surveys import services

    response = answer(town_shitai, survey, "知道", "满意")
    assert AuditEvent.objects.filter(object_id=str(response.pk), action="create").exists()
    survey["wave"].unit = Organisation.objects.get(code="duanyuan")
    survey["wave"].save()
    with pytest.raises(PermissionDenied):
        answer(town_shitai, survey, "知道", "满意")
    assert services  # the service refused, nothing else


def test_wave_dates_and_online_flag_are_checked(office: Any, survey: dict[str, Any]) -> None:
    import datetime as dt

    from django.core.exceptions import ValidationError

    from surveys import services

    wave = survey["wave"]
    with pytest.raises(ValidationError) as caught:
        services.wave_update(
            actor=office,
            wave=wave,
            data={"start": dt.date(2021, 12, 1), "end": dt.date(2021, 11, 1), "method": "phone"},
            expected_version=wave.version,
        )
    text = " ".join(caught.value.messages)
    assert "结束日期不能早于开始日期" in text and "线上" in text
