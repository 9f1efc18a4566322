from __future__ import annotations

import io
from typing import Any

import xlsxwriter

from catalogue.models import Program


def matrix_xlsx(program: Program, units: list[Any], rows: list[Any]) -> bytes:
    """Projects × units: role (牵头/配合/实施) and targets, one cell per unit."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    ws = book.add_worksheet("责任分工")
    head = book.add_format(
        {
            "bold": True,
            "bg_color": "#F2DCDB",
            "border": 1,
            "text_wrap": True,
            "align": "center",
            "valign": "vcenter",
        }
    )
    cell = book.add_format({"border": 1, "text_wrap": True, "valign": "top"})
    ws.merge_range(
        0,
        0,
        0,
        1 + len(units),
        f"{program.year}年{program.noun}责任分工矩阵",
        book.add_format({"bold": True, "font_size": 14}),
    )
    ws.write_row(1, 0, ["序号", "项目", *[u.display_name for u in units]], head)
    ws.set_column(0, 0, 6)
    ws.set_column(1, 1, 30)
    ws.set_column(2, 1 + len(units), 16)
    for r, row in enumerate(rows, start=2):
        ws.write(r, 0, row.project.order, cell)
        ws.write(r, 1, row.project.name, cell)
        for c, unit in enumerate(units, start=2):
            entry = row.cells.get(unit.id)
            ws.write(r, c, "\n".join([entry["role"], *entry["targets"]]) if entry else "", cell)
    ws.freeze_panes(2, 2)
    book.close()
    return buffer.getvalue()
