"""The 进度表 as a styled Excel file (merged headers, 万元 with two decimals, frozen panes) and as PDF."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any
from xml.sax.saxutils import escape

import xlsxwriter

from core.numbers import ABNORMAL, as_float, quantity_text, yuan_to_wan
from reporting.models import Period
from reporting.rollup import ProgressRow

PDF_MAX = 1e12


def _wan(value: Decimal | None) -> float | None:
    return None if value is None else as_float(yuan_to_wan(value))


def _rate(value: Decimal | None) -> float | None:
    return as_float(value)


def table_rows(rows: list[ProgressRow], per_unit: bool) -> tuple[list[str], list[list[Any]]]:
    """Flat rows shared by the Excel and PDF renderings (money in 万元, rates as fractions)."""
    sources = list(rows[0].budget) if rows else []
    head = [
        "序号",
        "项目",
        *(["单位"] if per_unit else []),
        "牵头单位",
        "主要指标",
        "目标",
        "完成",
        "完成率",
        *[f"预算·{s}" for s in sources],
        "预算合计",
        "到位",
        "到位率",
        "支出",
        "支出率",
        "序时进度",
        "序时",
    ]
    body = []
    for r in rows:
        first = r.indicators[0] if r.indicators else {"name": "", "unit": "", "target": None, "done": None}
        body.append(
            [
                r.project.order,
                r.project.name,
                *([r.unit.display_name if r.unit else ""] if per_unit else []),
                r.project.lead_department.display_name if r.project.lead_department else "",
                f"{first['name']}（{first['unit']}）" if first["name"] else "",
                as_float(first["target"]),
                as_float(first["done"]),
                _rate(r.completion),
                *[_wan(r.budget[s]) for s in sources],
                _wan(r.budget_total),
                _wan(r.arrived),
                _rate(r.arrival_rate),
                _wan(r.spent),
                _rate(r.spending_rate),
                _rate(r.schedule),
                "滞后" if r.behind else ("—" if r.completion is None else "正常"),
            ]
        )
    return head, body


def progress_xlsx(
    *, period: Period, rows: list[ProgressRow], per_unit: bool = False, pending: bool = False
) -> bytes:
    head, body = table_rows(rows, per_unit)
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    ws = book.add_worksheet("进度表")
    title = book.add_format({"bold": True, "font_size": 16, "align": "center"})
    header = book.add_format(
        {
            "bold": True,
            "bg_color": "#F2DCDB",
            "border": 1,
            "align": "center",
            "valign": "vcenter",
            "text_wrap": True,
        }
    )
    text = book.add_format({"border": 1, "text_wrap": True, "valign": "top"})
    money = book.add_format({"border": 1, "num_format": "#,##0.00"})
    number = book.add_format({"border": 1, "num_format": "#,##0.####"})
    percent = book.add_format({"border": 1, "num_format": "0.0%"})
    behind = book.add_format({"border": 1, "font_color": "#C00000", "bold": True})
    last = len(head) - 1
    program = period.program
    ws.merge_range(0, 0, 0, last, f"{program.year}年{program.noun}进度表（截至{period.month}月）", title)
    note = "含待审核数据（非正式）" if pending else "只计民生办已确认的数据"
    ws.merge_range(1, 0, 1, last, f"金额单位：万元；{note}", book.add_format({"align": "right"}))
    # two header rows: groups merged over their columns
    groups: list[tuple[str, int, int]] = []
    for i, name in enumerate(head):
        group = (
            name.split("·")[0]
            if "·" in name
            else ("资金" if name in ("预算合计", "到位", "到位率", "支出", "支出率") else "")
        )
        if groups and groups[-1][0] == group and group:
            groups[-1] = (group, groups[-1][1], i)
        else:
            groups.append((group, i, i))
    for group, start, end in groups:
        if group and end > start:
            ws.merge_range(2, start, 2, end, group, header)
            for i in range(start, end + 1):
                ws.write(3, i, head[i].split("·")[-1], header)
        else:
            ws.merge_range(2, start, 3, start, head[start], header)
    # one format per column, set on the column: xlsxwriter gives it to every cell written without a format, so
    # each row is one write_row call (as fast as writing unstyled rows)
    for c, name in enumerate(head):
        if name.endswith("率") or name == "序时进度":
            style = percent
        elif name.startswith("预算") or name in ("到位", "支出"):
            style = money
        elif name in ("目标", "完成"):
            style = number
        else:
            style = text
        ws.set_column(c, c, 5 if c == 0 else 28 if c == 1 else 11, style)
    flag = head.index("序时")
    write_row = ws.write_row
    for r, row in enumerate(body, start=4):
        write_row(r, 0, row)
        if row[flag] == "滞后":
            ws.write_string(r, flag, "滞后", behind)
    ws.freeze_panes(4, 2)
    book.close()
    return buffer.getvalue()


def progress_pdf(
    *, period: Period, rows: list[ProgressRow], per_unit: bool = False, pending: bool = False
) -> bytes:
    """A landscape A4 table with the same columns, in a Chinese font resolved through fontconfig."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    font = _cjk_font()
    head, body = table_rows(rows, per_unit)
    # CJK wrapping breaks between any two characters, so a long name wraps inside its cell, never cut off
    cell = ParagraphStyle("cell", fontName=font, fontSize=6.5, leading=8, wordWrap="CJK")
    number = ParagraphStyle("number", parent=cell, alignment=2)
    text_columns = {"项目", "单位", "牵头单位", "主要指标", "序时"}

    def fmt(name: str, value: Any) -> Any:
        if value is None:
            return "—"
        if isinstance(value, float):
            if abs(value) >= PDF_MAX:  # would not fit its column: a stored value beyond any plausible range
                return ABNORMAL
            if name.endswith("率") or name == "序时进度":
                return f"{value * 100:.1f}%"
            return f"{value:,.2f}"
        return Paragraph(escape(str(value)), cell) if name in text_columns else str(value)

    def lines(values: list[str], style: ParagraphStyle) -> Any:
        return Paragraph("<br/>".join(escape(v) for v in values), style) if values else "—"

    def quantity(value: Any) -> str:
        shown = quantity_text(value)
        return shown if shown == ABNORMAL or abs(as_float(value) or 0) < PDF_MAX else ABNORMAL

    data: list[list[Any]] = [[Paragraph(escape(h), cell) for h in head]]
    at = {name: head.index(name) for name in ("主要指标", "目标", "完成")}
    for row, values in zip(rows, body, strict=True):
        out = [fmt(head[i], v) for i, v in enumerate(values)]
        if row.indicators:  # every indicator, one line each, its target and done value on the same line
            out[at["主要指标"]] = lines([f"{i['name']}（{i['unit']}）" for i in row.indicators], cell)
            out[at["目标"]] = lines([quantity(i["target"]) for i in row.indicators], number)
            out[at["完成"]] = lines([quantity(i["done"]) for i in row.indicators], number)
        data.append(out)
    buffer = io.BytesIO()
    program = period.program
    doc = SimpleDocTemplate(
        buffer,
        pagesize=landscape(A4),
        leftMargin=10 * mm,
        rightMargin=10 * mm,
        topMargin=12 * mm,
        bottomMargin=12 * mm,
        title=f"{program.year}年{program.noun}进度表",
    )
    fixed = {
        "序号": 7,
        "项目": 34,
        "单位": 18,
        "牵头单位": 18,
        "主要指标": 34,
        "目标": 13,
        "完成": 13,
        "序时": 9,
    }
    free = (doc.width / mm - sum(fixed.get(h, 0) for h in head)) / max(1, sum(h not in fixed for h in head))
    widths = [fixed.get(h, free) * mm for h in head]
    table = Table(data, colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), font),
                ("FONTSIZE", (0, 0), (-1, -1), 6.5),
                ("GRID", (0, 0), (-1, -1), 0.3, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#F2DCDB")),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("ALIGN", (at["目标"], 1), (-2, -1), "RIGHT"),
            ]
        )
    )
    title = ParagraphStyle("title", fontName=font, fontSize=14, leading=18, alignment=1)
    note = "含待审核数据（非正式）" if pending else "只计民生办已确认的数据"
    doc.build(
        [
            Paragraph(f"{program.year}年{program.noun}进度表（截至{period.month}月）", title),
            Paragraph(f"金额单位：万元；{note}", ParagraphStyle("n", fontName=font, fontSize=8, alignment=2)),
            Spacer(1, 3 * mm),
            table,
        ]
    )
    return buffer.getvalue()


