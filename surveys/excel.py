"""Survey responses from an Excel sheet: a template per wave, a checked preview, all or nothing.

Like the other imports (``orgs.excel``, ``responsibility.excel``): read with calamine (.xlsx, .xls, .ods), every
row checked and every problem reported in Chinese with sheet, row and column; nothing is written while any error
remains. One row per answer sheet; one column per question (header ``1、题目``), the cell holding the option's
label (满意, 比较满意 …) or its number.
"""

from __future__ import annotations

import io
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

import xlsxwriter
from xlsxwriter.utility import xl_col_to_name

from surveys.models import Question, Wave

SHEET, SHEET_HELP = "答卷", "说明"
C_NO = "序号"
MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5000
HEADER_SCAN_ROWS = 10


@dataclass
class ResponsesPreview:
    errors: list[str] = field(default_factory=list)
    sheets: list[dict[int, int]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.sheets)


def header(question: Question) -> str:
    return f"{question.order}、{question.text}"


def _norm(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(value if value is not None else "")))


def responses_template(*, wave: Wave) -> bytes:
    questions = list(wave.questionnaire.questions.prefetch_related("options"))
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    head = book.add_format({"bold": True, "bg_color": "#F2DCDB", "border": 1, "text_wrap": True})
    ws = book.add_worksheet(SHEET)
    ws.write_string(0, 0, C_NO, head)
    ws.set_column(0, 0, 8)
    for c, question in enumerate(questions, start=1):
        ws.write_string(0, c, header(question), head)
        ws.set_column(c, c, 24)
        labels = [o.label for o in question.options.all()]
        ws.data_validation(1, c, MAX_ROWS, c, {"validate": "list", "source": labels})
    ws.set_row(0, 48)
    ws.freeze_panes(1, 0)
    help_ws = book.add_worksheet(SHEET_HELP)
    help_ws.set_column(0, 0, 90)
    lines = [
        f"调查：{wave.name}（{wave.project.name}，{wave.unit.name}）",
        "每行填写一份答卷；每题填写选项文字（或选项序号）；不要填写被调查人的姓名、电话等个人信息。",
        "上传后先检查全部内容：有任何错误都不会导入任何答卷。",
        "",
    ]
    for question in questions:
        options = "；".join(f"{o.order}. {o.label}" for o in question.options.all())
        lines.append(f"{header(question)}：{options}")
    for r, line in enumerate(lines):
        help_ws.write_string(r, 0, line)
    help_ws.protect()
    book.close()
    return buffer.getvalue()


def responses_import_preview(*, wave: Wave, content: bytes) -> ResponsesPreview:
    """Check every row of the uploaded sheet against the wave's questionnaire; nothing is written."""
    from python_calamine import CalamineWorkbook

    preview = ResponsesPreview()
    errors = preview.errors
    if not content:
        errors.append("文件是空的")
        return preview
    if len(content) > MAX_BYTES:
        errors.append(f"文件过大（不能超过{MAX_BYTES // (1024 * 1024)}MB）")
        return preview
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(content))
        names = {_norm(n): n for n in book.sheet_names}
        sheet_name = names.get(_norm(SHEET)) or book.sheet_names[0]
        raw = book.get_sheet_by_name(sheet_name).to_python(skip_empty_area=False)
    except Exception:  # any parser failure of an untrusted file is the user's file, not our bug
        errors.append("无法读取该文件：请上传 Excel（.xlsx、.xls）或 WPS/LibreOffice 表格（.ods）文件")
        return preview
    questions = list(wave.questionnaire.questions.prefetch_related("options"))
    wanted = {_norm(header(q)): q for q in questions}
    by_number = {f"{q.order}、": q for q in questions}
    columns: dict[int, int] = {}  # question id -> column
    head_row = -1
    for i, cells in enumerate(raw[:HEADER_SCAN_ROWS]):
        found: dict[int, int] = {}
        for c, value in enumerate(cells):
            text = _norm(value)
            question = wanted.get(text) or next((q for k, q in by_number.items() if text.startswith(k)), None)
            if question is not None and question.pk not in found:
                found[question.pk] = c
        if found and len(found) == len(questions):
            columns, head_row = found, i
            break
    if head_row < 0:
        expected = "”“".join(header(q) for q in questions)
        errors.append(f"工作表“{sheet_name}”：找不到表头行（应包含“{expected}”列），请使用下载的模板")
        return preview
    body = [
        (head_row + 1 + n, cells)
        for n, cells in enumerate(raw[head_row + 1 :], start=1)
        if any(_norm(cells[c]) for c in columns.values() if c < len(cells))
    ]
    if not body:
        errors.append(f"工作表“{sheet_name}”中没有答卷")
        return preview
    if len(body) > MAX_ROWS:
        errors.append(f"工作表“{sheet_name}”有{len(body)}行，一次最多导入{MAX_ROWS}份答卷，请分批导入")
        return preview
    for row, cells in body:
        sheet: dict[int, int] = {}
        for question in questions:
            c = columns[question.pk]
            text = _norm(cells[c]) if c < len(cells) else ""
            column = header(question)
            where = f"工作表“{sheet_name}”第{row}行{xl_col_to_name(c)}列“{column[:30]}”"
            if not text:
                errors.append(f"{where}：未填写")
                continue
            options = list(question.options.all())
            option = next((o for o in options if _norm(o.label) == text), None) or next(
                (o for o in options if str(o.order) == text), None
            )
            if option is None:
                known = "、".join(o.label for o in options)
                errors.append(f"{where}：“{text[:20]}”不是该题的选项（可填：{known}）")
                continue
            sheet[question.pk] = option.pk
        preview.sheets.append(sheet)
    if errors:
        preview.sheets = []
    return preview
