"""Excel round trip of targets and budgets: download a pre-filled workbook, fill it in, upload it back.

``targets_template`` writes (xlsxwriter) what the user may plan; ``targets_import_preview`` reads any
workbook calamine understands (.xlsx from Excel/WPS, .xls, .ods from LibreOffice), checks every row and
lists the changes without writing; ``targets_import_apply`` re-checks the same bytes inside one transaction
and applies them through the audited services, all or nothing.

Rows are identified by names and codes (project name/序号, indicator name, unit code, 资金来源), never by
position, so users may sort, filter, reorder columns or add rows. Money is shown in 万元 and stored in 元.
"""

from __future__ import annotations

import io
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import xlsxwriter
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Prefetch, QuerySet
from django.utils import translation

from catalogue.models import Program, Project
from core import numbers
from core.policy import restrict
from core.services import ConflictError
from funding import services as funding_services
from funding.models import FundingLine, Source
from funding.selectors import with_current
from orgs.models import Organisation
from responsibility import services
from responsibility.models import Indicator, Target
from responsibility.selectors import fmt

TEN_THOUSAND = Decimal(10000)
CENT = Decimal("0.01")
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


# --- the template -------------------------------------------------------------------------------------


def targets_template(*, user: Any, program: Program) -> bytes:
    """The workbook of everything the user may plan in the program: 目标, 资金 and a protected 说明."""
    projects = list(
        plannable_projects(user=user, program=program)
        .select_related("lead_department")
        .prefetch_related(
            "implementing_units",
            Prefetch(
                "indicators",
                queryset=Indicator.objects.order_by("order", "id").prefetch_related(
                    Prefetch("targets", queryset=Target.objects.select_related("unit"))
                ),
            ),
        )
        .order_by("order")
    )
    labels = _source_labels()
    source_rank = {value: i for i, value in enumerate(Source.values)}
    lines = sorted(
        with_current(FundingLine.objects.filter(project__in=projects)).select_related("unit", "project"),
        key=lambda li: (
            li.project.order,
            li.unit is not None,
            li.unit.order if li.unit else 0,
            li.unit.name if li.unit else "",
            source_rank.get(li.source, 99),
        ),
    )

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
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
    cell = book.add_format({"border": 1, "valign": "top"})
    number = book.add_format({"border": 1, "valign": "top", "bg_color": "#FFF2CC"})
    money = book.add_format({"border": 1, "valign": "top", "num_format": "0.00"})
    money_input = book.add_format({"border": 1, "valign": "top", "num_format": "0.00", "bg_color": "#FFF2CC"})
    text_input = book.add_format({"border": 1, "valign": "top", "bg_color": "#FFF2CC", "text_wrap": True})

    def write(ws: Any, r: int, c: int, value: Any, fmt_: Any) -> None:
        if isinstance(value, Decimal | float) and numbers.as_float(value) is None:
            ws.write_string(r, c, numbers.ABNORMAL, fmt_)
        elif value is None or value == "":
            ws.write_blank(r, c, None, fmt_)
        elif isinstance(value, Decimal | int | float):
            ws.write_number(r, c, float(value), fmt_)
        else:
            ws.write_string(r, c, str(value), fmt_)

    def sheet(
        name: str, columns: list[str], widths: list[int], rows: list[list[Any]], formats: list[Any]
    ) -> Any:
        ws = book.add_worksheet(name)
        ws.set_row(0, 30)
        for c, (label, width) in enumerate(zip(columns, widths, strict=True)):
            ws.write_string(0, c, label, head)
            ws.set_column(c, c, width)
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row):
                write(ws, r, c, value, formats[c])
        ws.freeze_panes(1, 2)
        ws.autofilter(0, 0, max(len(rows), 1), len(columns) - 1)
        return ws

    # 目标: one row per indicator × responsible unit (plus any unit that already has a target)
    target_rows: list[list[Any]] = []
    units_seen: dict[int, Organisation] = {}
    for p in projects:
        base_units = target_units(p)
        for ind in p.indicators.all():
            existing = {t.unit_id: t for t in ind.targets.all()}
            units = base_units + [t.unit for t in ind.targets.all() if t.unit not in base_units]
            for unit in units:
                units_seen[unit.id] = unit
                t = existing.get(unit.id)
                target_rows.append(
                    [
                        p.order,
                        p.name,
                        ind.name,
                        ind.unit,
                        ind.target,
                        unit.name,
                        unit.code,
                        t.value if t else None,
                    ]
                )
    ws = sheet(
        SHEET_TARGETS,
        TARGET_COLUMNS,
        [8, 30, 16, 9, 12, 18, 14, 12],
        target_rows,
        [cell, cell, cell, cell, number, cell, cell, number],
    )
    for col in (4, 7):
        ws.data_validation(
            1,
            col,
            max(len(target_rows), 1) + 500,
            col,
            {
                "validate": "decimal",
                "criteria": ">=",
                "value": 0,
                "error_title": "目标值有误",
                "error_message": "请填写不小于0的数字",
            },
        )

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
                line.original / TEN_THOUSAND,
                line.current / TEN_THOUSAND,
                line.current / TEN_THOUSAND,
                "",
            ]
        )
    ws = sheet(
        SHEET_FUNDS,
        FUND_COLUMNS,
        [8, 30, 14, 18, 14, 14, 14, 16, 40],
        fund_rows,
        [cell, cell, cell, cell, cell, money, money, money_input, text_input],
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

    # 说明: rules and the unit codes; protected so it is not edited by accident
    for p in projects:
        for unit in target_units(p):
            units_seen.setdefault(unit.id, unit)
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
    book.close()
    return buffer.getvalue()


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


def targets_import_preview(*, user: Any, program: Program, file: Any, filename: str = "") -> ImportPreview:
    """Read and check a filled-in workbook; list every error (sheet, row, column, problem) or every change.

    Nothing is written. ``file`` is bytes or a file-like object (an upload)."""
    content, name = _content_of(file)
    preview = ImportPreview(content=content, filename=filename or name)
    errors = preview.errors
    if len(content) > MAX_BYTES:
        errors.append(f"文件过大（不能超过{MAX_BYTES // (1024 * 1024)}MB）")
        return preview
    if not content:
        errors.append("文件是空的")
        return preview
    book = _read_book(content, errors)
    if book is None:
        return preview
    reader = _Reader(user=user, program=program)
    try:
        targets = _read_sheet(
            book, SHEET_TARGETS, TARGET_COLUMNS, [C_INDICATOR, C_CODE, C_UNIT_TARGET], errors
        )
        funds = _read_sheet(book, SHEET_FUNDS, FUND_COLUMNS, [C_CODE, C_SOURCE, C_NEW], errors)
    except Exception:
        errors.append("无法读取该文件中的工作表，请另存为 .xlsx 后重新上传")
        return preview
    finally:
        book.close()
    if targets is None and funds is None and not errors:
        errors.append(f"文件中没有“{SHEET_TARGETS}”或“{SHEET_FUNDS}”工作表，请使用下载的模板")
    if targets is not None:
        _check_targets(reader, targets, preview)
    if funds is not None:
        _check_funds(reader, funds, preview)
    if errors:
        preview.changes = []
    return preview


def _error_sink(sheet: str, row: int, errors: list[str]) -> Any:
    def err(column: str, message: str) -> None:
        where = f"工作表“{sheet}”第{row}行"
        errors.append(f"{where}“{column}”列：{message}" if column else f"{where}：{message}")

    return err


def _check_targets(reader: _Reader, sheet: _Sheet, preview: ImportPreview) -> None:
    seen: dict[tuple[int, int], int] = {}
    project_targets: dict[int, tuple[int, Decimal]] = {}
    col = sheet.columns
    for row, cells in sheet.rows:
        before = len(preview.errors)
        err = _error_sink(sheet.name, row, preview.errors)
        unit_value = _number(sheet.get(cells, col.get(C_UNIT_TARGET)))
        if isinstance(unit_value, str):
            err(C_UNIT_TARGET, unit_value)
            unit_value = None
        project_value = _number(sheet.get(cells, col.get(C_PROJECT_TARGET)))
        if isinstance(project_value, str):
            err(C_PROJECT_TARGET, project_value)
            project_value = None
        project = reader.project(sheet, row, cells, err)
        ok, unit = reader.unit(sheet.get(cells, col.get(C_CODE)), err, blank_ok=False)
        if project is None:
            continue
        ind_name = _text(sheet.get(cells, col.get(C_INDICATOR)))
        indicator = reader.indicators.get((project.id, ind_name))
        if not ind_name:
            err(C_INDICATOR, "指标名称不能为空")
        elif indicator is None:
            err(
                C_INDICATOR,
                f"项目“{project.name}”没有指标“{ind_name}”（不能从Excel新增指标，请先在系统中设置）",
            )
        if indicator is None or unit is None or not ok:
            continue
        target = reader.targets.get((indicator.id, unit.id))
        if target is None and unit not in target_units(project):
            err(C_CODE, f"“{unit.name}（{unit.code}）”不是项目“{project.name}”的责任单位")
            continue
        key = (indicator.id, unit.id)
        if key in seen:
            err("", f"与第{seen[key]}行重复（同一项目、指标和单位只能有一行）")
            continue
        seen[key] = row
        label = f"{project.name}·{indicator.name}"
        if project_value is not None:
            project_value = project_value.quantize(TARGET_PLACES, rounding=ROUND_HALF_UP)
            first = project_targets.get(indicator.id)
            if first is not None and first[1] != project_value:
                err(C_PROJECT_TARGET, f"与第{first[0]}行的项目年度目标（{fmt(first[1])}）不一致")
            elif first is None:
                project_targets[indicator.id] = (row, project_value)
                if indicator.target is None or indicator.target != project_value:
                    old = "未设" if indicator.target is None else fmt(indicator.target)
                    preview.changes.append(
                        Change(
                            INDICATOR_TARGET,
                            sheet.name,
                            row,
                            f"{label}：项目年度目标 {old} → {fmt(project_value)}{indicator.unit}",
                            project,
                            indicator=indicator,
                            old=indicator.target,
                            new=project_value,
                        )
                    )
        if unit_value is None or len(preview.errors) > before:
            continue
        unit_value = unit_value.quantize(TARGET_PLACES, rounding=ROUND_HALF_UP)
        if target is not None and target.value == unit_value:
            continue
        if target is not None and target.plan:
            try:
                services._validate_plan(target.plan, unit_value, indicator)
            except ValidationError as exc:
                err(C_UNIT_TARGET, "；".join(exc.messages) + "（请先在系统中调整该单位的序时进度计划）")
                continue
        where = f"{label}·{unit.display_name}"
        preview.changes.append(
            Change(
                TARGET_UPDATE if target else TARGET_CREATE,
                sheet.name,
                row,
                f"{where}：目标 {fmt(target.value)} → {fmt(unit_value)}{indicator.unit}"
                if target
                else f"{where}：新设目标 {fmt(unit_value)}{indicator.unit}",
                project,
                indicator=indicator,
                unit=unit,
                target=target,
                old=target.value if target else None,
                new=unit_value,
            )
        )


def _yuan(value: Decimal) -> Decimal:
    return (value * TEN_THOUSAND).quantize(CENT, rounding=ROUND_HALF_UP)


def _check_funds(reader: _Reader, sheet: _Sheet, preview: ImportPreview) -> None:
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


# --- applying -----------------------------------------------------------------------------------------


def targets_import_apply(*, user: Any, program: Program, preview: ImportPreview) -> dict[str, int]:
    """Apply a previewed workbook in one transaction through the audited services, all or nothing.

    The stored bytes are checked again inside the transaction, so a stale preview is never applied.
    Raises ExcelImportError (a ValidationError with Chinese messages) and writes nothing on any problem."""
    with transaction.atomic():
        fresh = targets_import_preview(
            user=user, program=program, file=preview.content, filename=preview.filename
        )
        if fresh.errors:
            raise ExcelImportError(fresh.errors)
        created_lines: dict[tuple[int, int | None, str], FundingLine] = {}
        for change in fresh.changes:
            try:
                _apply_one(user, change, created_lines)
            except (ValidationError, PermissionDenied, ConflictError, IntegrityError) as exc:
                raise ExcelImportError(
                    [f"{change.where}（{change.text}）：{message}" for message in _messages(exc)]
                ) from exc
    return fresh.counts


def _messages(exc: Exception) -> list[str]:
    if isinstance(exc, ValidationError):
        return exc.messages
    if isinstance(exc, PermissionDenied):
        return [str(exc) or "无权操作"]
    return ["数据已被其他人修改，未做任何更改；请重新上传预览后再导入"]


def _apply_one(
    user: Any, change: Change, created_lines: dict[tuple[int, int | None, str], FundingLine]
) -> None:
    if change.kind == INDICATOR_TARGET:
        assert change.indicator is not None
        services.indicator_save(
            actor=user,
            project=change.project,
            indicator=change.indicator,
            data={"target": change.new},
            expected_version=change.indicator.version,
            reason=REASON,
        )
    elif change.kind in (TARGET_CREATE, TARGET_UPDATE):
        assert change.indicator is not None and change.unit is not None and change.new is not None
        services.target_set(
            actor=user,
            indicator=change.indicator,
            unit=change.unit,
            value=change.new,
            plan=list(change.target.plan) if change.target else None,
            expected_version=change.target.version if change.target else None,
            reason=REASON,
        )
    elif change.kind == LINE_CREATE:
        line = funding_services.funding_line_create(
            actor=user,
            project=change.project,
            unit=change.unit,
            source=change.source,
            original=change.new,
            reason=REASON,
        )
        created_lines[(change.project.id, change.unit.id if change.unit else None, change.source)] = line
    elif change.kind == LINE_ADJUST:
        assert change.new is not None and change.old is not None
        line = (
            change.line
            or created_lines[(change.project.id, change.unit.id if change.unit else None, change.source)]
        )
        funding_services.funding_adjust(
            actor=user, line=line, delta=change.new - change.old, reason=change.reason
        )
