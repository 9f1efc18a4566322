"""The dashboard's charts as data: one ``Chart`` gives the ECharts specification (JSON, drawn by
static/js/dashboard.js), the HTML table shown without JavaScript and the Excel download — the same numbers.

Money is kept in 元 and shown in 万元; rates are fractions shown as percentages.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from core.numbers import as_float, wan_text
from dashboard.selectors import Board, Figure, TrendPoint
from reporting import rollup

TEXT, PCT, WAN, INT = "text", "pct", "wan", "int"


@dataclass(slots=True)
class Column:
    label: str
    kind: str = TEXT


@dataclass(slots=True)
class Chart:
    key: str
    title: str
    columns: list[Column]
    rows: list[list[Any]]
    links: list[str | None] = field(default_factory=list)  # per row: the drill-down, or None
    categories: list[str] = field(default_factory=list)
    series: list[dict[str, Any]] = field(default_factory=list)  # name, kind (bar|line), data (floats)
    axis: str = PCT  # the value axis: pct (0–100 %) or wan (万元)
    horizontal: bool = False
    schedule: float | None = None  # the 序时 line, in percent
    empty: str = ""
    note: str = ""
    link_column: int = 0  # the table column that carries the drill-down link
    src: str = ""  # the JSON endpoint (set by the view)
    xlsx: str = ""  # the Excel download

    @property
    def drawable(self) -> bool:
        """Whether there is anything to draw (some figure not missing); otherwise the chart shows its message."""
        return any(v is not None for s in self.series for v in s["data"])

    def cells(self) -> list[tuple[list[str], str | None]]:
        """The table's rows as shown (formatted), each with its drill-down link."""
        links = self.links or [None] * len(self.rows)
        return [
            ([_show(v, c.kind) for v, c in zip(row, self.columns, strict=True)], link)
            for row, link in zip(self.rows, links, strict=True)
        ]

    def spec(self) -> dict[str, Any]:
        """What the JSON endpoint answers: enough for dashboard.js to draw the chart and follow a click."""
        return {
            "key": self.key,
            "title": self.title,
            "categories": self.categories if self.drawable else [],
            "series": self.series,
            "axis": self.axis,
            "horizontal": self.horizontal,
            "schedule": self.schedule,
            "schedule_label": _("序时进度"),
            "links": self.links,
            "empty": "" if self.drawable else self.empty,
            "unit": "%" if self.axis == PCT else _("万元"),
        }


def _show(value: Any, kind: str) -> str:
    if value is None or value == "":
        return "—"
    if kind == PCT:
        return f"{Decimal(value) * 100:.1f}%"
    if kind == WAN:
        return wan_text(value)
    return str(value)


def _pct(value: Decimal | None) -> float | None:
    return None if value is None else round(float(value) * 100, 1)


def _wan(value: Decimal | None) -> float | None:
    number = as_float(value)
    return None if number is None else round(number / 10000, 2)


def _q(board: Board) -> str:
    return "?pending=1" if board.pending else ""


def _project_url(board: Board, project_id: int) -> str:
    return reverse("dashboard:project", args=[board.program.pk, board.period.month, project_id]) + _q(board)


def _unit_url(board: Board, unit_id: int) -> str:
    return reverse("dashboard:unit", args=[board.program.pk, board.period.month, unit_id]) + _q(board)


def _reports_url(board: Board, project_id: int, unit_id: int) -> str:
    return reverse(
        "dashboard:reports", args=[board.program.pk, board.period.month, project_id, unit_id]
    ) + _q(board)


def funds_chart(board: Board) -> Chart:
    funds = board.funds
    return Chart(
        key="funds",
        title=_("资金：预算、到位、支出（按来源）"),
        columns=[
            Column(_("资金来源")),
            Column(_("预算（万元）"), WAN),
            Column(_("到位（万元）"), WAN),
            Column(_("支出（万元）"), WAN),
            Column(_("到位率"), PCT),
            Column(_("支出率"), PCT),
        ],
        rows=[[f.label, f.budget, f.arrived, f.spent, f.arrival_rate, f.spending_rate] for f in funds],
        categories=[f.label for f in funds],
        series=[
            {"name": _("预算"), "kind": "bar", "data": [_wan(f.budget) for f in funds]},
            {"name": _("到位"), "kind": "bar", "data": [_wan(f.arrived) for f in funds]},
            {"name": _("支出"), "kind": "bar", "data": [_wan(f.spent) for f in funds]},
        ],
        axis=WAN,
        empty=_("尚无资金计划或到位数据。"),
    )


