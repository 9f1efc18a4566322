"""Excel exports of catalogue reads (xlsxwriter writes; tests read them back with python-calamine)."""

from __future__ import annotations

import io

import xlsxwriter

from catalogue.diff import ProgramDiff


def diff_xlsx(diff: ProgramDiff) -> bytes:
    y0 = diff.earlier.year if diff.earlier else diff.later.year - 1
    y1 = diff.later.year
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    head = book.add_format(
        {"bold": True, "bg_color": "#F2DCDB", "border": 1, "text_wrap": True, "valign": "vcenter"}
    )
    cell = book.add_format({"border": 1, "text_wrap": True, "valign": "top"})
    title = book.add_format({"bold": True, "font_size": 14})

    def sheet(name: str, heading: str, columns: list[tuple[str, int]], rows: list[list[object]]) -> None:
        ws = book.add_worksheet(name)
        ws.write(0, 0, heading, title)
        for c, (label, width) in enumerate(columns):
            ws.write(1, c, label, head)
            ws.set_column(c, c, width)
        for r, row in enumerate(rows, start=2):
            for c, value in enumerate(row):
                ws.write(r, c, value, cell)
        ws.freeze_panes(2, 1)

    sheet(
        f"{y0}年去向",
        f"{y0}年项目在{y1}年的去向",
        [("序号", 6), (f"{y0}年项目", 30), ("去向", 14), ("调整方式", 16), (f"{y1}年项目", 30), ("原因", 50)],
        [
            [
                f.project.order,
                f.project.name,
                f.label,
                "、".join(f.sub_kinds),
                "、".join(o.name for o in f.others),
                f.reason,
            ]
            for f in diff.fates
        ],
    )
    sheet(
        f"{y1}年来源",
        f"{y1}年项目的来源",
        [
            ("序号", 6),
            (f"{y1}年项目", 30),
            ("来源", 14),
            ("调整方式", 16),
            (f"{y0}年项目", 30),
            ("牵头单位", 20),
        ],
        [
            [
                o.project.order,
                o.project.name,
                o.label,
                "、".join(o.sub_kinds),
                "、".join(s.name for s in o.others),
                o.project.lead_department.name if o.project.lead_department else "",
            ]
            for o in diff.origins
        ],
    )
    labels = {
        "later_total": f"{y1}年项目数",
        "new": "新增",
        "adjusted": "调整实施",
        "continued": "继续实施",
        "earlier_total": f"{y0}年项目数",
        "retired": "退出",
        "predecessors": "调整项目的前身",
        "continued_sources": "继续实施的上年项目",
    }
    sheet(
        "核对",
        "数量核对与问题",
        [("项目", 24), ("数值/说明", 80)],
        [[labels[k], v] for k, v in diff.counts.items()]
        + [["错误" if p.level == "error" else "提示", p.message] for p in diff.problems],
    )
    book.close()
    return buffer.getvalue()
