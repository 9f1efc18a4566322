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


@pytest.fixture
def assessed(perf: dict[str, Any], office: Any) -> dict[str, Any]:
    """A December run of the default scheme, approved, whose town totals are set by hand (石台镇 90 优秀,
    段园镇 85 良好, every other unit 50 不合格) so rewards and constraints can be worked out on paper; a project of the
    next year's program to record rewards on."""
    from catalogue.models import Program, Project
    from evaluation import services
    from evaluation.models import Run, UnitResult

    scheme = services.scheme_create_from_template(actor=office, program=perf["program"])
    run = services.run_compute(actor=office, scheme=scheme, month=12)
    UnitResult.objects.filter(run=run).update(score=D(50), band="不合格", rank=3)
    UnitResult.objects.filter(run=run, unit=perf["shitai"]).update(score=D(90), band="优秀", rank=1)
    UnitResult.objects.filter(run=run, unit=perf["duanyuan"]).update(score=D("85"), band="良好", rank=2)
    Run.objects.filter(pk=run.pk).update(status="approved")
    run.refresh_from_db()
    next_program = Program.objects.filter(year=perf["program"].year + 1).first()
    if next_program is None:
        next_program = Program.objects.create(
            year=perf["program"].year + 1, issuer=perf["program"].issuer, issuer_name="示例", status="draft"
        )
    project = Project.objects.filter(program=next_program).order_by(
        "order"
    ).first() or Project.objects.create(
        program=next_program, order=1, name="以奖代补项目", kind=perf["project"].kind
    )
    return {**perf, "scheme": scheme, "run": run, "next_project": project}