def _lagging_first(figures: list[Figure]) -> list[Figure]:
    """Most behind 序时 first; projects without a completion rate last, in project order."""
    return sorted(figures, key=lambda f: (f.gap is None, f.gap if f.gap is not None else 0, f.order))


def _status(f: Figure, behind: str, on: str) -> str:
    """滞后 / 正常, 未报 for a project without a confirmed report this month (listed, never left out)."""
    if not f.reported:
        return _("未报")
    return (behind if f.behind else on) if f.completion is not None else ""


def projects_chart(board: Board) -> Chart:
    figures = _lagging_first(board.figures)
    behind, on = _("滞后"), _("正常")
    return Chart(
        key="projects",
        title=_("各项目完成率与资金（按滞后程度排序）"),
        columns=[
            Column(_("序号")),
            Column(_("项目")),
            Column(_("牵头单位")),
            Column(_("完成率"), PCT),
            Column(_("与序时差距"), PCT),
            Column(_("预算（万元）"), WAN),
            Column(_("到位（万元）"), WAN),
            Column(_("支出（万元）"), WAN),
            Column(_("到位率"), PCT),
            Column(_("支出率"), PCT),
            Column(_("状态")),
        ],
        rows=[
            [
                f.order,
                f.name,
                f.lead_name,
                f.completion,
                f.gap,
                f.budget,
                f.arrived,
                f.spent,
                f.arrival_rate,
                f.spending_rate,
                _status(f, behind, on),
            ]
            for f in figures
        ],
        links=[_project_url(board, f.project_id) for f in figures],
        categories=[f.name if f.reported else _("%(name)s（未报）") % {"name": f.name} for f in figures],
        series=[
            {"name": _("完成率"), "kind": "bar", "data": [_pct(f.completion) for f in figures]},
            {"name": _("到位率"), "kind": "bar", "data": [_pct(f.arrival_rate) for f in figures]},
            {"name": _("支出率"), "kind": "bar", "data": [_pct(f.spending_rate) for f in figures]},
        ],
        horizontal=True,
        schedule=_pct(board.schedule),
        empty=_("本月尚无已确认的项目数据。"),
        link_column=1,
    )


def units_chart(board: Board, kind: str) -> Chart:
    scores = board.ranking(kind)
    reachable = board.reachable_units
    title = _("各镇街完成情况") if kind == "local" else _("各部门完成情况")
    return Chart(
        key=f"units-{kind}",
        title=title,
        columns=[
            Column(_("单位")),
            Column(_("完成率"), PCT),
            Column(_("到位率"), PCT),
            Column(_("支出率"), PCT),
            Column(_("按时报送率"), PCT),
        ],
        rows=[[s.unit.display_name, s.completion, s.arrival, s.spending, s.on_time_rate] for s in scores],
        links=[
            _unit_url(board, s.unit.id) if reachable is None or s.unit.id in reachable else None
            for s in scores
        ],
        categories=[s.unit.display_name for s in scores],
        series=[
            {"name": _("完成率"), "kind": "bar", "data": [_pct(s.completion) for s in scores]},
            {"name": _("到位率"), "kind": "bar", "data": [_pct(s.arrival) for s in scores]},
            {"name": _("支出率"), "kind": "bar", "data": [_pct(s.spending) for s in scores]},
        ],
        schedule=_pct(board.schedule),
        empty=_("本月尚无可排名的单位。"),
        note=_("只计民生办已确认的数据。"),
    )


def ranking_chart(board: Board, kind: str) -> Chart:
    scores = board.ranking(kind)
    reachable = board.reachable_units
    title = _("镇街综合排名") if kind == "local" else _("部门综合排名")
    return Chart(
        key=f"ranking-{kind}",
        title=title,
        columns=[Column(_("名次"), INT), Column(_("单位")), Column(_("综合得分"))],
        rows=[[s.rank, s.unit.display_name, f"{s.score:.2f}"] for s in scores],
        links=[
            _unit_url(board, s.unit.id) if reachable is None or s.unit.id in reachable else None
            for s in scores
        ],
        categories=[s.unit.display_name for s in scores],
        series=[{"name": _("综合得分"), "kind": "bar", "data": [float(round(s.score, 2)) for s in scores]}],
        axis="score",
        link_column=1,
        empty=_("本月尚无可排名的单位。"),
        note=str(rollup.FORMULA),
    )


