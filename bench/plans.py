"""EXPLAIN ANALYZE of the hot read queries on the bench database (DATABASE_URL, PostgreSQL), at the scale it holds.

``python -m bench.plans`` prints Markdown: for each query (the 进度表, the ranking, the review queue, a province
dashboard aggregate, and the year-partitioning experiment), the plan PostgreSQL chose with actual times and
buffers. bench/__main__.py puts it into docs/performance.md. Not part of the tests.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Callable
from typing import Any

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "minsheng.settings")
django.setup()

from django.db import connection  # noqa: E402
from django.db.models import Count, Q, Sum  # noqa: E402

from bench.measure import bench_office  # noqa: E402
from catalogue.models import Program  # noqa: E402
from reporting import rollup, selectors  # noqa: E402
from reporting.models import Period, Report, Status, Summary  # noqa: E402


def captured(fn: Callable[[], Any]) -> list[tuple[str, Any]]:
    """The SQL statements (with their parameters) that ``fn`` runs."""
    seen: list[tuple[str, Any]] = []

    def wrapper(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        seen.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        fn()
    return seen


def explain(sql: str, params: Any) -> tuple[str, float]:
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS, COSTS OFF, SUMMARY ON) {sql}", params)
        lines = [row[0] for row in cursor.fetchall()]
    total = next((float(x.split(":")[1].split()[0]) for x in lines if x.startswith("Execution Time")), 0.0)
    return "\n".join(lines), total


def dashboard(year: int, month: int) -> list[dict[str, Any]]:
    """A province overview: per district program of the year, the month's reports by state and the confirmed
    money (what a provincial dashboard shows on its first screen)."""
    # .order_by(): Report's Meta.ordering would otherwise leave joins to projects and units in the GROUP BY query
    reports = (
        Report.objects.filter(period__program__year=year, period__month=month)
        .order_by()
        .values("period__program")
        .annotate(
            n=Count("id"),
            confirmed=Count("id", filter=Q(status=Status.CONFIRMED)),
            waiting=Count("id", filter=Q(status__in=[Status.SUBMITTED, Status.DEPT_APPROVED])),
        )
    )
    money = (
        Summary.objects.filter(period__program__year=year, period__month=month, unit__isnull=True)
        .order_by()
        .values("period__program")
        .annotate(budget=Sum("budget"), arrived=Sum("arrived"), spent=Sum("spent"))
    )
    return [*reports, *money]


PARTITION_SQL = """
DROP TABLE IF EXISTS bench_report_by_year;
CREATE TABLE bench_report_by_year (LIKE reporting_report INCLUDING DEFAULTS, year integer NOT NULL)
  PARTITION BY LIST (year);
{partitions}
INSERT INTO bench_report_by_year SELECT r.*, g.year FROM reporting_report r
  JOIN reporting_period pe ON pe.id = r.period_id JOIN catalogue_program g ON g.id = pe.program_id;
CREATE INDEX ON bench_report_by_year (period_id, status);
CREATE INDEX ON bench_report_by_year (unit_id, period_id);
ANALYZE bench_report_by_year;
"""
YEAR_QUERY = """
SELECT r.status, COUNT(*) FROM {table} r JOIN reporting_period pe ON pe.id = r.period_id
JOIN catalogue_program g ON g.id = pe.program_id WHERE g.year = %s AND pe.month = %s {extra} GROUP BY r.status
"""


def partition_experiment(year: int, month: int) -> dict[str, Any]:
    """The report table copied into a table partitioned by the program's year (LIST), then the province
    dashboard's per-year query on both."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT DISTINCT year FROM catalogue_program ORDER BY year")
        years = [y for (y,) in cursor.fetchall()]
        parts = "\n".join(
            f"CREATE TABLE bench_report_y{y} PARTITION OF bench_report_by_year FOR VALUES IN ({y});"
            for y in years
        )
        started = time.perf_counter()
        for statement in PARTITION_SQL.format(partitions=parts).split(";\n"):
            if statement.strip():
                cursor.execute(statement)
        built = time.perf_counter() - started
    plain = explain(YEAR_QUERY.format(table="reporting_report", extra=""), [year, month])
    parted = explain(
        YEAR_QUERY.format(table="bench_report_by_year", extra="AND r.year = %s"), [year, month, year]
    )
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE bench_report_by_year")
    return {"years": years, "built": built, "plain": plain, "partitioned": parted}


def main() -> None:
    if connection.vendor != "postgresql":
        raise SystemExit("bench.plans needs PostgreSQL (DATABASE_URL=postgres://…)")
    program = Program.objects.filter(is_sample=True).order_by("-year", "issuer__code").first()
    period = Period.objects.get(program=program, month=12)
    office = bench_office()
    # the review queue where most reports wait (after a rush: a deadline day), else the same December
    busiest = (
        Report.objects.filter(status__in=[Status.SUBMITTED, Status.DEPT_APPROVED])
        .order_by()
        .values("period")
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()
    )
    review_period = Period.objects.get(pk=busiest["period"]) if busiest else period
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    queries: list[tuple[str, Callable[[], Any]]] = [
        (
            "进度表 (progress_table, one district, December)",
            lambda: rollup.progress_table(user=None, program=program, month=12),
        ),
        (
            "ranking (towns of one district, December)",
            lambda: rollup.ranking(user=office, period=period, kind="local"),
        ),
        (
            "review queue (民生办, one district: the December with most reports waiting)",
            lambda: list(selectors.review_queue(user=office, period=review_period)),
        ),
        ("province dashboard (all districts of the year, December)", lambda: dashboard(program.year, 12)),
    ]
    out: dict[str, Any] = {"reports": Report.objects.count(), "plans": []}
    for label, fn in queries:
        statements = [s for s in captured(fn) if s[0].lstrip().upper().startswith(("SELECT", "WITH"))]
        # the heaviest statement of each (a few small look-ups around it are not the question)
        plans = [(explain(sql, params), sql) for sql, params in statements]
        (plan, ms), sql = max(plans, key=lambda p: p[0][1])
        out["plans"].append({"label": label, "ms": ms, "plan": plan, "statements": len(statements)})
    out["partition"] = partition_experiment(program.year, 12)
    print(json.dumps(out, ensure_ascii=False))


if __name__ == "__main__":
    sys.exit(main())
