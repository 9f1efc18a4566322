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
from decimal import Decimal
from typing import Any

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "minsheng.settings")
django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from catalogue.models import Program  # noqa: E402
from reporting import rollup  # noqa: E402
from reporting.exports import progress_xlsx, table_rows  # noqa: E402
from reporting.models import Period, Report, ReportFunds, ReportValue  # noqa: E402
from reporting.synthetic import SCALES  # noqa: E402

# The limits: the most direct SQL producing the same figures and labels as the 进度表 (project order, name, lead
# department; indicator name, unit, target, completed; budget by source; arrived, spent; pending count) and the
# ranking (per unit: budget, arrived, spent, completion, reports on time by the deadline in local time, reports owed).
PROGRESS_SQL = """
WITH ind AS (
  SELECT i.project_id, i.id AS indicator_id, i.name, i.unit, i."order",
    COALESCE(i.target, (SELECT SUM(t.value) FROM responsibility_target t WHERE t.indicator_id = i.id)) AS target
  FROM responsibility_indicator i JOIN catalogue_project p ON p.id = i.project_id WHERE p.program_id = %(program)s),
rep AS (SELECT r.id, r.project_id, r.status FROM reporting_report r WHERE r.period_id = %(period)s),
done AS (
  SELECT v.indicator_id, SUM(v.value) AS done FROM reporting_reportvalue v JOIN rep r ON r.id = v.report_id
  WHERE r.status = 'confirmed' GROUP BY v.indicator_id),
budget AS (
  SELECT f.project_id, f.source, SUM(f.original + COALESCE(
    (SELECT SUM(a.delta) FROM funding_fundingadjustment a WHERE a.line_id = f.id), 0)) AS budget
  FROM funding_fundingline f JOIN catalogue_project p ON p.id = f.project_id
  WHERE p.program_id = %(program)s GROUP BY f.project_id, f.source),
money AS (
  SELECT r.project_id, SUM(rf.arrived) AS a, SUM(rf.spent) AS s FROM reporting_reportfunds rf
  JOIN rep r ON r.id = rf.report_id WHERE r.status = 'confirmed' GROUP BY r.project_id),
pending AS (
  SELECT r.project_id, COUNT(*) AS n FROM rep r WHERE r.status IN ('submitted', 'dept_approved')
  GROUP BY r.project_id)
SELECT p."order", p.name, o.name, o.short_name, ind."order", ind.name, ind.unit, ind.target, done.done,
  b.source, b.budget, money.a, money.s, pending.n
FROM catalogue_project p LEFT JOIN orgs_organisation o ON o.id = p.lead_department_id
LEFT JOIN ind ON ind.project_id = p.id LEFT JOIN done ON done.indicator_id = ind.indicator_id
LEFT JOIN budget b ON b.project_id = p.id LEFT JOIN money ON money.project_id = p.id
LEFT JOIN pending ON pending.project_id = p.id
WHERE p.program_id = %(program)s ORDER BY p."order", ind."order"
"""

RANKING_SQL = """
SELECT o.id, o.name, o.short_name, o."order", s.budget, s.arrived, s.spent, s.completion, s.n,
  (SELECT COUNT(*) FROM reporting_report r
   WHERE r.unit_id = o.id AND r.period_id = %(period)s AND r.submitted_at < %(cutoff)s) AS on_time,
  (SELECT COUNT(*) FROM catalogue_project p WHERE p.program_id = %(program)s AND (
     EXISTS (SELECT 1 FROM catalogue_project_implementing_units iu
             WHERE iu.project_id = p.id AND iu.organisation_id = o.id)
     OR (p.lead_department_id = o.id AND NOT EXISTS (
             SELECT 1 FROM catalogue_project_implementing_units iu WHERE iu.project_id = p.id)))) AS expected
FROM orgs_organisation o JOIN (
  SELECT unit_id, SUM(budget) AS budget, SUM(arrived) AS arrived, SUM(spent) AS spent,
    SUM(completion) AS completion, COUNT(completion) AS n
  FROM reporting_summary WHERE period_id = %(period)s AND unit_id IS NOT NULL GROUP BY unit_id) s ON s.unit_id = o.id
WHERE o.kind IN ('town', 'street', 'zone')
"""


