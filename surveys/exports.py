"""A wave's results as Excel: the three figures, the count per option, the portal feedback beside them."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

import xlsxwriter

from surveys.results import Figures
from surveys.selectors import FeedbackSummary


def _pct(value: Decimal | None) -> str:
    return "—" if value is None else f"{value}%"


def wave_xlsx(
    wave: Any, f: Figures, questions: list[Any], counts: dict[int, int], feedback: FeedbackSummary
) -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    bold = book.add_format({"bold": True})
    head = book.add_format({"bold": True, "bg_color": "#F2DCDB", "border": 1})
    ws = book.add_worksheet("调查结果")
    ws.set_column(0, 0, 36)
    ws.set_column(1, 3, 16)
    rows: list[tuple[str, str]] = [
        ("调查名称", wave.name),
        ("项目", wave.project.name),
        ("调查单位", wave.unit.name),
        ("调查方式", str(wave.get_method_display())),
        ("调查时间", f"{wave.start:%Y-%m-%d}至{wave.end:%Y-%m-%d}"),
        ("计划样本量", str(wave.sample_size)),
        ("回收答卷", str(f.responses)),
        ("知晓率", _pct(f.awareness_rate)),
        ("满意率（满意＋比较满意）", _pct(f.satisfaction_rate)),
        ("满意度得分（0—100）", "—" if f.score is None else str(f.score)),
        ("“不清楚”等不计入分母的回答", str(f.excluded)),
    ]
    ws.write_string(0, 0, "满意度调查结果", bold)
    r = 2
    for label, value in rows:
        ws.write_string(r, 0, label, bold)
        ws.write_string(r, 1, value)
        r += 1
    r += 1
    for question in questions:
        ws.write_string(r, 0, f"{question.order}. {question.text}", head)
        ws.write_string(r, 1, "回答数", head)
        ws.write_string(r, 2, "分值", head)
        r += 1
        for option in question.options.all():
            ws.write_string(r, 0, option.label)
            ws.write_number(r, 1, counts.get(option.pk, 0))
            ws.write_string(
                r, 2, "不计入" if option.excluded else ("—" if option.score is None else f"{option.score:g}")
            )
            r += 1
        r += 1
    ws.write_string(r, 0, "门户网站群众意见（单独统计，未计入上列结果）", bold)
    r += 1
    ws.write_string(r, 0, "意见条数")
    ws.write_number(r, 1, feedback.count)
    r += 1
    ws.write_string(r, 0, "平均评分（1—5）")
    ws.write_string(r, 1, "—" if feedback.average is None else str(feedback.average))
    r += 1
    ws.write_string(r, 0, "表示知道该项目")
    ws.write_number(r, 1, feedback.aware)
    book.close()
    return buffer.getvalue()
