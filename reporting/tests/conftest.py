from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from catalogue.models import Program, Project
from funding.services import funding_line_create
from orgs.models import Organisation
from reporting import services
from responsibility import services as rs


@pytest.fixture
def month(office: Any) -> dict[str, Any]:
    """2021 with monthly periods; 农村危房改造 with targets for 石台镇 and 段园镇 and their budgets."""
    program = Program.objects.get(year=2021)
    periods = services.periods_open(actor=office, program=program)
    project = Project.objects.get(program=program, name="农村危房改造")
    shitai, duanyuan = Organisation.objects.get(code="shitai"), Organisation.objects.get(code="duanyuan")
    started, finished, invested = rs.indicators_apply_defaults(actor=office, project=project)
    for ind, a, b in ((started, 10, 20), (finished, 10, 20), (invested, 100, 200)):
        rs.target_set(actor=office, indicator=ind, unit=shitai, value=Decimal(a))
        rs.target_set(actor=office, indicator=ind, unit=duanyuan, value=Decimal(b))
    funding_line_create(actor=office, project=project, unit=shitai, source="province", original="600000")
    funding_line_create(actor=office, project=project, unit=duanyuan, source="province", original="1200000")
    return {
        "program": program,
        "periods": {p.month: p for p in periods},
        "project": project,
        "shitai": shitai,
        "duanyuan": duanyuan,
        "indicators": (started, finished, invested),
    }


def fill(
    actor: Any,
    report: Any,
    ctx: dict[str, Any],
    values: tuple[int, int, int],
    arrived: str,
    spent: str,
    progress: str = "按计划推进",
    explanation: str = "",
) -> Any:
    started, finished, invested = ctx["indicators"]
    return services.report_save(
        actor=actor,
        report=report,
        values={
            started.pk: Decimal(values[0]),
            finished.pk: Decimal(values[1]),
            invested.pk: Decimal(values[2]),
        },
        funds={"province": (Decimal(arrived), Decimal(spent))},
        narrative={"progress": progress, "explanation": explanation},
        expected_version=report.version,
    )
