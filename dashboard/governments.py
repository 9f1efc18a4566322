"""The dashboard of a city's (or the province's) staff: its lower governments at a glance (issue 14 item 4, issue 12).

Every figure comes from the roll-up up the government tree (reporting.governments.tree_table: the districts'
``Summary`` rows, confirmed figures only, one query, scoped by the policy) — no second computation. The KPIs are
sums and means over the table's rows; the charts are ``dashboard.charts.Chart`` objects (JSON for
static/js/dashboard.js, the HTML table, the Excel download). The drill-down from a city's district goes to that
district's own dashboard, read-only (its published program; confirmed figures only, see dashboard.views); from a
province's city to that city's tree dashboard. Two queries per page whatever the number of districts: the table,
and the districts' programs the links point to.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from catalogue.models import Program
from core.policy import restrict
from dashboard.charts import INT, PCT, WAN, Chart, Column, _pct, _wan
from orgs.models import Level, Organisation
from reporting import governments as tree
from reporting.governments import TreeRow

ZERO = Decimal(0)


def _ratio(a: Decimal, b: Decimal) -> Decimal | None:
    return a / b if b else None


@dataclass(slots=True)
class TreeKpis:
    """The lower governments' confirmed figures in one line of cards."""

    governments: int  # districts (a city) or cities (the province) in the table
    reporting: int  # of which with confirmed figures this month
    districts: int  # districts rolled up (equal to ``governments`` for a city)
    districts_reporting: int
    completion: Decimal | None  # mean of the completion rates of those with figures
    budget: Decimal
    arrived: Decimal
    spent: Decimal
    behind: int  # behind 序时 by more than the 进度表's tolerance
    schedule: Decimal

    @property
    def arrival_rate(self) -> Decimal | None:
        return _ratio(self.arrived, self.budget)

    @property
    def spending_rate(self) -> Decimal | None:
        return _ratio(self.spent, self.arrived)


def tree_kpis(rows: list[TreeRow], month: int) -> TreeKpis:
    done = [r.completion for r in rows if r.completion is not None]
    return TreeKpis(
        governments=len(rows),
        reporting=sum(1 for r in rows if r.has_figures),
        districts=sum(r.districts for r in rows),
        districts_reporting=sum(r.districts_reporting for r in rows),
        completion=sum(done, ZERO) / len(done) if done else None,
        budget=sum((r.budget for r in rows), ZERO),
        arrived=sum((r.arrived for r in rows), ZERO),
        spent=sum((r.spent for r in rows), ZERO),
        behind=sum(1 for r in rows if r.behind),
        schedule=Decimal(month) / Decimal(12),
    )


class TreeBoard:
    """A city's (or the province's) dashboard for ``month`` of ``year``: its table, KPIs, charts and links."""

    def __init__(self, *, user: Any, government: Organisation, year: int, month: int) -> None:
        self.user = user
        self.government = government
        self.year = year
        self.month = month
        self.is_city = government.level == Level.CITY

    @cached_property
    def rows(self) -> list[TreeRow]:
        return tree.tree_table(user=self.user, government=self.government, year=self.year, month=self.month)

    @cached_property
    def kpis(self) -> TreeKpis:
        return tree_kpis(self.rows, self.month)

    @cached_property
    def district_programs(self) -> dict[int, int]:
        """A city's districts → the published program of the year the user may view (one query)."""
        if not self.is_city or not self.rows:
            return {}
        ids = [r.unit.id for r in self.rows]
        qs = restrict(
            Program.objects.filter(
                year=self.year, status=Program.Status.PUBLISHED, issuer__government_id__in=ids
            ),
            self.user,
            "view",
        )
        found: dict[int, int] = {}
        for pk, government in qs.order_by("id").values_list("pk", "issuer__government_id"):
            found.setdefault(government, pk)
        return found

    def link(self, row: TreeRow) -> str | None:
        """The drill-down of a row: the district's dashboard (read-only) or the city's tree dashboard."""
        if self.is_city:
            program = self.district_programs.get(row.unit.id)
            if program is None or not row.has_figures:
                return None
            return reverse("dashboard:board", args=[program, self.month])
        return reverse("dashboard:tree", args=[self.year, self.month]) + f"?government={row.unit.code}"

    def url(self, key: str, fmt: str) -> str:
        base = reverse("dashboard:tree_data", args=[self.year, self.month, key, fmt])
        return f"{base}?government={self.government.code}"

    @property
    def noun(self) -> str:
        return _("区县") if self.is_city else _("市")

    def chart(self, key: str) -> Chart:
        chart = TREE_CHARTS[key](self)
        chart.src, chart.xlsx = self.url(key, "json"), self.url(key, "xlsx")
        return chart

    def charts(self) -> list[Chart]:
        return [self.chart(key) for key in TREE_CHARTS]


