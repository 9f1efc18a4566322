"""Reports the number of scoping probes made in this run (core/tests/scoping.py)."""

from __future__ import annotations

from typing import Any


def pytest_terminal_summary(terminalreporter: Any) -> None:
    from core.tests.scoping import PROBES

    if PROBES.count:
        terminalreporter.write_line(f"scoping matrix: {PROBES.count} probes, {len(PROBES.leaks)} leaks")
