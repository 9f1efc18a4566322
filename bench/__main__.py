"""`make bench`: run bench/measure.py at each scale on SQLite and on a throwaway PostgreSQL, then print a table
and write docs/performance.md. Not part of the tests. Scales come from BENCH_SCALES (default "county")."""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import subprocess
import sys
from pathlib import Path

from bench import report

ROOT = Path(__file__).resolve().parent.parent
TARGETS = {
    "progress": "≤ 1.3×",
    "ranking": "≤ 1.3×",
    "excel_export": "≥ 0.7×",
    "excel_import": "≥ 0.5×",
    "search": "≤ 2×",
    "bulletin": "≤ 1.5×",
    "dashboard": "≤ 1.5×",
    "assessment": "≤ 2×",
    "governments": "≤ 1.5×",
}
_TREES: set[str] = set()  # the databases that already got the government-tree bench (its data is scale-free)


def _module(module: str, args: list[str], database_url: str, **extra: str) -> dict:
    env = dict(os.environ, DATABASE_URL=database_url, MINSHENG_VAR_DIR=str(ROOT / "var"), **extra)
    out = subprocess.run(
        [sys.executable, "-m", module, *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if out.returncode:
        sys.stderr.write(out.stderr)
        raise SystemExit(f"{module} failed on {database_url.split(':')[0]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def run(scale: str, database_url: str) -> dict:
    result = _module("bench.measure", [scale], database_url)
    result["concurrency"] = _module("bench.concurrency", [], database_url)
    result["dashboard"] = _module("bench.dashboard", [scale], database_url)
    result["assessment"] = _module("bench.assessment", [scale], database_url)
    if database_url not in _TREES:  # the city's and the province's roll-ups (issue 14), once per database
        _TREES.add(database_url)
        result["governments"] = _module("bench.governments", [], database_url)
    # the deadline-day rush (locust): one district on a county database, ten at once at province scale
    districts = "1" if scale == "county" else os.environ.get("RUSH_DISTRICTS", "10")
    result["rush"] = _module("bench.rush", [], database_url, RUSH_DISTRICTS=districts)
    if database_url.startswith("postgres"):
        result["plans"] = _module("bench.plans", [], database_url)
    return result


def render_assessment(results: list[dict]) -> str:
    """The 目标管理绩效考评 section: one district's annual assessment vs the raw SQL of the same figures."""
    lines = [
        "## Annual assessment of one district (目标管理绩效考评)",
        "",
        "`evaluation.assessment.compute` (every assessed unit, every automatic item, the data rows behind each point "
        "kept for the drill-down) vs one aggregate SQL query per metric kind on the bare connection with the same "
        f"scores computed from the raw tuples (`bench/assessment.py`). Target {TARGETS['assessment']}; the number "
        "of queries does not depend on the number of units.",
        "",
        "| scale | database | reports | units | automatic scores | queries (ours / raw) | ours (ms) | raw (ms) | ratio |",
        "|---|---|---:|---:|---:|---|---:|---:|---:|",
    ]
    for r in results:
        m = r["assessment"]
        lines.append(
            f"| {r['scale']} | {r['vendor']} | {m['reports']:,} | {m['units']} | {m['scores']} | "
            f"{m['queries']} / {m['raw_queries']} | {m['ours'] * 1000:.1f} | {m['raw'] * 1000:.1f} | {m['ratio']:.2f}× |"
        )
    return "\n".join(lines)


def main() -> None:
    scales = os.environ.get("BENCH_SCALES", "county").split(",")
    results = []
    for scale in scales:
        results.append(run(scale, f"sqlite:///{ROOT / 'var' / f'bench-{scale}.sqlite3'}"))
        pg = subprocess.run(["bash", "scripts/pg-throwaway.sh"], cwd=ROOT, capture_output=True, text=True)
        if pg.returncode == 0:
            pgdata, url = pg.stdout.split()
            try:
                subprocess.run(
                    [
                        sys.executable,
                        "-c",
                        "import psycopg,sys; c=psycopg.connect(sys.argv[1], autocommit=True);"
                        "c.execute('CREATE DATABASE bench')",
                        f"{url}/postgres",
                    ],
                    check=True,
                    cwd=ROOT,
                )
                results.append(run(scale, f"{url}/bench"))
            finally:
                subprocess.run(["bash", "scripts/pg-throwaway.sh", "stop", pgdata], cwd=ROOT)
        else:
            print(
                "PostgreSQL not available: skipped (run scripts/system-packages.sh --test as root)",
                file=sys.stderr,
            )
    lines = [
        "| scale | database | reports | measure | ours (ms) | limit (ms) | ratio | target |",
        "|---|---|---:|---|---:|---:|---:|---|",
    ]
    for r in results:
        for key, label in (
            ("progress", "进度表 vs one raw SQL query"),
            ("ranking", "ranking vs one raw SQL query"),
        ):
            m = r[key]
            lines.append(
                f"| {r['scale']} | {r['vendor']} | {r['reports']:,} | {label} ({m['limit_query']}) | "
                f"{m['ours'] * 1000:.1f} | {m['raw'] * 1000:.1f} | {m['ratio']:.2f}× | {TARGETS[key]} |"
            )
        m = r["excel_export"]
        lines.append(
            f"| {r['scale']} | {r['vendor']} | {r['reports']:,} | Excel 进度表 ({m['rows']:,} rows) vs raw xlsxwriter"
            f" | {m['ours'] * 1000:.1f} | {m['raw'] * 1000:.1f} | {m['speed']:.2f}× speed | {TARGETS['excel_export']} |"
        )
        m = r["excel_import"]
        lines.append(
            f"| {r['scale']} | {r['vendor']} | {r['reports']:,} | Excel import ({m['rows']:,} rows) vs calamine + bulk "
            f"insert | {m['ours'] * 1000:.1f} | {m['raw'] * 1000:.1f} | {m['speed']:.2f}× speed | "
            f"{TARGETS['excel_import']} |"
        )
        m = r["search"]
        for word in ("养老", "进展"):
            w = m[word]
            lines.append(
                f"| {r['scale']} | {r['vendor']} | {r['reports']:,} | search “{word}” ({w['hits']:,} hits counted, "
                f"{m['entries']:,} index rows) vs the raw queries ({w['limit_query']}) | {w['ours'] * 1000:.1f} | "
                f"{w['raw'] * 1000:.1f} | {w['ratio']:.2f}× | {TARGETS['search']} |"
            )
        b = r.get("bulletin")
        for fmt, label in (("docx", ".docx"), ("pdf", "PDF")) if b else ():
            m = b[fmt]
            lines.append(
                f"| {r['scale']} | {r['vendor']} | {r['reports']:,} | bulletin {label} ({b['projects']} projects, "
                f"{b['text_chars']:,} characters) vs the plain renderer on the same text | {m['ours'] * 1000:.1f} | "
                f"{m['raw'] * 1000:.1f} | {m['ratio']:.2f}× | {TARGETS['bulletin']} |"
            )
        for key, label in (("district", "one district"), ("province", "the province (all districts)")):
            m = r["dashboard"][key]
            lines.append(
                f"| {r['scale']} | {r['vendor']} | {r['reports']:,} | dashboard data, {label} vs raw SQL | "
                f"{m['ours'] * 1000:.1f} | {m['raw'] * 1000:.1f} | {m['ratio']:.2f}× | {TARGETS['dashboard']} |"
            )
        m = r["assessment"]
        lines.append(
            f"| {r['scale']} | {r['vendor']} | {r['reports']:,} | annual assessment of one district ({m['units']} units, "
            f"{m['scores']} automatic scores, {m['queries']} queries) vs raw SQL of the same figures "
            f"({m['raw_queries']} queries) | {m['ours'] * 1000:.1f} | {m['raw'] * 1000:.1f} | {m['ratio']:.2f}× | "
            f"{TARGETS['assessment']} |"
        )
        c = r["concurrency"]
        lines.append(
            f"| {r['scale']} | {r['vendor']} | {r['reports']:,} | {c['submitters']} concurrent submitters over loopback: "
            f"errors {c['errors']}, lost {c['lost']}, p95 vs one submitter's p95 | {c['p95'] * 1000:.0f} | "
            f"{c['single_p95'] * 1000:.0f} | {c['p95'] / c['single_p95']:.1f}× | errors 0, lost 0 |"
        )
    table = "\n".join(lines)
    print(table)
    doc = ROOT / "docs" / "performance.md"
    previous = doc.read_text(encoding="utf-8") if doc.exists() else ""
    doc.write_text(
        "# Performance\n\nWritten by `make bench` (not part of the tests) on "
        f"{dt.date.today():%Y-%m-%d}, {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
        f"; scales: {', '.join(scales)}.\n\n"
        "Every figure is a ratio against the limit measured in the same run on the same database. Times are medians; "
        "ours and the limit run alternately (101 times for the queries, 7 for the Excel export, 15 for the import) "
        "so that the machine's drift falls on both. Data: `generate_synthetic` (示例 data; county = 1 district × 5 "
        "years × 33 projects × 6 units × 12 months, province = 100 districts).\n\n"
        f"{table}\n\n"
        "## What each row compares\n\n"
        "- **进度表**: `reporting.rollup.progress_table` (the official table of one district's program in December: "
        "one SQL query, then the rows as Python objects with Decimal figures, rates and the 序时 flag) vs the most "
        "direct single SQL query returning the same figures and labels (`bench/measure.py`, `PROGRESS_SQL`) on the "
        "bare DB-API connection, or our own query's text run there when that is faster (named in brackets): the "
        "limit is the faster of the two, so the ratio never flatters us.\n"
        "- **ranking**: `reporting.rollup.ranking` (towns of that district: money and completion from the summary rows "
        "written at confirmation, reports on time by the deadline in local time, reports owed, the composite score) vs "
        "`RANKING_SQL` (or our own query's text, as above).\n"
        "- **Excel 进度表**: the styled file (merged two-row headers, 万元 with two decimals, percentages, frozen "
        "panes) for every sample district of the year, from the computed rows, vs xlsxwriter writing the same values "
        "with no formats.\n"
        "- **Excel import**: one town's filled batch-entry sheet for a month with no reports yet: our "
        "`reporting.excel.apply` (read with python-calamine, check every row, lock and version-check the reports, "
        "create them with values and funds, one audit row each, in one transaction) vs python-calamine reading the same "
        "file plus bulk inserts (executemany) of the same reports, values and funds on the bare connection.\n"
        "- **search**: `search.selectors.search` as 民生办 (jieba on the query, the full-text match — SQLite FTS5 / "
        "PostgreSQL GIN over a tsvector of jieba's words —, each kind narrowed by the policy, 20 rows per kind with "
        "title, context and link, the counts) vs the same SQL statements run on the bare connection, or per kind a "
        "direct `LIMIT 21` query plus a `COUNT(*)` capped at 1,001 rows (the faster of the two; a kind's count "
        "stops at 1000+); 养老 matches a few projects per year and district, 进展 every synthetic report. The index is built once by `search_rebuild` after the data is "
        "generated.\n"
        "- **bulletin**: the monthly 简报 of one district's December (`bulletins.exports.bulletin_bytes`: the "
        "document built from the bulletin's figure snapshot — 简报 版头, ranking tables of towns and departments, "
        "one paragraph per project —, rendered by `documents.render`) vs `render_docx` / `render_pdf` writing the same "
        "text (`render_text` of the bulletin) as plain paragraphs without 版头 or tables (`bench/bulletin.py`).\n"
        "- **annual assessment**: `evaluation.assessment.compute` for the newest sample program's 考评办法 (the default "
        "template: 序时完成, 到位率, 支出率, 按时报送, 退回, 整改率, 公示, 管护主体, 责任状, 满意度; every assessed unit of "
        "one district, with the data rows behind each point kept for the drill-down) vs one aggregate SQL query per "
        "metric kind on the bare connection and the same scores computed from the raw tuples (`bench/assessment.py`); "
        "both must give every unit and item the same score. The query count is fixed whatever the number of units "
        "(`evaluation/tests/test_assessment.py`).\n"
        "- **dashboard data**: `dashboard.selectors.project_figures` as 民生办 (every project of the month with its "
        "totals from the summary rows, projects without one listed as 未报), the KPIs from them (behind 序时, mean "
        "completion, budget, arrived, spent) and, for one district, the monthly trend (`selectors.trend`, the "
        "program's months given as the page has them) vs the same figures by one direct SQL query each "
        "(`bench/dashboard.py`) on the bare connection, summed and rated in Python from the raw tuples "
        "(Decimal(str(value))); both results asserted equal before timing. 'the province' is December of every "
        "sample district at once.\n"
        "- **concurrent submitters**: 100 distinct reports submitted at once through the API to gunicorn (3 workers × "
        "4 threads) on 127.0.0.1, after 20 sequential submissions by one submitter; 'lost' counts answered "
        "submissions not found submitted afterwards.\n",
        encoding="utf-8",
    )
    text = doc.read_text(encoding="utf-8")
    rush = [(r["scale"], r["rush"]) for r in results if "rush" in r]
    text = (
        report.put_block(text, "rush", report.render_rush(rush))
        if rush
        else text + report.block(previous, "rush")
    )
    plans = [r["plans"] for r in results if "plans" in r]
    text = (
        report.put_block(text, "plans", report.render_plans(plans[-1]))
        if plans
        else text + report.block(previous, "plans")
    )
    assessed = [r for r in results if "assessment" in r]
    text = (
        report.put_block(text, "assessment", render_assessment(assessed))
        if assessed
        else text + report.block(previous, "assessment")
    )
    text += "\n" + report.block(previous, "scale")  # the hand-written part: partitioning, pooling, indexes
    trees = [r["governments"] for r in results if "governments" in r]
    if trees:
        from bench.governments import render as render_governments

        text += f"\n<!-- governments -->\n{render_governments(trees).rstrip()}\n<!-- /governments -->\n"
    else:
        text += "\n" + report.block(previous, "governments")  # kept from the previous run
    text += "\n" + report.block(previous, "dashboard")  # hand-written: where the dashboard's time went
    doc.write_text(text, encoding="utf-8")
    if rush:
        print(report.render_rush(rush).split("\n\n", 2)[-1])  # the rush's two tables


if __name__ == "__main__":
    main()