def _status(row: TreeRow) -> str:
    if not row.has_figures:
        return _("暂无已确认数据")
    return _("滞后") if row.behind else _("正常")


def ranking_chart(board: TreeBoard) -> Chart:
    rows = board.rows
    title = _("各区县综合排名") if board.is_city else _("各市综合排名")
    return Chart(
        key="ranking",
        title=title,
        columns=[
            Column(_("名次"), INT),
            Column(board.noun),
            Column(_("综合得分")),
            Column(_("完成率"), PCT),
            Column(_("到位率"), PCT),
            Column(_("支出率"), PCT),
            Column(_("确认率"), PCT),
            Column(_("状态")),
        ],
        rows=[
            [
                r.rank,
                r.unit.display_name,
                f"{r.score:.2f}",
                r.completion,
                r.arrival_rate,
                r.spending_rate,
                r.confirmed_rate,
                _status(r),
            ]
            for r in rows
        ],
        links=[board.link(r) for r in rows],
        categories=[r.unit.display_name for r in rows],
        series=[
            {
                "name": _("综合得分"),
                "kind": "bar",
                "data": [float(round(r.score, 2)) if r.has_figures else None for r in rows],
            }
        ],
        axis="score",
        link_column=1,
        empty=_("本月尚无已确认的下级数据，暂无排名。"),
        note=str(tree.TREE_FORMULA),
    )


def rates_chart(board: TreeBoard) -> Chart:
    rows = sorted(board.rows, key=lambda r: (r.gap is None, r.gap if r.gap is not None else 0, r.unit.order))
    title = _("各区县完成率与资金") if board.is_city else _("各市完成率与资金")
    return Chart(
        key="rates",
        title=title,
        columns=[
            Column(board.noun),
            Column(_("完成率"), PCT),
            Column(_("与序时差距"), PCT),
            Column(_("预算（万元）"), WAN),
            Column(_("到位（万元）"), WAN),
            Column(_("支出（万元）"), WAN),
            Column(_("到位率"), PCT),
            Column(_("支出率"), PCT),
            Column(_("已确认/应报")),
        ],
        rows=[
            [
                r.unit.display_name,
                r.completion,
                r.gap,
                r.budget,
                r.arrived,
                r.spent,
                r.arrival_rate,
                r.spending_rate,
                f"{r.confirmed}/{r.owed}",
            ]
            for r in rows
        ],
        links=[board.link(r) for r in rows],
        categories=[r.unit.display_name for r in rows],
        series=[
            {"name": _("完成率"), "kind": "bar", "data": [_pct(r.completion) for r in rows]},
            {"name": _("到位率"), "kind": "bar", "data": [_pct(r.arrival_rate) for r in rows]},
            {"name": _("支出率"), "kind": "bar", "data": [_pct(r.spending_rate) for r in rows]},
        ],
        schedule=_pct(board.kpis.schedule),
        empty=_("本月尚无已确认的下级数据。"),
        note=_("只计各区县民生办已确认的数据；未确认的数据不向上汇总"),
    )


def funds_chart(board: TreeBoard) -> Chart:
    rows = board.rows
    title = _("各区县资金：预算、到位、支出") if board.is_city else _("各市资金：预算、到位、支出")
    return Chart(
        key="funds",
        title=title,
        columns=[
            Column(board.noun),
            Column(_("预算（万元）"), WAN),
            Column(_("到位（万元）"), WAN),
            Column(_("支出（万元）"), WAN),
        ],
        rows=[[r.unit.display_name, r.budget, r.arrived, r.spent] for r in rows],
        links=[board.link(r) for r in rows],
        categories=[r.unit.display_name for r in rows],
        series=[
            {
                "name": _("预算"),
                "kind": "bar",
                "data": [_wan(r.budget) if r.has_figures else None for r in rows],
            },
            {
                "name": _("到位"),
                "kind": "bar",
                "data": [_wan(r.arrived) if r.has_figures else None for r in rows],
            },
            {
                "name": _("支出"),
                "kind": "bar",
                "data": [_wan(r.spent) if r.has_figures else None for r in rows],
            },
        ],
        axis=WAN,
        empty=_("本月尚无已确认的下级资金数据。"),
    )


#: The tree dashboard's charts, in the order shown; the JSON and Excel endpoints build one by its key.
TREE_CHARTS = {"ranking": ranking_chart, "rates": rates_chart, "funds": funds_chart}


def tree_home(user: Any) -> Organisation | None:
    """The government whose tree dashboard is the user's ``/dashboard/``: a city's or the province's staff-wide
    roles (not the 系统管理员, whose dashboard stays the district's)."""
    from reporting.rules import may_see_rollup_in_top_menu

    if not may_see_rollup_in_top_menu(user):
        return None
    return tree.tree_government(user, None)
