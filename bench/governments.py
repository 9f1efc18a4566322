"""Bench of the roll-ups up the government tree at province scale (issue 14, item 6), against DATABASE_URL:

    DATABASE_URL=... python -m bench.governments        (TREE_CITIES=16 TREE_DISTRICTS=6 by default)

The city's table of its districts (reporting.governments.city_table, as the city's 民生办: the policy's scoping of
the districts' programs inside the one query) and the province's table of its cities (province_table, as the
province's 民生办), each against the most direct raw SQL computing the same figures on the bare DB-API connection
(or our own query's text run there, when faster: the limit is the faster of the two). Prints one JSON object; the
figures go into docs/performance.md through ``make bench`` (bench/__main__.py runs this once per database and
renders the section with ``render``), or by hand with ``python -m bench.governments render a.json b.json``.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from typing import Any

from django.core.management import call_command
from django.db import connection

from bench.measure import captured, paired, raw  # sets up Django
from orgs.models import Organisation  # noqa: E402
from reporting import governments  # noqa: E402
from reporting.models import Report, Summary  # noqa: E402
from reporting.synthetic import generate_tree  # noqa: E402

# The same figures as reporting.governments: per district of the city, the confirmed summaries (project totals) of
# its published program of the year in that month — budget, arrived, spent, completion (sum and count), reports
# confirmed — and the reports owed (implementing units, or the lead department of a project without them).
_FIGURES = """
SELECT o.government_id AS district, SUM(s.budget) AS b, SUM(s.arrived) AS a, SUM(s.spent) AS sp,
  SUM(ROUND(s.completion, 4)) AS c, COUNT(s.completion) AS cn, SUM(s.reports_confirmed) AS rc
FROM reporting_summary s JOIN reporting_period pe ON pe.id = s.period_id
JOIN catalogue_program g ON g.id = pe.program_id JOIN orgs_organisation o ON o.id = g.issuer_id
WHERE g.year = %(year)s AND pe.month = %(month)s AND g.status = 'published' AND s.unit_id IS NULL
  AND s.reports_confirmed > 0
GROUP BY o.government_id"""
_OWED = """
SELECT o.government_id AS district, COUNT(*) AS n FROM catalogue_project p
JOIN catalogue_program g ON g.id = p.program_id JOIN orgs_organisation o ON o.id = g.issuer_id
LEFT JOIN catalogue_project_implementing_units iu ON iu.project_id = p.id
WHERE g.year = %(year)s AND g.status = 'published' AND (iu.id IS NOT NULL OR p.lead_department_id IS NOT NULL)
  AND EXISTS (SELECT 1 FROM reporting_period pe WHERE pe.program_id = g.id AND pe.month = %(month)s)
GROUP BY o.government_id"""
CITY_SQL = f"""
SELECT d.id, d.code, d.name, d.short_name, d."order", f.b, f.a, f.sp, f.c, f.cn, f.rc, w.n
FROM orgs_organisation d JOIN orgs_organisation dp ON dp.id = d.parent_id
LEFT JOIN ({_FIGURES}) f ON f.district = d.id LEFT JOIN ({_OWED}) w ON w.district = d.id
WHERE d.level = 'district' AND dp.government_id = %(government)s
"""
PROVINCE_SQL = f"""
SELECT c.id, c.code, c.name, c.short_name, c."order", COUNT(d.id), COUNT(f.district), SUM(f.b), SUM(f.a),
  SUM(f.sp), AVG(CASE WHEN f.cn > 0 THEN f.c / f.cn END), SUM(f.rc), SUM(w.n)
