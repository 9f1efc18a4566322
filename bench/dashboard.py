"""The dashboard's data (dashboard.selectors) against the raw SQL computing the same figures, for one district and
for the whole province (the same month of every sample district). Target ≤ 1.5×.

    python -m bench.dashboard [county|province] [--as-is]   (DATABASE_URL as for bench.measure; one JSON line)

``--as-is`` benches the sample districts already in the database (e.g. the province generated with
``generate_synthetic --scale province --years 1``) instead of generating the scale's data when it is short.

Ours: the project figures of the month (summary rows, names and lead departments, merged and rated in Python),
the KPIs computed from them (behind 序时, mean completion, budget, arrived, spent) and, for one district, its monthly
trend (mean completion, 到位率, 支出率 per month; the program's months given, as the page has them for its month
chooser). The limit: the same rows by one direct SQL query each on the bare DB-API connection, the same KPIs and
trend computed in Python from the raw tuples (Decimal(str(value)), as exact as ours); both results are asserted
equal before timing.
"""

from __future__ import annotations

import json
import sys
from decimal import Decimal
from typing import Any

from bench.measure import bench_office, ensure_data, paired, raw  # sets up Django
from catalogue.models import Program
from dashboard import selectors
from reporting.models import Period, Report

# every project of the periods' programs with its totals row, if any (a project without one is listed as 未报)
FIGURES_SQL = """
SELECT p.id, p."order", p.name, p.lead_department_id, o.short_name, o.name, NULL, NULL, NULL,
  s.budget, s.arrived, s.spent, s.completion, s.schedule
FROM catalogue_project p JOIN reporting_period pe ON pe.program_id = p.program_id
LEFT JOIN reporting_summary s ON s.project_id = p.id AND s.period_id = pe.id AND s.unit_id IS NULL
LEFT JOIN orgs_organisation o ON o.id = p.lead_department_id
WHERE pe.id IN ({periods})
"""
TREND_SQL = """
SELECT pe.month, SUM(s.budget), SUM(s.arrived), SUM(s.spent), AVG(s.completion), COUNT(*)
FROM reporting_summary s JOIN reporting_period pe ON pe.id = s.period_id
WHERE pe.program_id = %(program)s AND s.unit_id IS NULL GROUP BY pe.month
"""


def _dec(v: Any) -> Decimal | None:
    return Decimal(str(v)) if v is not None else None


def _kpis(rows: list[tuple[Any, ...]]) -> tuple[int, Any, Any, Any, Any]:
    """The KPIs from raw tuples, as the dashboard states them."""
    behind = 0
    rates = []
    budget = arrived = spent = Decimal(0)
    for row in rows:
        b, a, s, c, sched = (_dec(v) for v in row[9:14])
        budget += b or 0
        arrived += a or 0
        spent += s or 0
        if c is not None:
            rates.append(c)
            if c - (sched or 0) < Decimal("-0.05"):
                behind += 1
    return behind, (sum(rates) / len(rates) if rates else None), budget, arrived, spent


def _trend(rows: list[tuple[Any, ...]]) -> dict[int, tuple[Any, Any, Any]]:
    """The monthly trend from raw tuples: mean completion, 到位率, 支出率 (4 places, for the comparison)."""
    out = {}
    for month, b, a, s, c, _n in rows:
        budget, arrived, spent, completion = _dec(b), _dec(a), _dec(s), _dec(c)
        out[month] = (
            completion,
            arrived / budget if arrived is not None and budget else None,
            spent / arrived if spent is not None and arrived else None,
        )
    return out


def _q(v: Any) -> Any:
    return None if v is None else round(Decimal(v), 4)


def main() -> None:
    scale = sys.argv[1] if len(sys.argv) > 1 else "county"
    if "--as-is" not in sys.argv[2:]:
        ensure_data(scale)
    office = bench_office()
    program = Program.objects.filter(is_sample=True).order_by("-year", "issuer__code").first()
    month = 12
    period = Period.objects.select_related("program").get(program=program, month=month)
    province = list(
        Period.objects.select_related("program").filter(
            program__is_sample=True, program__year=program.year, month=month
        )
    )
    result: dict[str, Any] = {"scale": scale, "reports": Report.objects.count(), "districts": len(province)}
    repeat = 21 if scale == "province" else 101

    months = [p.month for p in Period.objects.filter(program=program).order_by("month")]

    def ours(periods: list[Period], with_trend: bool) -> Any:
        figures = selectors.project_figures(user=office, periods=periods)
        behind = sum(1 for f in figures if f.behind)
        rates = [f.completion for f in figures if f.completion is not None]
        out = (
            behind,
            sum(rates) / len(rates) if rates else None,
            sum(f.budget for f in figures),
            sum(f.arrived for f in figures),
            sum(f.spent for f in figures),
        )
        if with_trend:  # the page has the program's months (its month chooser)
            points = selectors.trend(user=office, program=periods[0].program, months=months)
            return out, {
                p.month: (p.completion, p.arrival, p.spending) for p in points if p.completion is not None
            }
        return out, None

    for key, periods, with_trend in (("district", [period], True), ("province", province, False)):
        ids = ", ".join(str(p.id) for p in periods)
        figures_raw = raw(FIGURES_SQL.format(periods=ids), {})
        trend_raw = raw(TREND_SQL, {"program": periods[0].program_id})

        def limit(
            figures_raw: Any = figures_raw, trend_raw: Any = trend_raw, with_trend: bool = with_trend
        ) -> Any:
            return _kpis(figures_raw()), _trend(trend_raw()) if with_trend else None

        (mine, my_trend), (theirs, their_trend) = ours(periods, with_trend), limit()
        # the same figures: counts and sums exactly, means and rates to 4 places
        assert mine[0] == theirs[0] and mine[2:] == theirs[2:], (mine, theirs)
        assert _q(mine[1]) == _q(theirs[1]), (mine, theirs)
        if with_trend:
            assert {m: tuple(map(_q, v)) for m, v in my_trend.items()} == {
                m: tuple(map(_q, v)) for m, v in their_trend.items()
            }, (my_trend, their_trend)
        t_ours, t_raw = paired(lambda periods=periods, w=with_trend: ours(periods, w), limit, repeat)
        result[key] = {
            "ours": t_ours,
            "raw": t_raw,
            "ratio": t_ours / t_raw,
            "projects": len(figures_raw()),
            "districts": len(periods),
        }
    print(json.dumps(result))  # noqa: T201


if __name__ == "__main__":
    main()
