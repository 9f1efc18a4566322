"""单位自评表 from the data: December's confirmed figures and the funding plan, the rules of evaluation.scoring,
未完成原因 for every shortfall, the weights within the rules, 部门评价 then 民生办 review."""

from __future__ import annotations

from decimal import Decimal as D
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from evaluation import selectors, services
from evaluation.models import SelfEvaluation, Status
from evaluation.tests.conftest import confirmed

pytestmark = pytest.mark.django_db


@pytest.fixture
def december(perf: dict[str, Any], office: Any) -> dict[str, Any]:
    # 开工 10/10 + 16/20 = 26 of 30; 完工 10 + 14 = 24 of 30; 投资 100 + 200 = 300 of 300; spent 162 of 180 万元
    confirmed(office, perf, unit="shitai", month=12, values=(10, 10, 100), arrived="600000", spent="540000")
    confirmed(
        office, perf, unit="duanyuan", month=12, values=(16, 14, 200), arrived="1200000", spent="1080000"
    )
    return perf


def test_scores_from_december_data(december: dict[str, Any]) -> None:
    sheet = selectors.evaluation_sheet(project=december["project"])
    result = sheet.result
    # no satisfaction indicator: weights 10/55/35/0; no 效益 indicator: its 35 not applicable.
    # budget 0.9 × 10 = 9; output 55/3 × (26/30 + 24/30 + 1) = 440/9; (9 + 440/9) / 65 × 100 = 89.0598… → 89.06 良
    assert sheet.evaluation.weights == {
        "budget": D(10),
        "output": D(55),
        "benefit": D(35),
        "satisfaction": D(0),
    }
    assert result.applicable == D(65) and result.total == D("89.06") and result.grade == "良"
    assert [line.key for line in result.missing_reasons] == [
        "budget",
        *(str(i.pk) for i in december["indicators"][:2]),
    ]


def test_submit_needs_every_reason_and_the_opinion(
    december: dict[str, Any], dept_health: Any, office: Any
) -> None:
    started, finished, invested = december["indicators"]
    evaluation = services.self_evaluation_save(actor=dept_health, project=december["project"], data={})
    with pytest.raises(ValidationError) as exc:
        services.self_evaluation_submit(actor=dept_health, evaluation=evaluation)
    assert exc.value.messages == [
        "“预算执行率”未完成目标，须填写未完成原因",
        "“开工项目数”未完成目标，须填写未完成原因",
        "“完工项目数”未完成目标，须填写未完成原因",
        "请填写部门评价意见",
    ]
    evaluation = services.self_evaluation_save(
        actor=dept_health,
        project=december["project"],
        data={
            "notes": {
                "budget": {"reason": "部分资金年底拨付"},
                str(started.pk): {"reason": "段园镇4户未开工"},
                str(finished.pk): {"reason": "冬季停工"},
            },
            "department_opinion": "总体完成较好",
        },
        expected_version=evaluation.version,
    )
    evaluation = services.self_evaluation_submit(actor=dept_health, evaluation=evaluation)
    assert evaluation.status == Status.SUBMITTED and (evaluation.score, evaluation.grade) == (
        D("89.06"),
        "良",
    )
    with pytest.raises(PermissionDenied):
        services.self_evaluation_decide(actor=dept_health, evaluation=evaluation, approve=True)
    with pytest.raises(ValidationError, match="退回须写明原因"):
        services.self_evaluation_decide(actor=office, evaluation=evaluation, approve=False)
    evaluation = services.self_evaluation_decide(
        actor=office, evaluation=evaluation, approve=True, opinion="同意"
    )
    assert evaluation.status == Status.APPROVED and evaluation.office_opinion == "同意"
    with pytest.raises(ValidationError, match="已审核通过"):
        services.self_evaluation_save(
            actor=dept_health, project=december["project"], data={"department_opinion": "改"}
        )


