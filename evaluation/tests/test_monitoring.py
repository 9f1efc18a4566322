"""双监控: the sheet prefilled from confirmed reports and funding exactly as the 进度表 has them, the lead
department's additions, the at-risk list and the Excel export."""

from __future__ import annotations

import io
from decimal import Decimal as D
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from evaluation import selectors, services
from evaluation.tests.conftest import confirmed
from reporting.rollup import progress_table

pytestmark = pytest.mark.django_db


def _row(perf: dict[str, Any], office: Any, month: int = 7) -> selectors.MonitoringRow:
    return selectors.monitoring_row(user=office, project=perf["project"], month=month)


def test_prefilled_from_confirmed_reports_only(perf: dict[str, Any], office: Any) -> None:
    # 石台镇 confirmed for July: 开工 5 of 10, 完工 2 of 10, 投资 40 of 100; 段园镇's July report only submitted
    confirmed(office, perf, unit="shitai", month=7, values=(5, 2, 40), arrived="400000", spent="300000")
    confirmed(
        office,
        perf,
        unit="duanyuan",
        month=7,
        values=(9, 9, 90),
        arrived="900000",
        spent="900000",
        status="submitted",
    )
    row = _row(perf, office)
    assert row.data_month == 7 and row.budget_total == D("1800000") and row.spent == D("300000")
    assert row.execution_rate == D("300000") / D("1800000")
    started = row.indicators[0]
    assert (started["name"], started["target"], started["done"]) == ("开工项目数", D(30), D(5))
    assert started["expected"] == D(30) * D(7) / D(12)  # 序时: 7/12 of the annual target
    official = progress_table(user=None, program=perf["program"], month=7)
    same = next(r for r in official if r.project == perf["project"])
    assert [i["done"] for i in same.indicators] == [i["done"] for i in row.indicators]
    assert row.schedule == same.schedule and row.behind == same.behind


def test_behind_projects_are_at_risk(perf: dict[str, Any], office: Any) -> None:
    confirmed(office, perf, unit="shitai", month=7, values=(1, 0, 5), arrived="100000", spent="10000")
    row = _row(perf, office)
    assert (
        row.at_risk
        and any("滞后" in str(r) for r in row.risks)
        and any("预算执行率" in str(r) for r in row.risks)
    )
    rows = selectors.monitoring_rows(user=office, program=perf["program"], month=7)
    others = [r for r in rows if r.project != perf["project"]]
    assert not any(r.at_risk for r in others if not r.indicators and not r.budget_total)


def test_lead_department_adds_forecast_reason_likelihood_measures(
    perf: dict[str, Any], dept_health: Any, town_shitai: Any
) -> None:
    started = perf["indicators"][0]
    sheet = services.monitoring_save(
        actor=dept_health,
        project=perf["project"],
        month=7,
        data={
            "forecast_spent": D("1500000"),
            "forecasts": {str(started.pk): D(28)},
            "deviation_reason": "funds",
            "likelihood": "possible",
            "measures": "督促资金拨付",
        },
    )
    row = _row(perf, dept_health)
    assert row.sheet == sheet and row.indicators[0]["forecast"] == D(28)
    assert row.at_risk and "预计完成目标：有可能" in [str(r) for r in row.risks]
    with pytest.raises(ValidationError, match="须说明"):
        services.monitoring_save(
            actor=dept_health, project=perf["project"], month=7, data={"deviation_reason": "other"}
        )
    with pytest.raises(PermissionDenied):
        services.monitoring_save(
            actor=town_shitai, project=perf["project"], month=7, data={"measures": "越权"}
        )


def test_forecasts_of_another_projects_indicator_are_refused(perf: dict[str, Any], office: Any) -> None:
    from responsibility.models import Indicator

    foreign = Indicator.objects.exclude(project=perf["project"]).first() or None
    key = str(foreign.pk) if foreign else "999999"
    with pytest.raises(ValidationError, match="不属于该项目"):
        services.monitoring_save(
            actor=office, project=perf["project"], month=7, data={"forecasts": {key: D(1)}}
        )


def test_pages_and_excel(perf: dict[str, Any], office: Any, client_for: Any) -> None:
    from python_calamine import CalamineWorkbook

    confirmed(office, perf, unit="shitai", month=7, values=(5, 2, 40), arrived="400000", spent="300000")
    client = client_for("dept_health")
    started = perf["indicators"][0]
    edit = reverse("evaluation:monitoring_edit", args=[perf["project"].pk, 7])
    answer = client.post(
        edit,
        {
            "forecast_spent": "150.00",
            f"f{started.pk}": "28",
            "deviation_reason": "staff",
            "likelihood": "certain",
            "measures": "增派人员",
        },
    )
    assert answer.status_code == 302
    listing = reverse("evaluation:monitoring", args=[perf["program"].pk])
    page = client.get(listing).content.decode()
    assert "农村危房改造" in page and "180.00" in page and "30.00" in page
    book = CalamineWorkbook.from_filelike(io.BytesIO(client.get(listing + "?month=7&format=xlsx").content))
    rows = book.get_sheet_by_name("1-7月绩效监控").to_python()
    mine = [r for r in rows if r[1] == "农村危房改造"]
    assert mine[0][3:7] == [180.0, 30.0, pytest.approx(1 / 6), 150.0]
    assert mine[0][7] == "开工项目数（个）" and mine[0][8:12] == [30.0, 5.0, 17.5, 28.0]
    assert mine[0][12:15] == ["人员保障", "确定能", "增派人员"]
    assert client_for("town_shitai").get(edit).status_code == 404
    assert client_for("leader").post(edit, {"measures": "越权"}).status_code == 200
    from evaluation.models import MonitoringSheet

    assert MonitoringSheet.objects.get().measures == "增派人员"


def test_a_partial_save_keeps_the_forecasts(perf: dict[str, Any], dept_health: Any) -> None:
    started = perf["indicators"][0]
    project = perf["project"]
    services.monitoring_save(
        actor=dept_health, project=project, month=7, data={"forecasts": {str(started.pk): D(28)}}
    )
    sheet = services.monitoring_save(
        actor=dept_health, project=project, month=7, data={"measures": "督促进度"}
    )
    assert sheet.forecasts == {str(started.pk): "28"} and sheet.measures == "督促进度"
