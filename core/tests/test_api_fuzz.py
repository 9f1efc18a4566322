"""API fuzzing: schemathesis (``--checks all``, fixed seed) against the OpenAPI schema of a running test server,
as 民生办 and as a town. Fails on any server error (5xx); prints the number of cases run.

Reproduce a run by hand: ``.venv/bin/pytest core/tests/test_api_fuzz.py -s``; the JSON reports are written to
``test-artifacts/schemathesis/``. FUZZ_SEED and FUZZ_EXAMPLES change the seed and the cases per operation."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from reporting.models import Report
from reporting.tests.helpers import fill

SEED = int(os.environ.get("FUZZ_SEED", "20261201"))
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "12"))
MIN_CASES = 1000
REPORTS = Path(settings.BASE_DIR) / "test-artifacts" / "schemathesis"
CSRF = "fuzzcsrftoken0123456789abcdefghi"  # a valid 32-character CSRF secret sent as cookie and header


SERVER_ERRORS = {"ST101", "ST102"}  # schemathesis' ServerError and ContentTypeServerError


class _ServerErrors(logging.Handler):
    """Collects the 5xx responses Django logs while the fuzzing runs (a second witness beside schemathesis)."""

    def __init__(self, sink: list[str]) -> None:
        super().__init__(level=logging.ERROR)
        self.sink = sink

    def emit(self, record: logging.LogRecord) -> None:
        if getattr(record, "status_code", 500) >= 500:
            self.sink.append(record.getMessage())


def _session_cookie(user: Any) -> str:
    """A logged-in session (whatever the API's token scheme becomes): the test client's cookie."""
    client = Client()
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def _run(live_server: Any, user: Any, name: str) -> dict[str, Any]:
    REPORTS.mkdir(parents=True, exist_ok=True)
    url = live_server.url.replace("//localhost:", "//127.0.0.1:")
    report = REPORTS / f"{name}.json"
    report.unlink(missing_ok=True)
    cookie = f"{settings.SESSION_COOKIE_NAME}={_session_cookie(user)}; {settings.CSRF_COOKIE_NAME}={CSRF}"
    command = [
        str(Path(sys.executable).with_name("st")),
        "run",
        f"{url}/api/schema/?format=json",
        "--url",
        url,
        "--checks",
        "all",
        "--seed",
        str(SEED),
        "--max-examples",
        str(EXAMPLES),
        "--workers",
        "1",
        "--phases",
        "examples,coverage,fuzzing",
        "--continue-on-failure",
        "--no-shrink",
        "--request-timeout",
        "30",
        "--suppress-health-check",
        "all",
        "-H",
        f"Cookie: {cookie}",
        "-H",
        f"X-CSRFToken: {CSRF}",
        "-H",
        "Connection: close",  # the test server answers kept-alive connections slowly
        "-H",
        f"Referer: {url}/",
        "--report",
        "json",
        "--report-json-path",
        str(report),
        "--output-truncate",
        "true",
    ]
    done = subprocess.run(
        command, capture_output=True, text=True, timeout=1800, env={**os.environ, "NO_COLOR": "1"}
    )
    (REPORTS / f"{name}.txt").write_text(done.stdout + done.stderr)
    assert report.exists(), done.stdout[-3000:] + done.stderr[-3000:]
    return json.loads(report.read_text())


@pytest.mark.fuzz
def test_api_fuzzing_finds_no_server_error(
    world_reloaded: None,
    live_server: Any,
    month: dict[str, Any],
    office: Any,
    town_shitai: Any,
    capsys: pytest.CaptureFixture[str],
) -> None:
    period = month["periods"][6]
    report = Report.objects.create(project=month["project"], unit=month["shitai"], period=period)
    fill(town_shitai, report, month, (5, 5, 50), "300000", "100000")
    logged: list[str] = []
    handler = _ServerErrors(logged)
    logging.getLogger("django.request").addHandler(handler)
    try:
        results = {
            name: _run(live_server, user, name) for name, user in (("office", office), ("town", town_shitai))
        }
    finally:
        logging.getLogger("django.request").removeHandler(handler)
    cases = sum(_cases(r) for r in results.values())
    failures = [f for r in results.values() for f in _failures(r)]
    server_errors = [f for f in failures if f["code"] in SERVER_ERRORS]
    other = Counter(f"{f['type']} ({f['code']})" for f in failures if f["code"] not in SERVER_ERRORS)
    with capsys.disabled():  # shown in every run, not only with -s
        print(
            f"\nschemathesis: {cases} cases (seed {SEED}), {len(server_errors)} server errors reported, "
            f"{len(logged)} 5xx logged by Django; other checks: {dict(other)}"
        )
    assert server_errors == [] and logged == []
    assert cases >= MIN_CASES


def _cases(report: dict[str, Any]) -> int:
    return int(report["test_cases"]["generated"])


def _failures(report: dict[str, Any]) -> list[dict[str, Any]]:
    return [{**f, "check": f.get("type") or f.get("code")} for f in report.get("failures", [])]