def trend_chart(board: Board) -> Chart:
    points: list[TrendPoint] = board.trend
    return Chart(
        key="trend",
        title=_("全年逐月进度与序时计划"),
        columns=[
            Column(_("月份")),
            Column(_("序时进度"), PCT),
            Column(_("完成率"), PCT),
            Column(_("到位率"), PCT),
            Column(_("支出率"), PCT),
        ],
        rows=[
            [_("%(m)d月") % {"m": p.month}, p.schedule, p.completion, p.arrival, p.spending] for p in points
        ],
        categories=[_("%(m)d月") % {"m": p.month} for p in points],
        series=[
            {
                "name": _("序时进度"),
                "kind": "line",
                "dashed": True,
                "data": [_pct(p.schedule) for p in points],
            },
            {"name": _("完成率"), "kind": "line", "data": [_pct(p.completion) for p in points]},
            {"name": _("到位率"), "kind": "line", "data": [_pct(p.arrival) for p in points]},
            {"name": _("支出率"), "kind": "line", "data": [_pct(p.spending) for p in points]},
        ],
        empty=_("本年度尚未设置报送期。"),
        note=_("只计民生办已确认的数据。"),
    )


def project_units_chart(board: Board, project: Any, figures: list[Figure]) -> Chart:
    return Chart(
        key="project",
        title=_("%(project)s：各单位完成情况") % {"project": project.name},
        columns=[
            Column(_("单位")),
            Column(_("完成率"), PCT),
            Column(_("与序时差距"), PCT),
            Column(_("预算（万元）"), WAN),
            Column(_("到位（万元）"), WAN),
            Column(_("支出（万元）"), WAN),
            Column(_("到位率"), PCT),
            Column(_("支出率"), PCT),
        ],
        rows=[
            [f.unit_name, f.completion, f.gap, f.budget, f.arrived, f.spent, f.arrival_rate, f.spending_rate]
            for f in figures
        ],
        links=[_reports_url(board, project.pk, f.unit_id) for f in figures],
        categories=[f.unit_name for f in figures],
        series=[
            {"name": _("完成率"), "kind": "bar", "data": [_pct(f.completion) for f in figures]},
            {"name": _("到位率"), "kind": "bar", "data": [_pct(f.arrival_rate) for f in figures]},
            {"name": _("支出率"), "kind": "bar", "data": [_pct(f.spending_rate) for f in figures]},
        ],
        schedule=_pct(board.schedule),
        empty=_("本月尚无该项目已确认的单位数据。"),
    )


def unit_projects_chart(board: Board, unit: Any, figures: list[Figure]) -> Chart:
    figures = _lagging_first(figures)
    return Chart(
        key="unit",
        title=_("%(unit)s：各项目完成情况") % {"unit": unit.display_name},
        columns=[
            Column(_("项目")),
            Column(_("完成率"), PCT),
            Column(_("与序时差距"), PCT),
            Column(_("预算（万元）"), WAN),
            Column(_("到位（万元）"), WAN),
            Column(_("支出（万元）"), WAN),
            Column(_("到位率"), PCT),
            Column(_("支出率"), PCT),
        ],
        rows=[
            [f.name, f.completion, f.gap, f.budget, f.arrived, f.spent, f.arrival_rate, f.spending_rate]
            for f in figures
        ],
        links=[_reports_url(board, f.project_id, unit.pk) for f in figures],
        categories=[f.name for f in figures],
        series=[
            {"name": _("完成率"), "kind": "bar", "data": [_pct(f.completion) for f in figures]},
            {"name": _("到位率"), "kind": "bar", "data": [_pct(f.arrival_rate) for f in figures]},
        ],
        horizontal=True,
        schedule=_pct(board.schedule),
        empty=_("本月尚无该单位已确认的数据。"),
    )


#: The main page's charts, in the order shown; the JSON and Excel endpoints build one by its key.
MAIN_CHARTS = {
    "projects": projects_chart,
    "funds": funds_chart,
    "trend": trend_chart,
    "units-local": lambda b: units_chart(b, "local"),
    "units-department": lambda b: units_chart(b, "department"),
    "ranking-local": lambda b: ranking_chart(b, "local"),
    "ranking-department": lambda b: ranking_chart(b, "department"),
}