def test_not_applicable_indicator_is_rescaled_out(december: dict[str, Any], dept_health: Any) -> None:
    started, finished, _ = december["indicators"]
    services.self_evaluation_save(
        actor=dept_health,
        project=december["project"],
        data={"notes": {str(finished.pk): {"na": True}}},
    )
    result = selectors.evaluation_sheet(project=december["project"]).result
    # output 55/3 each; 完工 excluded: applicable 10 + 110/3 = 46.667; earned 9 + 55/3 × (26/30 + 1) = 9 + 308/9
    # = 43.222; 43.222 / 46.667 × 100 = 92.619… → 92.62 优
    assert result.applicable == D(10) + D(55) * 2 / 3
    assert result.total == D("92.62") and result.grade == "优"


def test_weights_keep_the_rules(december: dict[str, Any], dept_health: Any) -> None:
    with pytest.raises(ValidationError) as exc:
        services.self_evaluation_save(
            actor=dept_health,
            project=december["project"],
            data={"weight_output": D(60), "weight_satisfaction": D(5)},
        )
    assert "各部分分值合计须为100分（现为110分）" in exc.value.messages
    assert any("满意度指标分值须为0" in m for m in exc.value.messages)
    evaluation = services.self_evaluation_save(
        actor=dept_health, project=december["project"], data={"weight_budget": D(20), "weight_output": D(45)}
    )
    # budget 0.9 × 20 = 18; output 15 × 8/3 = 40; (18 + 40) / 65 → 89.23
    assert selectors.evaluation_sheet(project=december["project"], evaluation=evaluation).result.total == D(
        "89.23"
    )


def test_satisfaction_is_an_entered_value_with_its_source(december: dict[str, Any], dept_health: Any) -> None:
    from responsibility.models import Indicator

    Indicator.objects.create(
        project=december["project"],
        order=9,
        name="受益群众满意度",
        unit="%",
        category="satisfaction",
        target=D(90),
    )
    with pytest.raises(ValidationError, match="来源"):
        services.self_evaluation_save(
            actor=dept_health, project=december["project"], data={"satisfaction_value": D(85)}
        )
    evaluation = services.self_evaluation_save(
        actor=dept_health,
        project=december["project"],
        data={"satisfaction_value": D(85), "satisfaction_source": "电话回访100户"},
    )
    assert evaluation.weights["satisfaction"] == D(10) and evaluation.weights["output"] == D(50)
    result = selectors.evaluation_sheet(project=december["project"]).result
    satisfaction = next(line for line in result.lines if line.part == "satisfaction")
    assert satisfaction.earned == D(10) * D(85) / D(90)
    # budget 9 + output 50/3 × 8/3 = 400/9 + satisfaction 85/9; 效益 30 not applicable: / 70
    assert result.total == ((D(9) + D(400) / 9 + D(85) / 9) / 70 * 100).quantize(D("0.01"))


def test_page_saves_and_submits(december: dict[str, Any], client_for: Any) -> None:
    started, finished, invested = december["indicators"]
    url = reverse("evaluation:self", args=[december["project"].pk])
    client = client_for("dept_health")
    page = client.get(url).content.decode()
    assert "89.06" in page and "良" in page
    data = {
        "weight_budget": "10",
        "weight_output": "55",
        "weight_benefit": "35",
        "weight_satisfaction": "0",
        "satisfaction_value": "",
        "satisfaction_source": "",
        "department_opinion": "总体完成较好",
        "nbudget-reason": "部分资金年底拨付",
        f"n{started.pk}-reason": "4户未开工",
        f"n{finished.pk}-reason": "冬季停工",
        f"n{invested.pk}-reason": "",
        "action": "submit",
    }
    answer = client.post(url, data, follow=True).content.decode()
    assert "已提交民生办复核" in answer
    assert SelfEvaluation.objects.get().grade == "良"
    assert client_for("town_shitai").get(url).status_code == 404
    assert "绩效自评表待复核" in client_for("office").get(reverse("home")).content.decode()
