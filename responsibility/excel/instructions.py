"""The 说明 sheet: the rules of the workbook and the unit codes; protected so it is not edited by accident."""

from __future__ import annotations

from catalogue.models import Program, Project
from orgs.models import Organisation
from responsibility.excel.common import SHEET_HELP, Formats, target_units


def write_instructions(
    formats: Formats,
    program: Program,
    projects: list[Project],
    labels: dict[str, str],
    units_seen: dict[int, Organisation],
) -> None:
    for p in projects:
        for unit in target_units(p):
            units_seen.setdefault(unit.id, unit)
    book = formats.book
    ws = book.add_worksheet(SHEET_HELP)
    ws.set_column(0, 0, 16)
    ws.set_column(1, 1, 90)
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    bold = book.add_format({"bold": True, "font_size": 13})
    ws.write_string(0, 0, f"{program.year}年{program.noun}目标与资金导入说明", bold)
    rules = [
        "本表只包含您有权设置的项目。黄色底色的列为可填写的列，其余各列用于识别行，请勿修改。",
        "可以排序、筛选或增加行；每行由“项目名称”（或“项目序号”）、“指标名称”、“单位代码”和“资金来源”识别，与行的位置无关。",
        "目标：填写“单位年度目标”（不小于0的数字）；留空表示不设置、不修改。“项目年度目标”同一指标各行须一致，留空表示不修改。",
        "目标：指标须已在系统中设置，不能通过Excel新增指标；单位须为该项目的责任单位。",
        "资金：金额单位为万元，保存时换算为元并保留两位小数。",
        "资金：修改“调整后预算（万元）”即登记一笔预算调整，必须填写“调整原因”；年初预算不能修改。",
        "资金：新增一行即新增资金计划（单位代码留空表示项目整体），按“年初预算（万元）”（未填则按“调整后预算（万元）”）编制。",
        "同一项目、指标和单位（或同一项目、单位和资金来源）只能出现一行。",
        "导入时先检查全部内容，有任何错误都不会写入；检查通过并确认后一次性全部写入，并记入操作记录。",
    ]
    for r, text in enumerate(rules, start=2):
        ws.write_string(r, 0, f"{r - 1}.", wrap)
        ws.write_string(r, 1, text, wrap)
    r = len(rules) + 3
    ws.write_string(r, 0, "资金来源", bold)
    ws.write_string(r, 1, "、".join(labels.values()), wrap)
    r += 2
    ws.write_string(r, 0, "单位代码", bold)
    ws.write_string(r, 1, "单位名称", bold)
    for unit in sorted(units_seen.values(), key=lambda o: (o.order, o.name)):
        r += 1
        ws.write_string(r, 0, unit.code)
        ws.write_string(r, 1, unit.name)
    ws.protect()