def _cjk_font() -> str:
    """Register the TrueType CJK font that fontconfig maps 宋体 to (documents.fonts)."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    from documents.fonts import resolve_font_file

    name = "MinshengTable"
    if name not in pdfmetrics.getRegisteredFontNames():
        path, index = resolve_font_file("宋体")
        pdfmetrics.registerFont(TTFont(name, path, subfontIndex=index))
    return name


def tree_xlsx(*, government: Any, year: int, month: int, project: Any, rows: list[Any]) -> bytes:
    """The roll-up up the government tree (reporting.governments.TreeRow: a city's districts or the province's
    cities) as an Excel sheet: confirmed figures only, money in 万元, rates as percentages."""
    from django.utils.translation import gettext as _

    from orgs.models import Level

    is_city = government.level == Level.CITY
    head = [
        _("名次"),
        _("区（县）") if is_city else _("市"),
        *([] if is_city else [_("区县数"), _("已确认区县")]),
        _("完成率"),
        _("序时进度"),
        _("预算"),
        _("到位"),
        _("到位率"),
        _("支出"),
        _("支出率"),
        _("应报"),
        _("已确认"),
        _("确认率"),
        _("得分"),
        _("序时"),
    ]
    kinds = ["int", "text", *([] if is_city else ["int", "int"])] + [
        "pct",
        "pct",
        "money",
        "money",
        "pct",
        "money",
        "pct",
        "int",
        "int",
        "pct",
        "num",
        "text",
    ]
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    ws = book.add_worksheet(_("汇总表"))
    title = book.add_format({"bold": True, "font_size": 16, "align": "center"})
    header = book.add_format(
        {"bold": True, "bg_color": "#F2DCDB", "border": 1, "align": "center", "valign": "vcenter"}
    )
    styles = {
        "text": book.add_format({"border": 1}),
        "int": book.add_format({"border": 1, "num_format": "0"}),
        "num": book.add_format({"border": 1, "num_format": "0.00"}),
        "money": book.add_format({"border": 1, "num_format": "#,##0.00"}),
        "pct": book.add_format({"border": 1, "num_format": "0.0%"}),
    }
    behind = book.add_format({"border": 1, "font_color": "#C00000", "bold": True})
    last = len(head) - 1
    subject = f"{project.name}·" if project is not None else ""
    ws.merge_range(
        0,
        0,
        0,
        last,
        _("%(government)s%(year)s年%(subject)s各%(level)s汇总表（截至%(month)s月）")
        % {
            "government": government.name,
            "year": year,
            "subject": subject,
            "level": _("区县") if is_city else _("市"),
            "month": month,
        },
        title,
    )
    ws.merge_range(
        1, 0, 1, last, _("金额单位：万元；只计各区县民生办已确认的数据"), book.add_format({"align": "right"})
    )
    ws.write_row(2, 0, head, header)
    for c, kind in enumerate(kinds):
        ws.set_column(c, c, 16 if c == 1 else 11, styles[kind])
    flag = len(head) - 1
    for r, row in enumerate(rows, start=3):
        status = _("滞后") if row.behind else ("—" if row.completion is None else _("正常"))
        values = [
            row.rank,
            row.unit.display_name,
            *([] if is_city else [row.districts, row.districts_reporting]),
            _rate(row.completion),
            _rate(row.schedule),
            _wan(row.budget),
            _wan(row.arrived),
            _rate(row.arrival_rate),
            _wan(row.spent),
            _rate(row.spending_rate),
            row.owed,
            row.confirmed,
            _rate(row.confirmed_rate),
            as_float(row.score),
            status,
        ]
        ws.write_row(r, 0, values)
        if row.behind:
            ws.write_string(r, flag, status, behind)
    ws.freeze_panes(3, 2)
    book.close()
    return buffer.getvalue()
