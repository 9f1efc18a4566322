"""100 concurrent submitters over loopback against a real gunicorn on the bench database (bounded in time).

Prints one JSON object: errors, reports lost, p50/p95 latency of the concurrent run and of a single submitter."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from pathlib import Path

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "minsheng.settings")
django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from knox.models import AuthToken  # noqa: E402

from bench.server import free_port, wait_ready  # noqa: E402
from catalogue.models import Program  # noqa: E402
from orgs.models import OrgKind  # noqa: E402
from orgs.services import membership_grant  # noqa: E402
from reporting.models import Period, Report, ReportFunds, ReportValue, Status  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SUBMITTERS, SINGLE, TIME_LIMIT = 100, 20, 120


def prepare(count: int) -> tuple[list[int], dict[int, str]]:
    """Draft reports, ready to submit, in a fresh month of the latest sample program; a token per unit."""
    program = Program.objects.filter(is_sample=True).order_by("-year", "issuer__code").first()
    month = (
        Period.objects.filter(program=program).order_by("-month").values_list("month", flat=True).first() or 0
    ) + 1
    if month > 12:  # reuse: move earlier bench reports out of the way
        Report.objects.filter(period__program=program, period__month=12, status=Status.SUBMITTED).update(
            status=Status.DRAFT
        )
        month = 12
    period, _ = Period.objects.get_or_create(
        program=program, month=month, defaults={"label": f"{month}月", "deadline": "2099-01-05"}
    )
    pairs = [
        (p, u)
        for p in program.projects.prefetch_related("implementing_units", "indicators")
        for u in p.implementing_units.all()
    ]
    ids, tokens = [], {}
    User = get_user_model()
    for project, unit in pairs[:count]:
        report, _ = Report.objects.get_or_create(
            project=project,
            unit=unit,
            period=period,
            defaults={"progress": "示例（并发测试）", "explanation": "示例"},
        )
        report.status, report.progress, report.explanation = Status.DRAFT, "示例（并发测试）", "示例"
        report.save()
        for ind in project.indicators.all():
            ReportValue.objects.update_or_create(report=report, indicator=ind, defaults={"value": Decimal(1)})
        ReportFunds.objects.update_or_create(
            report=report, source="province", defaults={"arrived": 100, "spent": 50}
        )
        ids.append(report.id)
        if unit.id not in tokens:
            user, _ = User.objects.get_or_create(
                username=f"bench_{unit.code}", defaults={"first_name": "示例"}
            )
            membership_grant(
                actor=None,
                user=user,
                organisation=unit,
                role="town" if unit.kind != OrgKind.DEPARTMENT else "department",
            )
            tokens[unit.id] = AuthToken.objects.create(user=user)[1]
    unit_of = dict(Report.objects.filter(id__in=ids).values_list("id", "unit_id"))
    return ids, {rid: tokens[unit_of[rid]] for rid in ids}


def submit(base: str, report_id: int, token: str) -> tuple[bool, float]:
    request = urllib.request.Request(
        f"{base}/api/reports/{report_id}/transition/",
        data=b'{"action": "submit"}',
        method="POST",
        headers={"Authorization": f"Token {token}", "Content-Type": "application/json"},
    )
    start = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            ok = response.status == 200
    except Exception:  # noqa: BLE001 — every failure counts as an error
        ok = False
    return ok, time.perf_counter() - start


def percentile(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100)[int(q) - 1] if len(values) > 1 else values[0]


def main() -> None:
    ids, tokens = prepare(SUBMITTERS + SINGLE)
    single_ids, concurrent_ids = ids[:SINGLE], ids[SINGLE:]
    port = free_port()
    env = dict(os.environ, DJANGO_ALLOWED_HOSTS="127.0.0.1")
    server = subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "minsheng.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "3",
            "--threads",
            "4",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_ready(base, tries=100)
        single = [submit(base, rid, tokens[rid]) for rid in single_ids]
        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=SUBMITTERS) as pool:
            futures = [pool.submit(submit, base, rid, tokens[rid]) for rid in concurrent_ids]
            results = [f.result(timeout=TIME_LIMIT) for f in futures]
        wall = time.perf_counter() - started
    finally:
        server.terminate()
        server.wait(timeout=30)
    submitted = Report.objects.filter(id__in=concurrent_ids, status=Status.SUBMITTED).count()
    ok = [t for good, t in results if good]
    print(
        json.dumps(
            {
                "submitters": len(concurrent_ids),
                "errors": sum(1 for good, _ in results if not good),
                "lost": sum(1 for good, _ in results if good) - submitted,
                "wall": wall,
                "p50": statistics.median(ok) if ok else None,
                "p95": percentile(ok, 95) if ok else None,
                "single_p50": statistics.median(t for _, t in single),
                "single_p95": percentile([t for _, t in single], 95),
                "single_errors": sum(1 for good, _ in single if not good),
            }
        )
    )


if __name__ == "__main__":
    sys.exit(main())
