"""Shared by the reporting, portal and browser tests: fill a report of the ``month`` fixture (root conftest)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from reporting import services


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
