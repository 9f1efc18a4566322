"""One district's annual 目标管理绩效考评 (evaluation.assessment.compute: every assessed unit, every automatic
item, with the data rows behind each point) against the raw SQL computing the same automatic item figures. Target
≤ 2×, and the number of queries does not depend on the number of units.

    python -m bench.assessment [county|province]   (DATABASE_URL as for bench.measure; prints one JSON line)

The limit: one aggregate query per metric kind on the bare DB-API connection (the units assessed; per unit the
进度 figures (December's confirmed report values, targets, funds and the funding lines), reports owed and on time, returned reports, findings due and rectified
on time, disclosures due and on time, assets with a custodian, letters signed, the survey's score sum), then the
same scores computed in Python from the raw tuples. Both sides must give the same score to every unit and item.
"""

from __future__ import annotations

import json
import sys
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext

from bench.measure import ensure_data, paired, raw  # sets up Django
from core.numbers import safe_quantize
from evaluation import assessment
from evaluation.models import Metric, RuleKind, Scheme
from orgs.models import LOCAL_KINDS, OrgKind
from reporting.models import Report

CENT, ONE, ZERO = Decimal("0.01"), Decimal(1), Decimal(0)

PAIRS = """
WITH prj AS (SELECT p.id, p.lead_department_id AS lead FROM catalogue_project p
  WHERE p.program_id = %(program)s AND p.assessed),
pairs AS (
  SELECT iu.project_id, iu.organisation_id AS unit_id FROM catalogue_project_implementing_units iu
  JOIN prj ON prj.id = iu.project_id
  UNION ALL
  SELECT prj.id, prj.lead FROM prj WHERE prj.lead IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM catalogue_project_implementing_units iu WHERE iu.project_id = prj.id))
"""
UNITS_SQL = (
    PAIRS
    + """
SELECT o.id, o.kind FROM orgs_organisation o WHERE o.kind IN ({kinds}) AND o.id IN (
  SELECT unit_id FROM pairs UNION SELECT lead FROM prj WHERE lead IS NOT NULL
  UNION SELECT organisation_id FROM responsibility_letter WHERE program_id = %(program)s)
"""
)
PROGRESS_SQL = """
WITH rep AS (
  SELECT r.id, r.project_id, r.unit_id FROM reporting_report r JOIN catalogue_project p ON p.id = r.project_id
  WHERE r.period_id = (SELECT id FROM reporting_period WHERE program_id = %(program)s AND month = %(month)s)
    AND r.status = 'confirmed' AND p.assessed),
money AS (
  SELECT rep.project_id, rep.unit_id, SUM(f.arrived) AS a, SUM(f.spent) AS s
  FROM reporting_reportfunds f JOIN rep ON rep.id = f.report_id GROUP BY rep.project_id, rep.unit_id),
budget AS (
  SELECT l.project_id, l.unit_id, SUM(l.original + COALESCE(
    (SELECT SUM(a.delta) FROM funding_fundingadjustment a WHERE a.line_id = l.id), 0)) AS b
  FROM funding_fundingline l JOIN catalogue_project p ON p.id = l.project_id
  WHERE p.program_id = %(program)s AND p.assessed GROUP BY l.project_id, l.unit_id)
SELECT b.unit_id, b.project_id, b.b, m.a, m.s FROM budget b
  LEFT JOIN money m ON m.project_id = b.project_id AND m.unit_id = b.unit_id WHERE b.unit_id IS NOT NULL
UNION ALL
SELECT m.unit_id, m.project_id, NULL, m.a, m.s FROM money m
  WHERE NOT EXISTS (SELECT 1 FROM budget b WHERE b.project_id = m.project_id AND b.unit_id = m.unit_id)
"""
DONE_SQL = """
SELECT r.unit_id, r.project_id, rv.value,
  (SELECT SUM(t.value) FROM responsibility_target t WHERE t.indicator_id = rv.indicator_id AND t.unit_id = r.unit_id)
FROM reporting_report r JOIN reporting_reportvalue rv ON rv.report_id = r.id
JOIN catalogue_project p ON p.id = r.project_id
WHERE r.period_id = (SELECT id FROM reporting_period WHERE program_id = %(program)s AND month = %(month)s)
  AND r.status = 'confirmed' AND p.assessed
"""
ON_TIME_SQL = (
    PAIRS
    + """
SELECT pairs.unit_id, COUNT(*), SUM(CASE WHEN r.submitted_at < {cutoff} THEN 1 ELSE 0 END),
  SUM(CASE WHEN EXISTS (SELECT 1 FROM reporting_transition t WHERE t.report_id = r.id AND t.to_status = 'returned')
    THEN 1 ELSE 0 END)
FROM pairs JOIN reporting_period pe ON pe.program_id = %(program)s AND pe.month <= %(month)s
LEFT JOIN reporting_report r ON r.project_id = pairs.project_id AND r.unit_id = pairs.unit_id AND r.period_id = pe.id
GROUP BY pairs.unit_id
"""
)
CUTOFF = {  # the first instant after the deadline day in Asia/Shanghai (UTC+8), as stored (UTC)
    "sqlite": "datetime(pe.deadline, '+1 day', '-8 hours')",
    "postgresql": "((pe.deadline + 1)::timestamp AT TIME ZONE 'Asia/Shanghai')",
}
CLOSED_DATE = {"sqlite": "date(f.closed_at)", "postgresql": "(f.closed_at AT TIME ZONE 'UTC')::date"}
RECTIFIED_SQL = """
SELECT f.responsible_id, COUNT(*), SUM(CASE WHEN f.closed_at IS NOT NULL AND {closed} <= f.deadline THEN 1 ELSE 0 END)
FROM supervision_finding f LEFT JOIN catalogue_project p ON p.id = f.project_id
LEFT JOIN supervision_inspection i ON i.id = f.inspection_id
WHERE ((p.program_id = %(program)s AND p.assessed) OR (f.project_id IS NULL AND i.program_id = %(program)s))
  AND f.deadline <= %(cutoff)s
GROUP BY f.responsible_id
"""
DISCLOSED_SQL = """
SELECT d.unit_id, COUNT(*), SUM(CASE WHEN d.start IS NOT NULL AND d.start <= d.due THEN 1 ELSE 0 END)
FROM disclosure_disclosure d LEFT JOIN catalogue_project p ON p.id = d.project_id
WHERE d.program_id = %(program)s AND d.due <= %(cutoff)s AND (d.project_id IS NULL OR p.assessed)
GROUP BY d.unit_id
"""
CUSTODIAN_SQL = """
SELECT p.lead_department_id, COUNT(*), COUNT(a.custodian_id) FROM upkeep_asset a
JOIN catalogue_project p ON p.id = a.project_id
WHERE p.program_id = %(program)s AND p.assessed AND p.lead_department_id IS NOT NULL
GROUP BY p.lead_department_id
"""
LETTERS_SQL = """
SELECT organisation_id, COUNT(*), SUM(CASE WHEN status = 'signed' THEN 1 ELSE 0 END) FROM responsibility_letter
WHERE program_id = %(program)s GROUP BY organisation_id
"""
SATISFACTION_SQL = """
SELECT w.unit_id, SUM(o.score), COUNT(*) FROM surveys_answer a
JOIN surveys_response r ON r.id = a.response_id JOIN surveys_wave w ON w.id = r.wave_id
JOIN catalogue_project p ON p.id = w.project_id JOIN surveys_question q ON q.id = a.question_id
JOIN surveys_option o ON o.id = a.option_id
WHERE p.program_id = %(program)s AND q.measure = 'satisfaction' AND NOT o.excluded
GROUP BY w.unit_id
"""


