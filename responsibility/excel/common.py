"""What every sheet of the targets-and-budgets workbook shares: the names of sheets and columns, the change
records, reading cells (calamine) and writing cells (xlsxwriter)."""

from __future__ import annotations

import io
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import translation

from catalogue.models import Program, Project
from core import numbers
from core.policy import restrict
from funding.models import FundingLine, Source
from funding.selectors import with_current
from orgs.models import Organisation
from responsibility.models import Indicator, Target

TARGET_PLACES = Decimal("0.0001")  # Target.value / Indicator.target keep 4 decimal places
MAX_BYTES = 5 * 1024 * 1024
HEADER_SCAN_ROWS = 10
REASON = "Excel导入"

SHEET_TARGETS, SHEET_FUNDS, SHEET_HELP = "目标", "资金", "说明"

# 目标 sheet
C_ORDER, C_PROJECT = "项目序号", "项目名称"
C_INDICATOR, C_MEASURE, C_PROJECT_TARGET = "指标名称", "计量单位", "项目年度目标"
C_UNIT_NAME, C_CODE, C_UNIT_TARGET = "责任单位", "单位代码", "单位年度目标"
TARGET_COLUMNS = [
    C_ORDER,
    C_PROJECT,
    C_INDICATOR,
    C_MEASURE,
    C_PROJECT_TARGET,
    C_UNIT_NAME,
    C_CODE,
    C_UNIT_TARGET,
]

# 资金 sheet
C_FUND_UNIT_NAME, C_SOURCE = "单位名称", "资金来源"
C_ORIGINAL, C_CURRENT, C_NEW, C_REASON = (
    "年初预算（万元）",
    "当前预算（万元）",
    "调整后预算（万元）",
    "调整原因",
)
FUND_COLUMNS = [
    C_ORDER,
    C_PROJECT,
    C_CODE,
    C_FUND_UNIT_NAME,
    C_SOURCE,
    C_ORIGINAL,
    C_CURRENT,
    C_NEW,
    C_REASON,
]

TARGET_CREATE, TARGET_UPDATE, INDICATOR_TARGET = "target_create", "target_update", "indicator_target"
LINE_CREATE, LINE_ADJUST = "line_create", "line_adjust"
CHANGE_LABELS = {
    TARGET_CREATE: "新增单位目标",
    TARGET_UPDATE: "修改单位目标",
    INDICATOR_TARGET: "修改项目年度目标",
    LINE_CREATE: "新增资金计划",
    LINE_ADJUST: "预算调整",
}


class ExcelImportError(ValidationError):
    """The workbook cannot be applied; ``messages`` say where and why (in Chinese)."""


@dataclass
class Change:
    """One write the import will make; the objects are those read in the same preview."""

    kind: str
    sheet: str
    row: int
    text: str
    project: Project
    indicator: Indicator | None = None
    unit: Organisation | None = None
    target: Target | None = None
    source: str = ""
    line: FundingLine | None = None
    old: Decimal | None = None
    new: Decimal | None = None
    reason: str = ""

    @property
    def label(self) -> str:
        return CHANGE_LABELS[self.kind]

    @property
    def where(self) -> str:
        return f"工作表“{self.sheet}”第{self.row}行"


@dataclass
class ImportPreview:
    content: bytes = b""
    filename: str = ""
    errors: list[str] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def counts(self) -> dict[str, int]:
        counted = Counter(c.kind for c in self.changes)
        return {kind: counted.get(kind, 0) for kind in CHANGE_LABELS}


# --- shared helpers -----------------------------------------------------------------------------------


def plannable_projects(*, user: Any, program: Program) -> QuerySet[Project]:
    """Projects of the program whose targets and budgets the user may set (core.policy ``plan``)."""
    return restrict(Project.objects.filter(program=program), user, "plan")


def target_units(project: Project) -> list[Organisation]:
    """Responsible units of a project's targets: its implementing units, else its lead department (the
    same rule as the target grid, ``responsibility.views._target_units``); uses prefetched units."""
    units = sorted(project.implementing_units.all(), key=lambda o: (o.order, o.name))
    if not units and project.lead_department:
        units = [project.lead_department]
    return units


def _source_labels() -> dict[str, str]:
    """Source value → Chinese label, whatever the request's language."""
    with translation.override("zh-hans"):
        return {value: str(label) for value, label in Source.choices}


def _wan(yuan: Decimal) -> str:
    return numbers.wan_text(yuan)


# --- writing ------------------------------------------------------------------------------------------


