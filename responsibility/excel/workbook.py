"""The workbook as a whole: write the template (one module per sheet), check an upload, apply it."""

from __future__ import annotations

import io
from typing import Any

import xlsxwriter
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Prefetch

from catalogue.models import Program
from core.services import ConflictError
from funding.models import FundingLine, Source
from funding.selectors import with_current
from orgs.models import Organisation
from responsibility.excel.common import (
    C_CODE,
    C_INDICATOR,
    C_NEW,
    C_SOURCE,
    C_UNIT_TARGET,
    FUND_COLUMNS,
    LINE_ADJUST,
    LINE_CREATE,
    MAX_BYTES,
    SHEET_FUNDS,
    SHEET_TARGETS,
    TARGET_COLUMNS,
    ExcelImportError,
    Formats,
    ImportPreview,
    _content_of,
    _read_book,
    _read_sheet,
    _Reader,
    _source_labels,
    plannable_projects,
)
from responsibility.excel.funds import CreatedLines, apply_fund_change, check_funds, write_funds
from responsibility.excel.instructions import write_instructions
from responsibility.excel.targets import apply_target_change, check_targets, write_targets
from responsibility.models import Indicator, Target


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
    formats = Formats(book)
    units_seen: dict[int, Organisation] = {}
    write_targets(formats, projects, units_seen)
    write_funds(formats, lines, labels, units_seen)
    write_instructions(formats, program, projects, labels, units_seen)
    book.close()
    return buffer.getvalue()


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
        check_targets(reader, targets, preview)
    if funds is not None:
        check_funds(reader, funds, preview)
    if errors:
        preview.changes = []
    return preview


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
        created_lines: CreatedLines = {}
        for change in fresh.changes:
            try:
                if change.kind in (LINE_CREATE, LINE_ADJUST):
                    apply_fund_change(user, change, created_lines)
                else:
                    apply_target_change(user, change)
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
