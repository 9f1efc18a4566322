"""The 资金 sheet: one row per funding line; new lines and budget adjustments (money in 万元, stored in 元)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from core import numbers
from funding import services as funding_services
from funding.models import FundingLine
from orgs.models import Organisation
from responsibility.excel.common import (
    C_CODE,
    C_CURRENT,
    C_NEW,
    C_ORIGINAL,
    C_REASON,
    C_SOURCE,
    FUND_COLUMNS,
    LINE_ADJUST,
    LINE_CREATE,
    REASON,
    SHEET_FUNDS,
    Change,
    Formats,
    ImportPreview,
    _error_sink,
    _is_empty,
    _norm,
    _number,
    _Reader,
    _Sheet,
    _show,
    _text,
    _wan,
    _yuan,
    target_units,
    write_table,
)

CreatedLines = dict[tuple[int, int | None, str], FundingLine]


def write_funds(
    formats: Formats, lines: list[FundingLine], labels: dict[str, str], units_seen: dict[int, Organisation]
) -> None:
    """Write the sheet; every unit named is added to ``units_seen`` (for the 说明 sheet's code list)."""
    f = formats
    # 资金: one row per funding line
    fund_rows = []
    for line in lines:
        if line.unit:
            units_seen[line.unit.id] = line.unit
        fund_rows.append(
            [
                line.project.order,
                line.project.name,
                line.unit.code if line.unit else "",
                line.unit.name if line.unit else "项目整体",
                labels.get(line.source, line.source),
                numbers.yuan_to_wan(line.original),
                numbers.yuan_to_wan(line.current),
                numbers.yuan_to_wan(line.current),
                "",
            ]
        )
    ws = write_table(
        formats,
        SHEET_FUNDS,
        FUND_COLUMNS,
        [8, 30, 14, 18, 14, 14, 14, 16, 40],
        fund_rows,
        [f.cell, f.cell, f.cell, f.cell, f.cell, f.money, f.money, f.money_input, f.text_input],
    )
    last = max(len(fund_rows), 1) + 500
    ws.data_validation(
        1,
        4,
        last,
        4,
        {
            "validate": "list",
            "source": list(labels.values()),
            "error_title": "资金来源有误",
            "error_message": "请从下拉列表中选择资金来源",
        },
    )
    for col in (5, 7):
        ws.data_validation(
            1,
            col,
            last,
            col,
            {
                "validate": "decimal",
                "criteria": ">=",
                "value": 0,
                "error_title": "金额有误",
                "error_message": "请填写不小于0的金额（万元）",
            },
        )


def check_funds(reader: _Reader, sheet: _Sheet, preview: ImportPreview) -> None:
    seen: dict[tuple[int, int | None, str], int] = {}
    col = sheet.columns
    for row, cells in sheet.rows:
        before = len(preview.errors)
        err = _error_sink(sheet.name, row, preview.errors)
        amounts: dict[str, Decimal | None] = {}
        for column in (C_ORIGINAL, C_CURRENT, C_NEW):
            parsed = _number(sheet.get(cells, col.get(column)), money=True)
            if isinstance(parsed, str):
                err(column, parsed)
                parsed = None
            amounts[column] = _yuan(parsed) if parsed is not None else None
        reason = _text(sheet.get(cells, col.get(C_REASON)))
        if len(reason) > numbers.TEXT_MAX:
            err(C_REASON, f"不超过{numbers.TEXT_MAX}字")
            reason = ""
        project = reader.project(sheet, row, cells, err)
        ok, unit = reader.unit(sheet.get(cells, col.get(C_CODE)), err, blank_ok=True)
        raw_source = sheet.get(cells, col.get(C_SOURCE))
        source = reader.sources.get(_norm(_text(raw_source)))
        if _is_empty(raw_source):
            err(C_SOURCE, "资金来源不能为空")
        elif source is None:
            err(
                C_SOURCE,
                f"“{_show(raw_source)}”不是有效的资金来源（可选：{'、'.join(reader.labels.values())}）",
            )
        if project is None or source is None or not ok:
            continue
        line = reader.lines.get((project.id, unit.id if unit else None, source))
        if line is None and unit is not None and unit not in target_units(project):
            err(C_CODE, f"“{unit.name}（{unit.code}）”不是项目“{project.name}”的实施单位")
            continue
        key = (project.id, unit.id if unit else None, source)
        if key in seen:
            err("", f"与第{seen[key]}行重复（同一项目、单位和资金来源只能有一行）")
            continue
        seen[key] = row
        if len(preview.errors) > before:
            continue
        where = f"{project.name}·{unit.display_name if unit else '项目整体'}·{reader.labels[source]}"
        original, current, new = amounts[C_ORIGINAL], amounts[C_CURRENT], amounts[C_NEW]
        if line is not None:
            if original is not None and original != line.original:
                err(
                    C_ORIGINAL,
                    f"年初预算为{_wan(line.original)}万元，不能修改；如需变动请填写“{C_NEW}”并写明调整原因",
                )
            if current is not None and current != line.current:
                err(
                    C_CURRENT,
                    f"当前预算已变为{_wan(line.current)}万元（表中为{_wan(current)}万元），请重新下载模板后再填写",
                )
            base = line.current
        else:
            if original is None and new is None:
                err(C_ORIGINAL, f"新增资金计划须填写“{C_ORIGINAL}”或“{C_NEW}”")
                continue
            base = original if original is not None else new
            assert base is not None
        if new is not None and new != base and not reason:
            err(C_REASON, f"预算由{_wan(base)}万元调整为{_wan(new)}万元，须填写调整原因")
        if len(preview.errors) > before:
            continue
        if line is None:
            preview.changes.append(
                Change(
                    LINE_CREATE,
                    sheet.name,
                    row,
                    f"{where}：新增资金计划，年初预算 {_wan(base)} 万元",
                    project,
                    unit=unit,
                    source=source,
                    new=base,
                )
            )
        if new is not None and new != base:
            delta = new - base
            preview.changes.append(
                Change(
                    LINE_ADJUST,
                    sheet.name,
                    row,
                    f"{where}：预算 {_wan(base)} → {_wan(new)} 万元（{'+' if delta > 0 else '−'}"
                    f"{_wan(abs(delta))} 万元），原因：{reason}",
                    project,
                    unit=unit,
                    source=source,
                    line=line,
                    old=base,
                    new=new,
                    reason=reason,
                )
            )


def apply_fund_change(user: Any, change: Change, created_lines: CreatedLines) -> None:
    """Create a line or adjust one (also a line created by an earlier row of the same import)."""
    key = (change.project.id, change.unit.id if change.unit else None, change.source)
    if change.kind == LINE_CREATE:
        created_lines[key] = funding_services.funding_line_create(
            actor=user,
            project=change.project,
            unit=change.unit,
            source=change.source,
            original=change.new,
            reason=REASON,
        )
    else:
        assert change.kind == LINE_ADJUST and change.new is not None and change.old is not None
        line = change.line or created_lines[key]
        funding_services.funding_adjust(
            actor=user, line=line, delta=change.new - change.old, reason=change.reason
        )