def _d(value: Any, places: int = 2) -> Decimal:
    """A stored number as Decimal (SQLite returns floats: rounded to the column's places, as Django does)."""
    if value is None:
        return ZERO
    if isinstance(value, float):
        return Decimal(f"{value:.{places}f}")
    return Decimal(str(value))


def _rate_score(points: Decimal, passed: Any, counted: Any) -> Decimal:
    if not counted:
        return points
    return safe_quantize(points * min(Decimal(passed or 0) / Decimal(counted), ONE), CENT)


def limit_queries(program_id: int, month: int, cutoff: Any) -> dict[str, Any]:
    """The raw queries, ready to run (parameters bound), by metric kind."""
    vendor = connection.vendor
    kinds = ", ".join(f"'{k}'" for k in [*LOCAL_KINDS, OrgKind.DEPARTMENT])
    params = {"program": program_id, "month": month, "cutoff": cutoff.isoformat()}
    return {
        "units": raw(UNITS_SQL.format(kinds=kinds), params),
        "progress": raw(PROGRESS_SQL, params),
        "done": raw(DONE_SQL, params),
        "reports": raw(ON_TIME_SQL.format(cutoff=CUTOFF[vendor]), params),
        "rectified": raw(RECTIFIED_SQL.format(closed=CLOSED_DATE[vendor]), params),
        "disclosed": raw(DISCLOSED_SQL, params),
        "custodian": raw(CUSTODIAN_SQL, params),
        "letters": raw(LETTERS_SQL, params),
        "satisfaction": raw(SATISFACTION_SQL, params),
    }