def paired(ours: Callable[[], Any], limit: Callable[[], Any], repeat: int) -> tuple[float, float]:
    """Median wall times of ``ours`` and ``limit``, run alternately ``repeat`` times after one warm-up each, so
    that drift in the machine's speed (a shared VM) falls on both alike."""
    ours()
    limit()
    a, b = [], []
    for _ in range(repeat):
        start = time.perf_counter()
        ours()
        a.append(time.perf_counter() - start)
        start = time.perf_counter()
        limit()
        b.append(time.perf_counter() - start)
    return statistics.median(a), statistics.median(b)


def raw(sql: str, params: dict[str, Any]) -> Callable[[], list[Any]]:
    """The query on the bare DB-API connection (sqlite3 or psycopg), without Django's cursor wrapper."""
    if connection.vendor == "sqlite":
        for name in params:
            sql = sql.replace(f"%({name})s", f":{name}")

    def run() -> list[Any]:
        connection.ensure_connection()
        cursor = connection.connection.cursor()
        try:
            cursor.execute(sql, params)
            return cursor.fetchall()
        finally:
            cursor.close()

    return run


def captured(fn: Callable[[], Any]) -> Callable[[], list[Any]]:
    """Our function's one SQL query (with its parameters inlined), run on the bare DB-API connection."""
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        fn()
    (query,) = ctx.captured_queries
    sql = query["sql"]

    def run() -> list[Any]:
        connection.ensure_connection()
        cursor = connection.connection.cursor()
        try:
            cursor.execute(sql)
            return cursor.fetchall()
        finally:
            cursor.close()

    return run


def ensure_data(scale: str) -> None:
    call_command("migrate", verbosity=0)
    if Program.objects.filter(is_sample=True).count() >= SCALES[scale]["districts"] * SCALES[scale]["years"]:
        return
    with open(os.devnull, "w") as devnull:
        call_command("load_reference_data", stdout=devnull)
    call_command("generate_synthetic", scale=scale, stdout=sys.stderr)


def ensure_search_index() -> float:
    """The synthetic data is bulk-inserted (no model signals): index it once; returns the rebuild's seconds (0 when
    the index was already complete)."""
    from search.models import SearchEntry
    from search.services import search_index_rebuild

    if SearchEntry.objects.filter(kind="report").count() >= Report.objects.count():
        return 0.0
    start = time.perf_counter()
    search_index_rebuild()
    return time.perf_counter() - start


def search_bench(user: Any, repeat: int) -> dict[str, Any]:
    """``search.selectors.search`` (jieba on the query, the full-text match, the policy's restriction per kind, the
    shown rows with their titles and links, the counts) vs the same queries' SQL run on the bare connection, or
    per kind one direct SQL query of the matching rows (LIMIT 21) plus their count — whichever is faster. Two
    queries: a selective word (养老: projects) and a word in every synthetic report (进展)."""
    from django.test.utils import CaptureQueriesContext

    from search.selectors import COUNT_CAP, SHOWN, match_expression, search
    from search.sources import SOURCES
    from search.tokens import query_words

    out: dict[str, Any] = {"entries": 0}
    from search.models import SearchEntry

    out["entries"] = SearchEntry.objects.count()
    for word in ("养老", "进展"):
        search(user=user, query=word)  # warm-up (jieba's dictionary)
        with CaptureQueriesContext(connection) as ctx:
            _, groups = search(user=user, query=word)
        statements = [q["sql"] for q in ctx.captured_queries]

        def own(statements: list[str] = statements) -> None:
            connection.ensure_connection()
            cursor = connection.connection.cursor()
            try:
                for sql in statements:
                    cursor.execute(sql)
                    cursor.fetchall()
            finally:
                cursor.close()

        match_sql, param = match_expression(query_words(word))
        qmark = connection.vendor == "sqlite"
        direct_sql = []
        for source in SOURCES:
            table = source.model._meta.db_table
            inner = f"SELECT object_id FROM search_entry WHERE kind = %s AND id IN ({match_sql})"
            for sql in (
                f"SELECT t.* FROM {table} t WHERE t.id IN ({inner}) ORDER BY t.id LIMIT {SHOWN + 1}",
                f"SELECT COUNT(*) FROM (SELECT 1 FROM {table} t WHERE t.id IN ({inner}) LIMIT {COUNT_CAP + 1}) c",
            ):
                direct_sql.append((sql.replace("%s", "?") if qmark else sql, [source.kind, param]))

        def direct(direct_sql: list[tuple[str, list[Any]]] = direct_sql) -> None:
            connection.ensure_connection()
            cursor = connection.connection.cursor()
            try:
                for sql, params in direct_sql:
                    cursor.execute(sql, params)
                    cursor.fetchall()
            finally:
                cursor.close()

        ours, own_t = paired(lambda word=word: search(user=user, query=word), own, repeat)
        ours_again, direct_t = paired(lambda word=word: search(user=user, query=word), direct, repeat)
        ours = statistics.median([ours, ours_again])
        out[word] = {
            "ours": ours,
            "raw": min(own_t, direct_t),
            "ratio": ours / min(own_t, direct_t),
            "limit_query": "our SQL, raw" if own_t <= direct_t else "direct SQL",
            "hits": sum(g.count for g in groups),  # counted up to COUNT_CAP per kind
            "queries": len(statements),
        }
    return out


