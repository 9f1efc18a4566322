"""The performance scene: the ``month`` fixture's 农村危房改造, led (for these tests) by 区卫健委 so the
``dept_health`` persona is its lead department; helpers to put confirmed figures into a period."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from orgs.models import Organisation


@pytest.fixture
def perf(month: dict[str, Any]) -> dict[str, Any]:
    from catalogue.models import Project

    wjw = Organisation.objects.get(code="wjw")
    Project.objects.filter(pk=month["project"].pk).update(lead_department=wjw)
    month["project"].refresh_from_db()
    return month


def confirmed(
    actor: Any,
    ctx: dict[str, Any],
    *,
    unit: str,
    month: int,
    values: tuple[int, int, int],
    arrived: str,
    spent: str,
    status: str = "confirmed",
) -> Any:
    """A report of ``unit`` for ``month`` filled through the service, then put in ``status`` (the workflow itself
    is reporting's, tested there)."""
    from reporting import services
    from reporting.models import Report
    from reporting.tests.helpers import fill

    report = services.report_open(
        actor=actor, project=ctx["project"], unit=ctx[unit], period=ctx["periods"][month]
    )
    fill(actor, report, ctx, values, arrived=arrived, spent=spent, explanation="测试")
    Report.objects.filter(pk=report.pk).update(status=status)
    return report


D = Decimal
