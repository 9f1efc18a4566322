from __future__ import annotations

import datetime as dt
from typing import Any

import pytest


def confirm(
    office: Any, scene: dict[str, Any], period: Any, rows: list[tuple[Any, tuple[int, int, int], str, str]]
) -> None:
    """File, submit and confirm one report per (unit, indicator values, arrived, spent) through the services."""
    from reporting import services
    from reporting.tests.helpers import fill

    for unit, values, arrived, spent in rows:
        report = services.report_open(actor=office, project=scene["project"], unit=unit, period=period)
        fill(office, report, scene, values, arrived=arrived, spent=spent, explanation="示例说明")
        services.report_submit(actor=office, report=report)
        report.refresh_from_db()
        while report.status != "confirmed":
            services.report_decide(actor=office, report=report, action="approve")
            report.refresh_from_db()


@pytest.fixture
def june(month: dict[str, Any], office: Any, django_capture_on_commit_callbacks: Any) -> dict[str, Any]:
    """The reporting scene's June with both towns' reports confirmed: 石台镇 exactly on 序时 (50%), 段园镇 behind
    (10%), and one finding of 段园镇 not put right."""
    from supervision.services import finding_create

    period = month["periods"][6]
    with django_capture_on_commit_callbacks(execute=True):  # the Summary rows the ranking reads
        confirm(
            office,
            month,
            period,
            [
                (month["shitai"], (5, 5, 50), "300000", "150000"),
                (month["duanyuan"], (2, 2, 20), "120000", "60000"),
            ],
        )
    finding_create(
        actor=office,
        description="危房改造资金拨付台账不全",
        responsible=month["duanyuan"],
        deadline=dt.date(2021, 6, 20),
        project=month["project"],
    )
    return {**month, "period": period}