class Formats:
    """The cell formats of one workbook."""

    def __init__(self, book: Any) -> None:
        self.book = book
        self.head = book.add_format(
            {
                "bold": True,
                "bg_color": "#F2DCDB",
                "border": 1,
                "text_wrap": True,
                "align": "center",
                "valign": "vcenter",
            }
        )
        self.cell = book.add_format({"border": 1, "valign": "top"})
        self.number = book.add_format({"border": 1, "valign": "top", "bg_color": "#FFF2CC"})
        self.money = book.add_format({"border": 1, "valign": "top", "num_format": "0.00"})
        self.money_input = book.add_format(
            {"border": 1, "valign": "top", "num_format": "0.00", "bg_color": "#FFF2CC"}
        )
        self.text_input = book.add_format(
            {"border": 1, "valign": "top", "bg_color": "#FFF2CC", "text_wrap": True}
        )


def write_cell(ws: Any, r: int, c: int, value: Any, fmt_: Any) -> None:
    if isinstance(value, Decimal | float) and numbers.as_float(value) is None:
        ws.write_string(r, c, numbers.ABNORMAL, fmt_)
    elif value is None or value == "":
        ws.write_blank(r, c, None, fmt_)
    elif isinstance(value, Decimal | int | float):
        ws.write_number(r, c, float(value), fmt_)
    else:
        ws.write_string(r, c, str(value), fmt_)


def write_table(
    formats: Formats,
    name: str,
    columns: list[str],
    widths: list[int],
    rows: list[list[Any]],
    cell_formats: list[Any],
) -> Any:
    """A data sheet: a header row, the rows, frozen identifying columns and a filter."""
    ws = formats.book.add_worksheet(name)
    ws.set_row(0, 30)
    for c, (label, width) in enumerate(zip(columns, widths, strict=True)):
        ws.write_string(0, c, label, formats.head)
        ws.set_column(c, c, width)
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row):
            write_cell(ws, r, c, value, cell_formats[c])
    ws.freeze_panes(1, 2)
    ws.autofilter(0, 0, max(len(rows), 1), len(columns) - 1)
    return ws


# --- reading ------------------------------------------------------------------------------------------


