"""The API: survey waves with their figures, answer sheets entered by a surveyor, the default questionnaire, the
published figures on the public API; the performance tables written through evaluation's services."""

from __future__ import annotations

from decimal import Decimal as D
from typing import Any

import pytest

from surveys.tests.conftest import SHEETS, answer

pytestmark = pytest.mark.django_db


def _json(client: Any, method: str, url: str, data: dict[str, Any]) -> Any:
    return getattr(client, method)(url, data, content_type="application/json")


def test_wave_list_carries_the_figures(client_for: Any, office: Any, survey: dict[str, Any]) -> None:
    for aware, satisfied in SHEETS:
        answer(office, survey, aware, satisfied)
    rows = client_for("leader").get("/api/survey-waves/").json()["results"]
    assert rows[0]["figures"] == {
        "responses": 10,
        "awareness_rate": "66.67",
        "satisfaction_rate": "62.50",
        "score": "72.50",
        "excluded": 3,
    }


def test_surveyor_posts_an_answer_sheet(client_for: Any, survey: dict[str, Any]) -> None:
    from surveys.models import Response

    q_aware, q_satisfied = survey["questions"]
    payload = {
        "wave": survey["wave"].pk,
        "answers": [
            {"question": q_aware.pk, "option": survey["aware"]["知道"].pk},
            {"question": q_satisfied.pk, "option": survey["satisfied"]["一般"].pk},
        ],
    }
    town = client_for("town_shitai")
    made = _json(town, "post", "/api/survey-responses/", payload)
    assert made.status_code == 201, made.content
    assert made.json()["source"] == "surveyor"
    half = _json(town, "post", "/api/survey-responses/", {**payload, "answers": payload["answers"][:1]})
    assert half.status_code == 400 and "请回答第2题" in half.content.decode()
    assert _json(client_for("supervisor"), "post", "/api/survey-responses/", payload).status_code == 403
    assert Response.objects.count() == 1


def test_wave_created_and_changed_with_version(client_for: Any, survey: dict[str, Any]) -> None:
    client = client_for("dept_health")
    made = _json(
        client,
        "post",
        "/api/survey-waves/",
        {
            "project": survey["project"].pk,
            "unit": survey["shitai"].pk,
            "questionnaire": survey["questionnaire"].pk,
            "name": "测试·电话回访",
            "method": "phone",
            "sample_size": 50,
            "start": "2021-11-01",
            "end": "2021-11-30",
        },
    )
    assert made.status_code == 201, made.content
    pk, version = made.json()["id"], made.json()["version"]
    changed = _json(client, "patch", f"/api/survey-waves/{pk}/", {"sample_size": 60, "version": version})
    assert changed.status_code == 200 and changed.json()["sample_size"] == 60
    stale = _json(client, "patch", f"/api/survey-waves/{pk}/", {"sample_size": 70, "version": version})
    assert stale.status_code == 409
    town = _json(client_for("town_shitai"), "patch", f"/api/survey-waves/{pk}/", {"name": "改", "version": 2})
    assert town.status_code == 403


def test_default_questionnaire_by_api(client_for: Any) -> None:
    assert client_for("town_shitai").post("/api/questionnaires/default/").status_code == 403
    made = client_for("office").post("/api/questionnaires/default/")
    assert made.status_code == 201 and len(made.json()["questions"]) == 2


def test_public_api_shows_only_published_waves(client_for: Any, office: Any, survey: dict[str, Any]) -> None:
    from surveys import services

    answer(office, survey, "知道", "满意")
    anon = client_for("anon")
    assert anon.get("/api/public/surveys/").json() == []
    wave = survey["wave"]
    services.wave_update(actor=office, wave=wave, data={"is_published": True}, expected_version=wave.version)
    rows = anon.get("/api/public/surveys/").json()
    assert [r["id"] for r in rows] == [wave.pk] and rows[0]["figures"]["score"] == "100.00"
    assert "choices" not in rows[0] and "answers" not in rows[0]
    assert anon.get("/api/survey-waves/").status_code == 403


def test_performance_tables_written_through_the_services(client_for: Any, survey: dict[str, Any]) -> None:
    from evaluation.models import MonitoringSheet, PerformanceTarget, SelfEvaluation

    project = survey["project"]
    lead = client_for("dept_health")
    made = _json(lead, "post", "/api/performance-targets/", {"project": project.pk, "overall_goal": "总体"})
    assert made.status_code == 201, made.content
    target = PerformanceTarget.objects.get(project=project)
    changed = _json(
        lead,
        "patch",
        f"/api/performance-targets/{target.pk}/",
        {"annual_goal": "年度", "expected_version": 1},
    )
    assert changed.status_code == 200 and changed.json()["annual_goal"] == "年度"
    stale = _json(
        lead, "patch", f"/api/performance-targets/{target.pk}/", {"annual_goal": "再", "expected_version": 1}
    )
    assert stale.status_code == 409
    sheet = _json(
        lead, "post", "/api/monitoring-sheets/", {"project": project.pk, "month": 7, "measures": "措施"}
    )
    assert sheet.status_code == 201, sheet.content
    again = _json(
        lead, "post", "/api/monitoring-sheets/", {"project": project.pk, "month": 7, "measures": "措施二"}
    )
    assert again.status_code == 201 and MonitoringSheet.objects.get().measures == "措施二"
    bad = _json(
        lead,
        "post",
        "/api/monitoring-sheets/",
        {"project": project.pk, "month": 7, "deviation_reason": "other"},
    )
    assert bad.status_code == 400 and "偏差原因" in bad.content.decode()
    evaluation = _json(
        lead, "post", "/api/self-evaluations/", {"project": project.pk, "department_opinion": "意见"}
    )
    assert evaluation.status_code == 201, evaluation.content
    weights = _json(
        lead,
        "patch",
        f"/api/self-evaluations/{evaluation.json()['id']}/",
        {"weight_output": "70", "expected_version": evaluation.json()["version"]},
    )
    assert weights.status_code == 400 and "合计须为100分" in weights.content.decode()
    assert SelfEvaluation.objects.get().weight_output == D(55)
    for role in ("town_shitai", "leader", "supervisor"):
        refused = _json(
            client_for(role),
            "post",
            "/api/performance-targets/",
            {"project": project.pk, "overall_goal": "越权"},
        )
        assert refused.status_code == 403, role
    assert PerformanceTarget.objects.get().overall_goal == "总体"