def import_bench(program: Program, repeat: int) -> dict[str, Any]:
    """One unit's filled batch-entry sheet for a period: our import (read, check every row, lock, write, audit)
    vs python-calamine reading the same file plus bulk inserts of the same reports, values and funds."""
    import io

    import xlsxwriter
    from django.db import transaction
    from python_calamine import CalamineWorkbook

    from reporting import excel

    period = Period.objects.get(program=program, month=11)
    unit = program.projects.order_by("order").first().implementing_units.order_by("order").first()
    user = bench_office()

    def clear() -> None:
        Report.objects.filter(period=period, unit=unit).delete()

    # the sample reports of this unit and month are set aside and put back afterwards, unchanged
    kept = list(Report.objects.filter(period=period, unit=unit).prefetch_related("values", "funds"))
    kept_values = [(r.project_id, list(r.values.all()), list(r.funds.all())) for r in kept]
    clear()
    book = CalamineWorkbook.from_filelike(io.BytesIO(excel.template(period=period, unit=unit)))
    sheets = {name: book.get_sheet_by_name(name).to_python() for name in ("指标", "资金", "进展")}
    for row in sheets["指标"][1:]:
        row[6] = 5.0
    for row in sheets["资金"][1:]:
        row[4], row[5] = 10.0, 5.0
    for row in sheets["进展"][1:]:
        row[2] = "示例进展"
    buffer = io.BytesIO()
    out = xlsxwriter.Workbook(buffer, {"in_memory": True})
    for name, rows in sheets.items():
        ws = out.add_worksheet(name)
        for r, row in enumerate(rows):
            ws.write_row(r, 0, row)
    out.close()
    data = buffer.getvalue()
    rows = sum(len(v) - 1 for v in sheets.values())

    def ours() -> None:
        excel.apply(actor=user, period=period, unit=unit, data=data)

    qmark = connection.vendor == "sqlite"

    def q(sql: str) -> str:
        return sql.replace("%s", "?") if qmark else sql

    def money(value: Any) -> Any:
        amount = Decimal(str(value)) * 10000
        return str(amount) if qmark else amount

    def limit() -> None:
        read = CalamineWorkbook.from_filelike(io.BytesIO(data))
        got = {name: read.get_sheet_by_name(name).to_python()[1:] for name in ("指标", "资金", "进展")}
        with transaction.atomic():
            cursor = connection.connection.cursor()
            cursor.execute(q('SELECT id, "order" FROM catalogue_project WHERE program_id = %s'), [program.id])
            project_of = {order: pid for pid, order in cursor.fetchall()}
            cursor.execute(
                q(
                    "SELECT i.id, i.project_id, i.name FROM responsibility_indicator i "
                    "JOIN catalogue_project p ON p.id = i.project_id WHERE p.program_id = %s"
                ),
                [program.id],
            )
            indicator_of = {(pid, name): iid for iid, pid, name in cursor.fetchall()}
            cursor.executemany(
                q(
                    "INSERT INTO reporting_report (project_id, unit_id, period_id, status, beneficiaries, progress, "
                    "problems, next_steps, explanation, version) VALUES (%s, %s, %s, 'draft', NULL, %s, '', '', '', 1)"
                ),
                [(project_of[int(r[0])], unit.id, period.id, r[2]) for r in got["进展"]],
            )
            cursor.execute(
                q("SELECT project_id, id FROM reporting_report WHERE period_id = %s AND unit_id = %s"),
                [period.id, unit.id],
            )
            report_of = dict(cursor.fetchall())
            cursor.executemany(
                q("INSERT INTO reporting_reportvalue (report_id, indicator_id, value) VALUES (%s, %s, %s)"),
                [
                    (report_of[project_of[int(r[0])]], indicator_of[(project_of[int(r[0])], r[2])], str(r[6]))
                    for r in got["指标"]
                ],
            )
            cursor.executemany(
                q(
                    "INSERT INTO reporting_reportfunds (report_id, source, arrived, spent) VALUES (%s, %s, %s, %s)"
                ),
                [
                    (report_of[project_of[int(r[0])]], excel.SOURCE_BY_LABEL[r[2]], money(r[4]), money(r[5]))
                    for r in got["资金"]
                ],
            )
            cursor.close()

    a, b = [], []
    for fn in (ours, limit):  # warm-up
        clear()
        fn()
    for _ in range(repeat):
        for fn, samples in ((ours, a), (limit, b)):
            clear()
            start = time.perf_counter()
            fn()
            samples.append(time.perf_counter() - start)
    clear()
    for report in kept:
        report.pk = None
    Report.objects.bulk_create(kept)
    ReportValue.objects.bulk_create(
        [
            ReportValue(report=r, indicator_id=v.indicator_id, value=v.value)
            for r, (_, vs, _) in zip(kept, kept_values, strict=True)
            for v in vs
        ]
    )
    ReportFunds.objects.bulk_create(
        [
            ReportFunds(report=r, source=f.source, arrived=f.arrived, spent=f.spent)
            for r, (_, _, fs) in zip(kept, kept_values, strict=True)
            for f in fs
        ]
    )
    ours_t, limit_t = statistics.median(a), statistics.median(b)
    return {"rows": rows, "ours": ours_t, "raw": limit_t, "speed": limit_t / ours_t}


