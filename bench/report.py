"""The rush and query-plan sections of docs/performance.md, each kept between markers so that a run can rewrite
one without the other (``make bench`` writes both; ``python -m bench.report rush|plans FILE.json`` one)."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

DOC = Path(__file__).resolve().parent.parent / "docs" / "performance.md"
ORDER = ("fill page", "fill", "submit", "review queue", "approve", "进度表", "ranking", "dashboard")


def block(doc: str, name: str) -> str:
    m = re.search(rf"<!-- {name} -->\n.*?<!-- /{name} -->\n", doc, re.S)
    return m.group(0) if m else ""


def put_block(doc: str, name: str, body: str) -> str:
    new = f"<!-- {name} -->\n{body.rstrip()}\n<!-- /{name} -->\n"
    old = block(doc, name)
    return doc.replace(old, new) if old else doc.rstrip() + "\n\n" + new


def rush_rows(r: dict[str, Any], scale: str) -> list[str]:
    rows = []
    for name in sorted(r["rush"], key=lambda n: ORDER.index(n) if n in ORDER else 99):
        s, b = r["rush"][name], r["baseline"].get(name)
        ratio = f"{s['p95'] / b['p95']:.1f}×" if b and b["p95"] else "n/a"
        rows.append(
            f"| {scale} | {r['vendor']} | {r['units'] - 1} | {name} | {s['count']} | {s['rps']:.2f} | {s['p50']:.0f} | "
            f"{s['p95']:.0f} | {b['p95']:.0f} | {ratio} | {s['failures']} |"
            if b
            else f"| {scale} | {r['vendor']} | {r['units'] - 1} | {name} | {s['count']} | {s['rps']:.2f} | "
            f"{s['p50']:.0f} | {s['p95']:.0f} | n/a | n/a | {s['failures']} |"
        )
    return rows


def render_rush(runs: list[tuple[str, dict[str, Any]]]) -> str:
    lines = [
        "## Deadline-day rush (locust)",
        "",
        "`bench/rush.py` with `bench/locustfile.py`: locust headless on 127.0.0.1 against gunicorn (3 workers × 4 "
        "threads), bounded in time, in three phases and a floor after a warm-up (every page read 12 times, so "
        "that no timed request is a worker's first). **Unloaded**: one unit alone fills and submits four of its months, a reviewer "
        "and a reader beside it (the unloaded p95). **Rush**: every unit of the rushing districts opens its fill page, "
        "types a value into every indicator, saves (`fill`) and submits (`submit`: all its projects of the month at "
        "once, as the page does), then looks at its page every 15–30 s; each district's lead department lists "
        "submitted reports and approves them through the API; the 民生办 reads the 进度表, the ranking and the "
        "program page (dashboard). **Capacity**: the units of more periods (the next districts, then earlier years: "
        "`RUSH_CAPACITY_UNITS`, default 30) all fill and submit at once without pausing, the reviewers and readers "
        "going on: the server saturated, which is what a throughput is. Lost = answered writes (saved values, "
        "submissions, approvals) not found in the database afterwards. The limit is the same writes as raw SQL on "
        "the bare connection in the same run (the fastest of three passes), per unit and period two transactions "
        "as the page's save and submit: "
        "the report rows, their values and funds, the 开始填报 and 填报 audit rows (with before/after snapshots), "
        "then status, submitted_at and version, a transition and a 提交 audit row per report (a submission "
        "refreshes no summary — only a confirmation or an unlock does — so neither does the limit). Filled and "
        "submitted reports/s = reports submitted ÷ the span from the first save's start to the last submission's "
        "end (the same work as the limit); the ratio is the capacity phase's. **Floor**: then the capacity's units "
        "go round the same cycle five times, alone, against a second gunicorn of the same configuration and settings, the fill page's URL "
        "answered by a view that does no work (`bench/floor_urls.py`: the page recorded from the real server, the "
        "POST parsed and redirected; session, login, CSRF and every middleware as usual): what any fill page could "
        "reach on this machine with this client, the ceiling the capacity is compared with.",
        "",
        "| scale | database | units | request | n | req/s | p50 (ms) | p95 (ms) | unloaded p95 (ms) | p95 ÷ unloaded"
        " | errors |",
        "|---|---|---:|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for scale, r in runs:
        lines += rush_rows(r, scale)
    lines += [
        "",
        "| scale | database | reports in DB | errors | lost | rush: units | rush: reports/s | capacity: unit-periods "
        "| capacity: span (s) | capacity: reports/s | raw SQL reports/s | ratio (capacity ÷ raw) "
        "| floor: reports/s | floor ÷ raw | capacity ÷ floor | targets |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for scale, r in runs:
        limit = r["limit"]["reports_per_s"]
        cap = r.get("capacity") or {"entries": 0, "span": 0.0, "per_s": 0.0}
        floor = (r.get("floor") or {}).get("per_s") or 0.0
        floor_cells = (
            f"{floor:.1f} | {floor / limit if limit else 0:.3f}× | {cap['per_s'] / floor:.2f}×"
            if floor
            else "— | — | —"
        )
        lines.append(
            f"| {scale} | {r['vendor']} | {r['reports']:,} | {r['errors']} | {r['lost']} | {r['units'] - 1} | "
            f"{r.get('fill_submit_per_s', r['submit_per_s']):.1f} | {cap['entries']} | {cap['span']:.1f} | "
            f"{cap['per_s']:.1f} | {limit:.0f} | {cap['per_s'] / limit if limit else 0:.3f}× | {floor_cells} | "
            "0 errors, 0 lost, p95 ≤ 5× unloaded, ≥ 0.2× raw |"
        )
    return "\n".join(lines)


def render_plans(p: dict[str, Any], note: str = "") -> str:
    lines = [
        "## Query plans at province scale (PostgreSQL)",
        "",
        f"`python -m bench.plans` on the province bench database ({p['reports']:,} reports): `EXPLAIN (ANALYZE, "
        "BUFFERS)` of the heaviest statement of each read. " + note,
        "",
        "| query | statements | execution (ms) |",
        "|---|---:|---:|",
    ]
    lines += [f"| {q['label']} | {q['statements']} | {q['ms']:.1f} |" for q in p["plans"]]
    for q in p["plans"]:
        lines += ["", f"### {q['label']}", "", "```", q["plan"], "```"]
    pt = p["partition"]
    lines += [
        "",
        "### Reports partitioned by year: the experiment",
        "",
        f"`reporting_report` copied into a table partitioned by the program's year (LIST, one partition per year: "
        f"{', '.join(map(str, pt['years']))}; copy and indexes {pt['built']:.1f} s), then the province dashboard's "
        f"per-year count by state on both: **{pt['plain'][1]:.1f} ms unpartitioned, {pt['partitioned'][1]:.1f} ms "
        "partitioned** (the partition key in the query prunes to one year).",
        "",
        "```",
        pt["partitioned"][0],
        "```",
    ]
    return "\n".join(lines)


def main() -> None:
    what, path = sys.argv[1], sys.argv[2]
    data = json.loads(Path(path).read_text())
    doc = DOC.read_text(encoding="utf-8")
    if what == "rush":
        doc = put_block(doc, "rush", render_rush([(r.get("scale", "?"), r) for r in data]))
    else:
        doc = put_block(doc, "plans", render_plans(data, " ".join(sys.argv[3:])))
    DOC.write_text(doc, encoding="utf-8")


if __name__ == "__main__":
    main()