def _norm(value: Any) -> str:
    """Header/sheet-name key: NFKC (full-width brackets and digits) with all whitespace removed."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(value)))


def _is_empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _show(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _text(value: Any) -> str:
    return "" if _is_empty(value) else _show(value)


def _number(value: Any, *, money: bool = False) -> Decimal | str | None:
    """A cell as a Decimal (numbers, or numeric text with thousands separators), None if empty, or a problem.
    Checked by core.numbers: money in 万元 (up to 6 decimals, at most 1,000,000 万元), targets as quantities."""
    if _is_empty(value):
        return None
    if isinstance(value, str):
        value = unicodedata.normalize("NFKC", value).replace("'", "")
    elif not isinstance(value, int | float | Decimal) or isinstance(value, bool):  # dates, times, durations
        return f"“{_show(value)}”不是数字"
    try:
        if money:
            return numbers.parse_wan(value, field_label="", decimal_places=6)
        return numbers.parse_quantity(value, field_label="")
    except numbers.NumberError as exc:
        problem = exc.message.removeprefix("：")
        return problem if problem.startswith("“") else f"“{_show(value)[:40]}”{problem}"


@dataclass
class _Sheet:
    name: str
    columns: dict[str, int]
    rows: list[tuple[int, list[Any]]]

    def has(self, column: str) -> bool:
        return column in self.columns

    @staticmethod
    def get(cells: list[Any], index: int | None) -> Any:
        if index is None or index >= len(cells):
            return None
        return cells[index]


def _read_sheet(
    book: Any, wanted: str, columns: list[str], required: list[str], errors: list[str]
) -> _Sheet | None:
    names = {_norm(n): n for n in book.sheet_names}
    if _norm(wanted) not in names:
        return None
    raw = book.get_sheet_by_name(names[_norm(wanted)]).to_python(skip_empty_area=False)
    keys = {_norm(c): c for c in columns}
    for i, row in enumerate(raw[:HEADER_SCAN_ROWS]):
        found: dict[str, int] = {}
        for c, value in enumerate(row):
            label = keys.get(_norm(value)) if not _is_empty(value) else None
            if label and label not in found:
                found[label] = c
        if all(r in found for r in required):
            if C_ORDER not in found and C_PROJECT not in found:
                errors.append(f"工作表“{wanted}”缺少“{C_PROJECT}”列")
                return None
            rows = [
                (i + 1 + n, list(cells))
                for n, cells in enumerate(raw[i + 1 :], start=1)
                if not all(_is_empty(v) for v in cells)
            ]
            return _Sheet(wanted, found, rows)
    missing = "”“".join(required)
    errors.append(f"工作表“{wanted}”：找不到表头行（应包含“{missing}”等列），请使用下载的模板")
    return None


class _Reader:
    """Everything a preview needs from the database, read once."""

    def __init__(self, *, user: Any, program: Program) -> None:
        self.program = program
        projects = list(
            Project.objects.filter(program=program)
            .select_related("lead_department")
            .prefetch_related("implementing_units")
        )
        self.by_name = {p.name: p for p in projects}
        self.by_order = {p.order: p for p in projects}
        self.plannable = set(plannable_projects(user=user, program=program).values_list("id", flat=True))
        self.indicators = {
            (i.project_id, i.name): i for i in Indicator.objects.filter(project__program=program)
        }
        self.targets = {
            (t.indicator_id, t.unit_id): t
            for t in Target.objects.filter(indicator__project__program=program).select_related("unit")
        }
        self.orgs = {o.code.lower(): o for o in Organisation.objects.all()}
        self.lines = {
            (li.project_id, li.unit_id, li.source): li
            for li in with_current(FundingLine.objects.filter(project__program=program)).select_related(
                "unit"
            )
        }
        self.labels = _source_labels()
        self.sources = {_norm(v): v for v in Source.values}
        self.sources.update({_norm(label): v for v, label in self.labels.items()})
        self.sources.update({_norm(label): v for v, label in Source.choices})  # the request's language

    def project(self, sheet: _Sheet, row: int, cells: list[Any], err: Any) -> Project | None:
        name = _text(sheet.get(cells, sheet.columns.get(C_PROJECT)))
        raw_order = sheet.get(cells, sheet.columns.get(C_ORDER))
        order: int | None = None
        if not _is_empty(raw_order):
            parsed = _number(raw_order)
            if isinstance(parsed, Decimal) and parsed == parsed.to_integral_value():
                order = int(parsed)
            else:
                err(C_ORDER, f"“{_show(raw_order)}”不是有效的项目序号")
                return None
        if name:
            project = self.by_name.get(name)
            if project is None:
                err(C_PROJECT, f"项目“{name}”不在{self.program.year}年计划中")
                return None
            if order is not None and order != project.order:
                err(C_ORDER, f"项目序号{order}与项目名称“{name}”不一致（该项目序号为{project.order}）")
                return None
        elif order is not None:
            project = self.by_order.get(order)
            if project is None:
                err(C_ORDER, f"{self.program.year}年计划中没有序号为{order}的项目")
                return None
        else:
            err(C_PROJECT, "项目名称不能为空")
            return None
        if project.id not in self.plannable:
            err(C_PROJECT, f"无权设置该项目（“{project.name}”）")
            return None
        return project

    def unit(self, value: Any, err: Any, *, blank_ok: bool) -> tuple[bool, Organisation | None]:
        """(ok, organisation) from a 单位代码 cell; an empty cell is (blank_ok, None)."""
        code = _norm(_text(value)).lower()
        if not code:
            if not blank_ok:
                err(C_CODE, "单位代码不能为空")
            return blank_ok, None
        org = self.orgs.get(code)
        if org is None:
            err(C_CODE, f"“{_show(value)}”不是已知的单位代码")
            return False, None
        return True, org


def _read_book(content: bytes, errors: list[str]) -> Any:
    from python_calamine import CalamineWorkbook

    try:
        return CalamineWorkbook.from_filelike(io.BytesIO(content))
    except Exception:  # any parser failure of an untrusted file is the user's file, not our bug
        errors.append("无法读取该文件：请上传 Excel（.xlsx、.xls）或 WPS/LibreOffice 表格（.ods）文件")
        return None


def _content_of(file: Any) -> tuple[bytes, str]:
    if isinstance(file, bytes | bytearray | memoryview):
        return bytes(file), ""
    if hasattr(file, "seek"):
        file.seek(0)
    data = file.read()
    return bytes(data), str(getattr(file, "name", "") or "")


def _error_sink(sheet: str, row: int, errors: list[str]) -> Any:
    def err(column: str, message: str) -> None:
        where = f"工作表“{sheet}”第{row}行"
        errors.append(f"{where}“{column}”列：{message}" if column else f"{where}：{message}")

    return err


def _yuan(value: Decimal) -> Decimal:
    return numbers.wan_to_yuan(value)