def limit_scores(queries: dict[str, Any], items: list[Any], month: int) -> dict[tuple[int, int], Decimal]:
    """(unit, item) → score of every automatic item, from the raw tuples (the rules of evaluation.assessment)."""
    units = [(u, "local" if kind in LOCAL_KINDS else "department") for u, kind in queries["units"]()]
    progress: dict[int, list[Any]] = defaultdict(list)
    for row in queries["progress"]():
        progress[row[0]].append(row)
    rates_of: dict[tuple[int, int], list[Decimal]] = defaultdict(list)  # (unit, project) → done ÷ target
    for unit_id, project_id, value, target in queries["done"]():
        if value is not None and target:
            rates_of[unit_id, project_id].append(_d(value, 4) / _d(target, 4))
    schedule = Decimal(month) / Decimal(12)
    counts = {
        key: {row[0]: row[1:] for row in queries[key]()}
        for key in ("reports", "rectified", "disclosed", "custodian", "letters", "satisfaction")
    }
    sat = {u: safe_quantize(_d(s) / n, CENT) for u, (s, n) in counts["satisfaction"].items() if n}
    out: dict[tuple[int, int], Decimal] = {}
    for unit, group in units:
        rows = progress.get(unit, [])
        for item in items:
            if item.rule != RuleKind.AUTO or not assessment.applies(item.track.applies_to, group):
                continue
            points, metric = Decimal(item.points), item.metric
            if metric == Metric.SCHEDULE:
                completions = [sum(r) / len(r) for r in (rates_of.get((unit, row[1])) for row in rows) if r]
                rates = [min(c / schedule, ONE) if schedule else ONE for c in completions]
                score = safe_quantize(points * min(sum(rates) / len(rates), ONE), CENT) if rates else points
            elif metric == Metric.ARRIVAL:
                money = [(_d(a), _d(b)) for _u, _p, b, a, _sp in rows if _d(b)]
                den = sum((b for _a, b in money), ZERO)
                score = _rate_score(points, sum((a for a, _b in money), ZERO), den) if money else points
            elif metric == Metric.SPENDING:
                money = [(_d(sp), _d(a)) for _u, _p, b, a, sp in rows if _d(a) or _d(b)]
                den = sum((a for _sp, a in money), ZERO)
                if not money:
                    score = points
                elif not den:
                    score = ZERO
                else:
                    score = safe_quantize(points * min(sum((s for s, _a in money), ZERO) / den, ONE), CENT)
            elif metric in (Metric.ON_TIME, Metric.RETURNED):
                owed, timely, returned = counts["reports"].get(unit, (0, 0, 0))
                if metric == Metric.ON_TIME:
                    score = _rate_score(points, timely, owed)
                else:
                    per = Decimal(item.per_failure if item.per_failure is not None else 1)
                    score = safe_quantize(max(points - per * (returned or 0), ZERO), CENT)
            elif metric == Metric.SATISFACTION:
                value = sat.get(unit)
                score = points if value is None else safe_quantize(points * value / 100, CENT)
            else:
                key = {
                    Metric.RECTIFIED: "rectified",
                    Metric.DISCLOSED: "disclosed",
                    Metric.CUSTODIAN: "custodian",
                    Metric.LETTERS: "letters",
                }[metric]
                counted, passed = counts[key].get(unit, (0, 0))
                score = _rate_score(points, passed, counted)
            out[unit, item.pk] = score
    return out


def main() -> None:
    scale = sys.argv[1] if len(sys.argv) > 1 else "county"
    ensure_data(scale)
    scheme = (
        Scheme.objects.select_related("program")
        .filter(program__is_sample=True)
        .order_by("-program__year", "program__issuer__code")
        .first()
    )
    if scheme is None:  # data generated before the assessment's synthetic data existed
        from evaluation.synthetic import generate

        generate()
        scheme = Scheme.objects.select_related("program").filter(program__is_sample=True).first()
    month = 12
    items = assessment.scheme_items(scheme)
    if any(i.track.scorer_id for i in items):
        raise SystemExit("the limit counts every project: the bench scheme's tracks must have no scorer")
    queries = limit_queries(scheme.program_id, month, assessment.month_end(scheme.program.year, month))

    def ours() -> Any:
        return assessment.compute(scheme=scheme, month=month)

    def limit() -> Any:
        return limit_scores(queries, items, month)

    mine = {key: c.score for key, c in ours().scores.items()}
    theirs = limit()
    assert mine == theirs, sorted(set(mine.items()) ^ set(theirs.items()))[:10]  # the same scores
    with CaptureQueriesContext(connection) as ctx:
        computed = ours()
    repeat = 21 if scale == "province" else 51
    t_ours, t_raw = paired(ours, limit, repeat)
    result = {
        "scale": scale,
        "vendor": connection.vendor,
        "reports": Report.objects.count(),
        "units": len(computed.units),
        "scores": len(computed.scores),
        "queries": len(ctx.captured_queries),
        "raw_queries": len(queries),
        "ours": t_ours,
        "raw": t_raw,
        "ratio": t_ours / t_raw,
    }
    print(json.dumps(result))  # noqa: T201


if __name__ == "__main__":
    main()
