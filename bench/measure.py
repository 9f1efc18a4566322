"""One benchmark run against the database named by DATABASE_URL (set up by bench/__main__.py).

Each figure is a ratio against the limit measured in the same run: the raw SQL that computes the same numbers,
raw xlsxwriter writing the same rows, and a single submitter's latency. Prints one JSON object.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "minsheng.settings")
django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from catalogue.models import Program  # noqa: E402
from reporting import rollup  # noqa: E402
from reporting.exports import progress_xlsx, table_rows  # noqa: E402
from reporting.models import Period, Report  # noqa: E402
from reporting.synthetic import SCALES  # noqa: E402

PROGRESS_SQL = """
WITH ind AS (
  SELECT i.project_id, i.id AS indicator_id, SUM(t.value) AS target
  FROM responsibility_indicator i JOIN catalogue_project p ON p.id = i.project_id
  LEFT JOIN responsibility_target t ON t.indicator_id = i.id
  WHERE p.program_id = %(program)s GROUP BY i.project_id, i.id),
done AS (
  SELECT v.indicator_id, SUM(v.value) AS done FROM reporting_reportvalue v
  JOIN reporting_report r ON r.id = v.report_id
  WHERE r.period_id = %(period)s AND r.status = 'confirmed' GROUP BY v.indicator_id),
budget AS (
  SELECT f.project_id, f.source, SUM(f.original + COALESCE(adj.d, 0)) AS budget FROM funding_fundingline f
  LEFT JOIN (SELECT line_id, SUM(delta) AS d FROM funding_fundingadjustment GROUP BY line_id) adj ON adj.line_id = f.id
  JOIN catalogue_project p ON p.id = f.project_id WHERE p.program_id = %(program)s GROUP BY f.project_id, f.source),
money AS (
  SELECT r.project_id, SUM(rf.arrived) AS a, SUM(rf.spent) AS s FROM reporting_reportfunds rf
  JOIN reporting_report r ON r.id = rf.report_id
  WHERE r.period_id = %(period)s AND r.status = 'confirmed' GROUP BY r.project_id)
SELECT p.id, ind.indicator_id, ind.target, done.done, b.source, b.budget, money.a, money.s
FROM catalogue_project p
LEFT JOIN ind ON ind.project_id = p.id LEFT JOIN done ON done.indicator_id = ind.indicator_id
LEFT JOIN budget b ON b.project_id = p.id LEFT JOIN money ON money.project_id = p.id
WHERE p.program_id = %(program)s ORDER BY p."order"
"""

RANKING_SQL = """
SELECT s.unit_id, SUM(s.budget), SUM(s.arrived), SUM(s.spent), AVG(s.completion),
  (SELECT COUNT(*) FROM reporting_report r JOIN reporting_period pe ON pe.id = r.period_id
   WHERE r.unit_id = s.unit_id AND r.period_id = %(period)s AND r.submitted_at IS NOT NULL
   AND CAST(r.submitted_at AS DATE) <= pe.deadline) AS on_time,
  (SELECT COUNT(*) FROM catalogue_project_implementing_units iu JOIN catalogue_project p ON p.id = iu.project_id
   WHERE iu.organisation_id = s.unit_id AND p.program_id = %(program)s) AS expected
FROM reporting_summary s JOIN orgs_organisation o ON o.id = s.unit_id
WHERE s.period_id = %(period)s AND o.kind IN ('town', 'street', 'zone')
GROUP BY s.unit_id
"""


def timed(fn: Callable[[], Any], repeat: int) -> float:
    """Median wall time of ``repeat`` runs after one warm-up."""
    fn()
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def raw(sql: str, params: dict[str, Any]) -> Callable[[], list[Any]]:
    def run() -> list[Any]:
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                cursor.execute(
                    sql.replace("%(program)s", ":program")
                    .replace("%(period)s", ":period")
                    .replace("CAST(r.submitted_at AS DATE)", "DATE(r.submitted_at)"),
                    params,
                )
            else:
                cursor.execute(sql, params)
            return cursor.fetchall()

    return run


def ensure_data(scale: str) -> None:
    call_command("migrate", verbosity=0)
    if Program.objects.filter(is_sample=True).count() >= SCALES[scale]["districts"] * SCALES[scale]["years"]:
        return
    with open(os.devnull, "w") as devnull:
        call_command("load_reference_data", stdout=devnull)
    call_command("generate_synthetic", scale=scale, stdout=sys.stderr)


def main() -> None:
    scale = sys.argv[1]
    ensure_data(scale)
    program = Program.objects.filter(is_sample=True).order_by("-year", "issuer__code").first()
    period = Period.objects.get(program=program, month=12)
    reports = Report.objects.count()
    repeat = 7
    result: dict[str, Any] = {"scale": scale, "vendor": connection.vendor, "reports": reports}

    ours = timed(lambda: rollup.progress_table(program=program, month=12), repeat)
    limit = timed(raw(PROGRESS_SQL, {"program": program.id, "period": period.id}), repeat)
    result["progress"] = {"ours": ours, "raw": limit, "ratio": ours / limit}

    ours = timed(lambda: rollup.ranking(period=period, kind="local"), repeat)
    limit = timed(raw(RANKING_SQL, {"program": program.id, "period": period.id}), repeat)
    result["ranking"] = {"ours": ours, "raw": limit, "ratio": ours / limit}

    # Excel: the 进度表 of every sample district of that year, styled, vs raw xlsxwriter writing the same rows.
    programs = list(Program.objects.filter(is_sample=True, year=program.year))
    rows = [r for p in programs for r in rollup.progress_table(program=p, month=12)]
    head, body = table_rows(rows, per_unit=False)

    def plain() -> bytes:
        import io

        import xlsxwriter

        buffer = io.BytesIO()
        book = xlsxwriter.Workbook(buffer, {"in_memory": True})
        sheet = book.add_worksheet()
        sheet.write_row(0, 0, head)
        for i, row in enumerate(body, start=1):
            sheet.write_row(i, 0, row)
        book.close()
        return buffer.getvalue()

    ours = timed(lambda: progress_xlsx(period=period, rows=rows), 3)
    limit = timed(plain, 3)
    result["excel_export"] = {"rows": len(body), "ours": ours, "raw": limit, "speed": limit / ours}
    print(json.dumps(result))


if __name__ == "__main__":
    main()
