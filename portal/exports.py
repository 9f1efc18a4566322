"""Downloads of the portal's chart tables (CSV for any spreadsheet, Excel): the numbers the charts draw."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from typing import Any

import xlsxwriter

from portal.selectors import Table


def _cell(value: Any) -> Any:
    return float(value) if isinstance(value, Decimal) else value


def table_csv(table: Table, *, caption: str) -> bytes:
    """UTF-8 with a byte-order mark, so that Excel and WPS read the Chinese headers."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([caption])
    writer.writerow(table.head)
    for row in table.rows:
        writer.writerow(["" if v is None else str(v) for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def table_xlsx(table: Table, *, caption: str) -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    ws = book.add_worksheet(table.title[:31])
    bold = book.add_format({"bold": True})
    header = book.add_format({"bold": True, "border": 1, "bg_color": "#F2DCDB", "text_wrap": True})
    cell = book.add_format({"border": 1})
    ws.write_string(0, 0, caption, bold)
    ws.write_row(1, 0, table.head, header)
    for r, row in enumerate(table.rows, start=2):
        ws.write_row(r, 0, [_cell(v) for v in row], cell)
    for c, name in enumerate(table.head):
        ws.set_column(c, c, 30 if c == 1 and table.name == "projects" else max(10, len(name) * 2))
    book.close()
    return buffer.getvalue()
