"""The performance tables as files: the 绩效目标申报表 as an official document (documents.render: .docx/PDF, like
the letters) and as Excel; the 双监控 sheet of a period as Excel. Money in 万元, quantities without trailing zeros."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

import xlsxwriter

from catalogue.models import Program
from core.numbers import wan_text
from documents.model import Block, OfficialDocument
from evaluation.selectors import MonitoringRow, TargetSheet

GRID_HEAD = ["一级指标", "二级指标", "三级指标", "指标值", "计量单位", "指标性质"]


def _percent(value: Decimal | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def grid_rows(sheet: TargetSheet) -> list[list[str]]:
    return [
        [
            g.indicator.level1,
            g.indicator.level2,
            g.indicator.name,
            g.stated,
            g.indicator.unit,
            str(g.indicator.get_polarity_display()),
        ]
        for g in sheet.grid
    ]


def facts(sheet: TargetSheet) -> list[tuple[str, str]]:
    project = sheet.project
    form = sheet.form
    money = "；".join(f"{label}{wan_text(amount)}万元" for label, amount in sheet.budget.items()) or "—"
    return [
        ("项目名称", project.name),
        ("年度", f"{project.program.year}年"),
        ("主管部门（牵头单位）", sheet.lead or "—"),
        ("实施单位", "、".join(sheet.units) or "—"),
        ("联系人及电话", " ".join(x for x in (form.contact, form.phone) if x) or "—"),
        ("项目资金（万元）", f"合计{wan_text(sheet.budget_total)}万元（{money}）"),
        ("审核状态", str(form.get_status_display())),
    ]


def target_document(sheet: TargetSheet) -> OfficialDocument:
    """绩效目标申报表 as an official document: the facts, the goals and the indicator grid as tables."""
    project, form = sheet.project, sheet.form
    blocks: list[Block] = [
        Block("h1", "一、基本情况"),
        Block("table", rows=[["项目", "内容"], *[[k, v] for k, v in facts(sheet)]]),
        Block("h1", "二、总体目标"),
        Block("para", form.overall_goal or "（未填写）"),
        Block("h1", "三、年度目标"),
        Block("para", form.annual_goal or "（未填写）"),
        Block("h1", "四、年度绩效指标"),
        Block("table", rows=[GRID_HEAD, *grid_rows(sheet)])
        if sheet.indicators
        else Block("para", "（未设置指标）"),
    ]
    if form.return_reason and form.status == "returned":
        blocks += [Block("h1", "五、审核意见"), Block("para", f"退回：{form.return_reason}")]
    elif form.status == "approved":
        blocks += [Block("h1", "五、审核意见"), Block("para", "民生办审核通过。")]
    date = form.decided_at or form.submitted_at
    return OfficialDocument(
        issuer_mark=project.program.issuer_name,
        title=f"{project.program.year}年{project.name}绩效目标申报表",
        blocks=blocks,
        date=f"{date.year}年{date.month}月{date.day}日" if date else "",
        is_sample=getattr(project.program, "is_sample", False),
    )


def document_bytes(document: OfficialDocument, fmt: str) -> tuple[bytes, str]:
    buffer = io.BytesIO()
    if fmt == "docx":
        from documents.render import render_docx

        render_docx(document, buffer)
        return buffer.getvalue(), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    from documents.render import render_pdf

    render_pdf(document, buffer)
    return buffer.getvalue(), "application/pdf"


def _book() -> tuple[Any, io.BytesIO, dict[str, Any]]:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    formats = {
        "title": book.add_format({"bold": True, "font_size": 14}),
        "head": book.add_format(
            {
                "bold": True,
                "bg_color": "#F2DCDB",
                "border": 1,
                "text_wrap": True,
                "align": "center",
                "valign": "vcenter",
            }
        ),
        "cell": book.add_format({"border": 1, "text_wrap": True, "valign": "top"}),
        "number": book.add_format({"border": 1, "num_format": "0.00"}),
        "percent": book.add_format({"border": 1, "num_format": "0.0%"}),
    }
    return book, buffer, formats


def target_xlsx(sheet: TargetSheet) -> bytes:
    book, buffer, f = _book()
    ws = book.add_worksheet("绩效目标申报表")
    ws.merge_range(
        0, 0, 0, 5, f"{sheet.project.program.year}年{sheet.project.name}绩效目标申报表", f["title"]
    )
    row = 1
    for key, value in facts(sheet):
        ws.write(row, 0, key, f["head"])
        ws.merge_range(row, 1, row, 5, value, f["cell"])
        row += 1
    for key, value in (("总体目标", sheet.form.overall_goal), ("年度目标", sheet.form.annual_goal)):
        ws.write(row, 0, key, f["head"])
        ws.merge_range(row, 1, row, 5, value, f["cell"])
        row += 1
    row += 1
    ws.write_row(row, 0, GRID_HEAD, f["head"])
    for cells in grid_rows(sheet):
        row += 1
        ws.write_row(row, 0, cells, f["cell"])
    ws.set_column(0, 1, 16)
    ws.set_column(2, 2, 28)
    ws.set_column(3, 5, 14)
    book.close()
    return buffer.getvalue()


MONITORING_HEAD = [
    "序号",
    "项目",
    "牵头单位",
    "预算数（万元）",
    "执行数（万元）",
    "预算执行率",
    "全年预计支出（万元）",
    "绩效指标",
    "年度目标值",
    "截至目前完成值",
    "序时进度目标值",
    "全年预计完成值",
    "偏差原因",
    "完成目标可能性",
    "纠偏措施",
    "风险提示",
]


def monitoring_xlsx(program: Program, month: int, rows: list[MonitoringRow]) -> bytes:
    """One line per indicator (project columns repeated), figures as numbers: money in 万元, rates as %."""
    book, buffer, f = _book()
    ws = book.add_worksheet(f"1-{month}月绩效监控")
    ws.merge_range(
        0,
        0,
        0,
        len(MONITORING_HEAD) - 1,
        f"{program.year}年{program.noun}绩效运行监控表（1—{month}月）",
        f["title"],
    )
    ws.write_row(1, 0, MONITORING_HEAD, f["head"])
    r = 2
    wan = Decimal(10000)
    for item in rows:
        sheet = item.sheet
        indicators = item.indicators or [{}]
        for ind in indicators:
            ws.write(r, 0, item.project.order, f["cell"])
            ws.write(r, 1, item.project.name, f["cell"])
            ws.write(
                r,
                2,
                item.project.lead_department.display_name if item.project.lead_department else "",
                f["cell"],
            )
            ws.write_number(r, 3, float(item.budget_total / wan), f["number"])
            ws.write_number(r, 4, float(item.spent / wan), f["number"])
            if item.execution_rate is None:
                ws.write_blank(r, 5, None, f["cell"])
            else:
                ws.write_number(r, 5, float(item.execution_rate), f["percent"])
            if sheet and sheet.forecast_spent is not None:
                ws.write_number(r, 6, float(sheet.forecast_spent / wan), f["number"])
            else:
                ws.write_blank(r, 6, None, f["cell"])
            ws.write(r, 7, f"{ind.get('name', '')}（{ind.get('unit', '')}）" if ind else "", f["cell"])
            for c, key in ((8, "target"), (9, "done"), (10, "expected"), (11, "forecast")):
                value = ind.get(key)
                if value is None:
                    ws.write_blank(r, c, None, f["cell"])
                else:
                    ws.write_number(r, c, float(value), f["cell"])
            ws.write(r, 12, sheet.get_deviation_reason_display() if sheet else "", f["cell"])
            ws.write(r, 13, sheet.get_likelihood_display() if sheet else "", f["cell"])
            ws.write(r, 14, sheet.measures if sheet else "", f["cell"])
            ws.write(r, 15, "；".join(str(x) for x in item.risks), f["cell"])
            r += 1
    ws.set_column(1, 1, 28)
    ws.set_column(2, 2, 12)
    ws.set_column(3, 6, 12)
    ws.set_column(7, 7, 22)
    ws.set_column(8, 15, 14)
    ws.freeze_panes(2, 2)
    book.close()
    return buffer.getvalue()


def assessment_notice(
    run: Any, results: list[Any], *, rewards: list[Any] | None = None, constraints: list[Any] | None = None
) -> OfficialDocument:
    """考评结果通报: totals, 档次 and ranks of the towns and the departments (no personal data); the 以奖代补
    allocation with its formula, and the 通报批评 / 约谈 / 限期整改 of the run, when there are any."""
    program = run.scheme.program
    period = f"{program.year}年度" if run.annual else f"{program.year}年1—{run.month}月"
    head = ["名次", "单位", "得分", "档次"]
    blocks: list[Block] = [
        Block(
            "para",
            f"根据《{run.scheme.title}》，经各单位自查、牵头部门评分、民生办审核并处理申诉，"
            f"{period}民生工程目标管理绩效考评结果已经审定，现予通报。",
        )
    ]
    groups = (("local", "一、镇（街道）考评结果"), ("department", "二、部门考评结果"))
    for group, title in groups:
        rows = [r for r in results if r.group == group]
        if rows:
            blocks += [
                Block("h1", title),
                Block(
                    "table",
                    rows=[head, *[[str(r.rank), r.unit.display_name, f"{r.score}", r.band] for r in rows]],
                ),
            ]
    numerals = iter("三四五六")
    if rewards:
        pool = rewards[0].pool
        total = sum((r.amount for r in rewards), Decimal(0))
        if pool.rule == "band":
            rule = (
                "按档次定额分配（"
                + "、".join(
                    f"{band}每个单位{wan_text(Decimal(amount))}万元"
                    for band, amount in pool.band_amounts.items()
                )
                + "）"
            )
        else:
            scores = sum((r.result.score for r in rewards), Decimal(0))
            rule = (
                f"按得分比例分配：单位奖补金额 = 奖补资金总额 × 单位得分 ÷ 参与分配单位得分合计（{scores:,.2f}），"
                "计算到分，尾差按最大余数法补足"
            )
        blocks += [
            Block("h1", f"{next(numerals)}、奖补资金分配（以奖代补）"),
            Block(
                "para",
                f"按照正向激励的要求，安排奖补资金{wan_text(pool.amount)}万元，{rule}，"
                f"{pool.get_target_display()}（{pool.project.name}）。分配结果如下：",
            ),
            Block(
                "table",
                rows=[
                    ["单位", "得分", "档次", "奖补金额（元）", "奖补金额（万元）"],
                    *[
                        [
                            r.result.unit.display_name,
                            f"{r.result.score}",
                            r.result.band,
                            f"{r.amount:,.2f}",
                            wan_text(r.amount),
                        ]
                        for r in rewards
                    ],
                    ["合计", "", "", f"{total:,.2f}", wan_text(total)],
                ],
            ),
        ]
    if constraints:
        blocks += [
            Block("h1", f"{next(numerals)}、通报批评和约谈"),
            Block(
                "para",
                "按照刚性约束的要求，对考评排名靠后、工作滞后的单位采取以下措施，有关单位须在期限内整改到位并报告整改情况：",
            ),
            Block(
                "table",
                rows=[
                    ["单位", "措施", "日期", "事由", "表态和承诺", "整改期限"],
                    *[
                        [
                            c.unit.display_name,
                            c.get_kind_display(),
                            f"{c.date:%Y-%m-%d}",
                            c.reason,
                            c.commitments,
                            f"{c.deadline:%Y-%m-%d}" if c.deadline else "",
                        ]
                        for c in constraints
                    ],
                ],
            ),
        ]
    bands = "、".join(f"{b['label']}（{b['min']}分及以上）" for b in run.scheme.bands)
    blocks += [
        Block("h1", f"{next(numerals)}、有关要求"),
        Block("para", f"考评档次：{bands}。请各单位对照扣分项目认真整改。"),
    ]
    date = run.approved_at or run.computed_at
    return OfficialDocument(
        issuer_mark=program.issuer_name,
        title=f"关于{period}民生工程目标管理绩效考评结果的通报",
        recipients="各镇（街道）、区直有关单位",
        blocks=blocks,
        signature=program.issuer_name,
        date=f"{date.year}年{date.month}月{date.day}日" if date else "",
        is_sample=getattr(program, "is_sample", False),
    )