def bench_office() -> Any:
    """The account the measurements act as (created on first use). The 示例 districts are governments of their own
    since issue 14 (tenancy), so 杜集区's 民生办 no longer sees their figures: the account is a 系统管理员 at 杜集区's
    office, which sees every government as the office saw everything before."""
    from django.contrib.auth import get_user_model

    from orgs.models import Organisation
    from orgs.services import membership_grant

    user, created = get_user_model().objects.get_or_create(
        username="bench-office", defaults={"first_name": "示例性能测试"}
    )
    membership_grant(actor=None, user=user, organisation=Organisation.objects.get(code="msb"), role="admin")
    return user


def main() -> None:
    scale = sys.argv[1]
    ensure_data(scale)
    program = Program.objects.filter(is_sample=True).order_by("-year", "issuer__code").first()
    period = Period.objects.get(program=program, month=12)
    reports = Report.objects.count()
    repeat = 101
    result: dict[str, Any] = {"scale": scale, "vendor": connection.vendor, "reports": reports}

    cutoff = connection.ops.adapt_datetimefield_value(rollup.deadline_cutoff(period))
    office = bench_office()
    measures: list[tuple[str, Callable[[], Any], str, dict[str, Any]]] = [
        (
            "progress",
            lambda: rollup.progress_table(user=None, program=program, month=12),
            PROGRESS_SQL,
            {"program": program.id, "period": period.id},
        ),
        (
            "ranking",
            lambda: rollup.ranking(user=office, period=period, kind="local"),
            RANKING_SQL,
            {"program": program.id, "period": period.id, "cutoff": cutoff},
        ),
    ]
    for key, fn, sql, params in measures:
        # the limit is the faster of two raw queries: the direct one written here, and our own query text run on
        # the bare connection (when that is the better plan, the ratio shows only what our Python adds)
        ours, direct = paired(fn, raw(sql, params), repeat)
        ours_again, own = paired(fn, captured(fn), repeat)
        ours = statistics.median([ours, ours_again])
        limit = min(direct, own)
        result[key] = {
            "ours": ours,
            "raw": limit,
            "ratio": ours / limit,
            "limit_query": "direct SQL" if direct <= own else "our SQL, raw",
        }

    # Excel: the 进度表 of every sample district of that year, styled, vs raw xlsxwriter writing the same rows.
    programs = list(Program.objects.filter(is_sample=True, year=program.year))
    rows = [r for p in programs for r in rollup.progress_table(user=None, program=p, month=12)]
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

    ours, limit = paired(lambda: progress_xlsx(period=period, rows=rows), plain, 7)
    result["excel_export"] = {"rows": len(body), "ours": ours, "raw": limit, "speed": limit / ours}
    result["excel_import"] = import_bench(program, 15)
    rebuild = ensure_search_index()
    result["search"] = search_bench(office, 31)
    result["search"]["rebuild"] = rebuild
    from bench.bulletin import bulletin_bench

    result["bulletin"] = bulletin_bench(period=period, office=office)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
