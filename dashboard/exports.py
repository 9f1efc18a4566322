"""A chart's numbers as an Excel workbook (XlsxWriter, as the 进度表's export): the table of the chart, money in
万元 and rates as percentages, the figures' basis in a note row."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

import xlsxwriter

from dashboard.charts import INT, PCT, WAN, Chart


def chart_xlsx(chart: Chart, *, heading: str, note: str) -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    ws = book.add_worksheet(chart.title[:31].replace(":", " ").replace("：", " "))
    bold = book.add_format({"bold": True, "font_size": 14})
    header = book.add_format({"bold": True, "bg_color": "#F2DCDB", "border": 1, "text_wrap": True})
    styles = {
        PCT: book.add_format({"border": 1, "num_format": "0.0%"}),
        WAN: book.add_format({"border": 1, "num_format": "#,##0.00"}),
        INT: book.add_format({"border": 1, "num_format": "0"}),
    }
    text = book.add_format({"border": 1, "text_wrap": True})
    ws.write(0, 0, f"{heading} · {chart.title}", bold)
    ws.write(1, 0, note)
    for c, column in enumerate(chart.columns):
        ws.write(2, c, column.label, header)
        ws.set_column(c, c, 28 if column.kind == "text" and c <= 1 else 12)
    for r, row in enumerate(chart.rows, start=3):
        for c, (value, column) in enumerate(zip(row, chart.columns, strict=True)):
            ws.write(r, c, _cell(value, column.kind), styles.get(column.kind, text))
    if not chart.rows:
        ws.write(3, 0, chart.empty)
    book.close()
    return buffer.getvalue()


def _cell(value: Any, kind: str) -> Any:
    if value is None:
        return ""
    if kind == WAN:
        return float((Decimal(value) / Decimal(10000)).quantize(Decimal("0.01")))
    if kind == PCT:
        return float(value)
    return value