FROM orgs_organisation d JOIN orgs_organisation dp ON dp.id = d.parent_id
JOIN orgs_organisation c ON c.id = dp.government_id JOIN orgs_organisation cp ON cp.id = c.parent_id
LEFT JOIN ({_FIGURES}) f ON f.district = d.id LEFT JOIN ({_OWED}) w ON w.district = d.id
WHERE d.level = 'district' AND c.level = 'city' AND cp.government_id = %(government)s
GROUP BY c.id, c.code, c.name, c.short_name, c."order"
"""


def ensure_tree(cities: int, per_city: int) -> float:
    """The 示例 province (made once); the seconds it took (0 when it was there)."""
    call_command("migrate", verbosity=0)
    if Organisation.objects.filter(code="sample-tree").exists():
        return 0.0
    if not Organisation.objects.filter(code="duji").exists():
        with open(os.devnull, "w") as devnull:
            call_command("load_reference_data", stdout=devnull)
    started = time.perf_counter()
    generate_tree(cities=cities, districts_per_city=per_city, years=1, months=12, units=6)
    return time.perf_counter() - started


def account(username: str, code: str) -> Any:
    from django.contrib.auth import get_user_model

    from core.policy import actor_for
    from orgs.services import membership_grant

    user, _ = get_user_model().objects.get_or_create(
        username=username, defaults={"first_name": "示例性能测试"}
    )
    membership_grant(actor=None, user=user, organisation=Organisation.objects.get(code=code), role="office")
    user = get_user_model().objects.get(pk=user.pk)
    actor_for(user)  # resolved once per request, before the page's table (as in a request)
    return user


def main() -> None:
    cities = int(os.environ.get("TREE_CITIES", "16"))
    per_city = int(os.environ.get("TREE_DISTRICTS", "6"))
    generated = ensure_tree(cities, per_city)
    province = Organisation.objects.get(code="sample-tree")
    city = Organisation.objects.get(code="sample-tree-c01")
    city_user = account("bench-city-office", "sample-tree-c01-msb")
    province_user = account("bench-province-office", "sample-tree-msb")
    year, month, repeat = 2021, 12, 101
    result: dict[str, Any] = {
        "vendor": connection.vendor,
        "cities": cities,
        "districts": cities * per_city,
        "reports": Report.objects.count(),
        "summaries": Summary.objects.count(),
        "generated_s": generated,
    }
    measures = [
        (
            "city",
            lambda: governments.city_table(user=city_user, city=city, year=year, month=month),
            CITY_SQL,
            {"government": city.pk, "year": year, "month": month},
        ),
        (
            "province",
            lambda: governments.province_table(user=province_user, province=province, year=year, month=month),
            PROVINCE_SQL,
            {"government": province.pk, "year": year, "month": month},
        ),
    ]
    for key, fn, sql, params in measures:
        rows = fn()
        direct_rows = raw(sql, params)()
        assert len(rows) == len(direct_rows) and rows and rows[0].has_figures, (
            key,
            len(rows),
            len(direct_rows),
        )
        ours, direct = paired(fn, raw(sql, params), repeat)
        ours_again, own = paired(fn, captured(fn), repeat)
        ours = statistics.median([ours, ours_again])
        limit = min(direct, own)
        result[key] = {
            "rows": len(rows),
            "ours": ours,
            "raw": limit,
            "direct": direct,
            "own_raw": own,
            "ratio": ours / limit,
            "limit_query": "direct SQL" if direct <= own else "our SQL, raw",
        }
    print(json.dumps(result))


def render(results: list[dict[str, Any]]) -> str:
    """The docs/performance.md section (between ``<!-- governments -->`` markers) from the JSON of each run."""
    lines = [
        "## Roll-ups up the government tree (issue 14, `python -m bench.governments`)",
        "",
        "The city's table of its districts (`reporting.governments.city_table` as the city's 民生办) and the "
        "province's table of its cities (`province_table` as the province's 民生办), December, each against the "
        "most direct raw SQL computing the same figures (`CITY_SQL`, `PROVINCE_SQL` in bench/governments.py) on the "
        "bare DB-API connection, or our own query's text run there when faster (named in brackets). Our side "
        "includes the policy's scoping (the districts' programs the user may view, as an `IN (subquery)` in the one "
        "query; the ORM filter is compiled once per actor and reused), the Decimal conversion, the scores and the "
        "ranks. Medians of 101 alternate runs ×2. Data: a 示例 province (`reporting.synthetic.generate_tree`) of "
        "cities × districts, 1 year × 33 projects × 6 units × 12 months, every report confirmed.",
        "",
        "| database | cities × districts | reports | table | rows | ours (ms) | limit (ms) | ratio | target |",
        "|---|---|---:|---|---:|---:|---:|---:|---|",
    ]
    for r in results:
        for key, label in (("city", "city: its districts"), ("province", "province: its cities")):
            m = r[key]
            lines.append(
                f"| {r['vendor']} | {r['cities']} × {r['districts'] // r['cities']} | {r['reports']:,} | {label} "
                f"({m['limit_query']}) | {m['rows']} | {m['ours'] * 1000:.2f} | {m['raw'] * 1000:.2f} | "
                f"{m['ratio']:.2f}× | ≤ 1.5× |"
            )
    lines += [
        "",
        "Findings: the first version of the query joined the summaries to the districts' projects and periods "
        "separately; SQLite then looped over every period × every project (3.5 s for the province's table at 96 "
        "districts). Reading the project totals through the summaries' `(period, unit)` index, with the projects "
        "materialized once for the reports owed, brought it to the raw query's order. The direct SQL of the city's "
        "table aggregates every district's summaries before keeping the city's, so there our own query's text is "
        "the faster limit. Compiling the policy's program filter through the ORM cost more than the query itself "
        "(several ms on the shared machine); it is compiled once per actor (its rules are functions of the actor "
        "alone) and the database evaluates it in every query. Absolute times are from a shared 2-core machine with "
        "other test runs going (PostgreSQL's plan of the city's table runs in about 10 ms there, all buffer hits); "
        "the ratios are paired. Generating the 示例 province took about 14 minutes on SQLite.",
        "",
        "The city's table on SQLite was 1.52×: profiled (cProfile, 500 tables), after the query itself the time went to "
        "Django's SQLite cursor turning the 2 KB query's positional `%s` placeholders into `?` with a regular "
        "expression on every execution (≈ 0.25 ms measured alone under load, about a quarter of the query's own time), "
        "then to `safe_quantize` building a Decimal context per figure on sums that SQL had cast to text. Now the "
        "query's placeholders are numbered once per text (`%(p0)s`…, which the backend converts by plain `%` "
        "formatting: ≈ 13 µs) and the sums come as the driver returns them (`rollup.read_sum`: psycopg's exact "
        "numerics, sqlite3's floats rounded to the field's places and read by their shortest repr) — the CASTs are "
        "gone from the query, so our own query's text run raw (one of the limits) got faster too.",
    ]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    if sys.argv[1:2] == ["render"]:  # python -m bench.governments render sqlite.json pg.json
        from bench import report

        runs = [json.loads(open(f, encoding="utf-8").read().strip().splitlines()[-1]) for f in sys.argv[2:]]
        report.DOC.write_text(
            report.put_block(report.DOC.read_text(encoding="utf-8"), "governments", render(runs)),
            encoding="utf-8",
        )
    else:
        sys.exit(main())
