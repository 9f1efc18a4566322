"""Batch entry by Excel: a unit downloads its pre-filled sheet for a period, fills it offline (Excel, WPS or
LibreOffice), uploads it, sees a preview, confirms. All-or-nothing, errors in Chinese with sheet, row and column."""

from __future__ import annotations

import hashlib
import io
import json
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import xlsxwriter
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext
from python_calamine import CalamineWorkbook

from core import numbers
from funding.models import Source
from orgs.models import Organisation
from reporting import selectors, services
from reporting.models import Period, Report, Status
from responsibility.models import Indicator
from responsibility.selectors import fmt

TEN_THOUSAND = Decimal(10000)
VALUES = ("项目序号", "项目名称", "指标", "计量单位", "年度目标", "上期累计", "本期累计")
FUNDS = ("项目序号", "项目名称", "资金来源", "预算（万元）", "累计到位（万元）", "累计支出（万元）")
TEXTS = ("项目序号", "项目名称", "工作进展", "存在问题", "下步打算", "受益人数", "情况说明")
SOURCE_BY_LABEL = {str(label): code for code, label in Source.choices}


def _num(value: Any) -> float | None:
    return numbers.as_float(value)


def template(*, period: Period, unit: Organisation) -> bytes:
    from funding.models import FundingLine
    from funding.selectors import with_current
    from responsibility.models import Target

    projects = selectors.unit_projects(unit=unit, program=period.program)
    reports = {
        r.project_id: r
        for r in Report.objects.filter(period=period, unit=unit).prefetch_related("values", "funds")
    }
    previous = {}
    for r in (
        Report.objects.filter(unit=unit, period__program=period.program, period__month__lt=period.month)
        .exclude(status="draft")
        .order_by("period__month")
        .prefetch_related("values")
    ):
        previous[r.project_id] = {v.indicator_id: v.value for v in r.values.all()}
    targets = {
        (t.indicator_id): t.value for t in Target.objects.filter(unit=unit, indicator__project__in=projects)
    }
    budgets: dict[tuple[int, str], Decimal] = {}
    for line in with_current(FundingLine.objects.filter(project__in=projects, unit=unit)):
        budgets[(line.project_id, line.source)] = line.current
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    head = book.add_format({"bold": True, "bg_color": "#F2DCDB", "border": 1})
    fill = book.add_format({"bg_color": "#FFF9DB", "border": 1})
    lock = book.add_format({"border": 1})
    money = book.add_format({"bg_color": "#FFF9DB", "border": 1, "num_format": "0.00"})

    def sheet(name: str, columns: tuple[str, ...], rows: list[list[Any]], editable: set[int]) -> None:
        ws = book.add_worksheet(name)
        ws.write_row(0, 0, columns, head)
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row):
                fmt = (money if "万元" in columns[c] else fill) if c in editable else lock
                ws.write(r, c, value, fmt)
        ws.set_column(0, 0, 8)
        ws.set_column(1, 1, 30)
        ws.set_column(2, len(columns) - 1, 14)
        ws.freeze_panes(1, 2)

    value_rows, fund_rows, text_rows = [], [], []
    for p in projects:
        report = reports.get(p.id)
        values = {v.indicator_id: v.value for v in report.values.all()} if report else {}
        funds = {f.source: f for f in report.funds.all()} if report else {}
        for ind in p.indicators.all():
            value_rows.append(
                [
                    p.order,
                    p.name,
                    ind.name,
                    ind.unit,
                    _num(targets.get(ind.id)),
                    _num(previous.get(p.id, {}).get(ind.id)),
                    _num(values.get(ind.id)),
                ]
            )
        for source in [s for s in Source.values if (p.id, s) in budgets or s in funds] or ["province"]:
            f = funds.get(source)
            fund_rows.append(
                [
                    p.order,
                    p.name,
                    str(Source(source).label),
                    _num((budgets.get((p.id, source)) or 0) / TEN_THOUSAND),
                    _num(f.arrived / TEN_THOUSAND) if f else None,
                    _num(f.spent / TEN_THOUSAND) if f else None,
                ]
            )
        text_rows.append(
            [
                p.order,
                p.name,
                report.progress if report else "",
                report.problems if report else "",
                report.next_steps if report else "",
                report.beneficiaries if report else None,
                report.explanation if report else "",
            ]
        )
    sheet("指标", VALUES, value_rows, {6})
    sheet("资金", FUNDS, fund_rows, {2, 4, 5})
    sheet("进展", TEXTS, text_rows, {2, 3, 4, 5, 6})
    info = book.add_worksheet("说明")
    info.write_column(
        0,
        0,
        [
            f"{unit.name} {period}（截止{period.deadline:%Y-%m-%d}）",
            "只填黄色格子；金额单位万元；填截至本期的累计数。",
            "上传后先预览，确认后才写入；任何一处错误都不会写入任何数据。",
        ],
    )
    book.close()
    return buffer.getvalue()


@dataclass
class Preview:
    errors: list[str] = field(default_factory=list)
    payload: dict[int, dict[str, Any]] = field(default_factory=dict)  # project id → values/funds/narrative
    changes: list[str] = field(default_factory=list)
    versions: dict[int, int] = field(default_factory=dict)  # project id → version of the stored report


def _cell_number(
    raw: Any, where: str, errors: list[str], parse: Any = numbers.parse_quantity, **kw: Any
) -> Any:
    try:
        return parse(raw, field_label=where, **kw)
    except numbers.NumberError as exc:
        errors.append(exc.message)
        return None


def _cell_text(raw: Any, where: str, errors: list[str]) -> str:
    text = "" if raw is None else str(raw)
    if len(text) > numbers.TEXT_MAX:
        errors.append(f"{where}：不超过{numbers.TEXT_MAX}字")
        return ""
    return text


def _rows(
    book: CalamineWorkbook, name: str, columns: tuple[str, ...], errors: list[str]
) -> list[tuple[int, dict[str, Any]]]:
    if name not in book.sheet_names:
        errors.append(f"缺少工作表“{name}”")
        return []
    rows = book.get_sheet_by_name(name).to_python(skip_empty_area=False)
    if not rows:
        return []
    header = [str(h).strip() for h in rows[0]]
    missing = [c for c in columns if c not in header]
    if missing:
        errors.append(f"工作表“{name}”缺少列：{'、'.join(missing)}")
        return []
    index = {c: header.index(c) for c in columns}
    out = []
    for n, row in enumerate(rows[1:], start=2):
        if not any(str(v).strip() for v in row if v is not None):
            continue
        out.append((n, {c: (row[i] if i < len(row) else None) for c, i in index.items()}))
    return out


def row_count(data: bytes) -> int:
    """Data rows in the three sheets (0 if the file cannot be read): decides whether to work in the background."""
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        return sum(
            max(0, book.get_sheet_by_name(n).height - 1)
            for n in ("指标", "资金", "进展")
            if n in book.sheet_names
        )
    except Exception:  # noqa: BLE001 — unreadable files are reported by preview()
        return 0


def preview(*, period: Period, unit: Organisation, data: bytes, progress: Any = None) -> Preview:
    """Read and check the whole sheet; ``progress(done, total)`` is called as rows are checked."""
    result = Preview()
    errors = result.errors
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    except Exception:  # noqa: BLE001 — any unreadable file gets the same clear message
        errors.append("无法读取该文件：请上传 .xlsx、.xls 或 .ods 表格")
        return result
    # lean lookups (records and ids, not model instances): a sheet can be large
    projects = {p.order: p for p in selectors.unit_project_refs(unit=unit, program=period.program)}
    names = {p.id: p.name for p in projects.values()}
    indicator_ids = {
        (pid, name): iid
        for iid, pid, name in Indicator.objects.filter(project_id__in=list(names)).values_list(
            "id", "project_id", "name"
        )
    }

    def project_of(sheet: str, n: int, row: dict[str, Any]) -> Any:
        try:
            order = numbers.parse_count(row["项目序号"], field_label="")
        except numbers.NumberError:
            order = None
        if order is None:
            errors.append(f"工作表“{sheet}”第{n}行“项目序号”列：“{str(row['项目序号'])[:40]}”不是序号")
            return None
        project = projects.get(order)
        if project is None:
            errors.append(f"工作表“{sheet}”第{n}行“项目序号”列：本单位本期没有第{order}项")
        elif str(row["项目名称"] or "").strip() != project.name:
            errors.append(f"工作表“{sheet}”第{n}行“项目名称”列：第{order}项应为“{project.name}”")
            return None
        return project

    sheets = {
        name: _rows(book, name, columns, errors)
        for name, columns in (("指标", VALUES), ("资金", FUNDS), ("进展", TEXTS))
    }
    total = sum(len(rows) for rows in sheets.values())
    step, done = max(1, total // 20), 0

    def tick() -> None:
        nonlocal done
        done += 1
        if progress and (done % step == 0 or done == total):
            progress(done, total)

    seen: set[tuple[str, Any, Any]] = set()
    for n, row in sheets["指标"]:
        tick()
        project = project_of("指标", n, row)
        if project is None:
            continue
        indicator_name = str(row["指标"] or "").strip()
        indicator_id = indicator_ids.get((project.id, indicator_name))
        if indicator_id is None:
            errors.append(f"工作表“指标”第{n}行“指标”列：项目没有指标“{row['指标']}”")
            continue
        if ("v", project.id, indicator_id) in seen:
            errors.append(f"工作表“指标”第{n}行：指标“{indicator_name}”重复")
        seen.add(("v", project.id, indicator_id))
        value = _cell_number(row["本期累计"], f"工作表“指标”第{n}行“本期累计”列", errors)
        result.payload.setdefault(project.id, {"values": {}, "funds": {}, "narrative": {}})["values"][
            indicator_id
        ] = value
    for n, row in sheets["资金"]:
        tick()
        project = project_of("资金", n, row)
        if project is None:
            continue
        source = SOURCE_BY_LABEL.get(str(row["资金来源"] or "").strip())
        if source is None:
            errors.append(
                f"工作表“资金”第{n}行“资金来源”列：“{row['资金来源']}”不是资金来源（{'、'.join(SOURCE_BY_LABEL)}）"
            )
            continue
        if ("f", project.id, source) in seen:
            errors.append(f"工作表“资金”第{n}行：资金来源“{row['资金来源']}”重复")
        seen.add(("f", project.id, source))
        arrived, spent = (
            _cell_number(
                row[column],
                f"工作表“资金”第{n}行“{column}”列",
                errors,
                numbers.parse_money,
                decimal_places=6,  # the template writes exact 元 amounts in 万元
            )
            for column in ("累计到位（万元）", "累计支出（万元）")
        )
        if arrived is not None and spent is not None and spent > arrived:
            errors.append(
                f"工作表“资金”第{n}行：累计支出{fmt(spent / TEN_THOUSAND)}万元超过"
                f"累计到位{fmt(arrived / TEN_THOUSAND)}万元"
            )
        funds = result.payload.setdefault(project.id, {"values": {}, "funds": {}, "narrative": {}})["funds"]
        funds[source] = (arrived, spent)
    for n, row in sheets["进展"]:
        tick()
        project = project_of("进展", n, row)
        if project is None:
            continue
        people = _cell_number(
            row["受益人数"], f"工作表“进展”第{n}行“受益人数”列", errors, numbers.parse_count
        )
        narrative = {
            key: _cell_text(row[column], f"工作表“进展”第{n}行“{column}”列", errors)
            for key, column in (
                ("progress", "工作进展"),
                ("problems", "存在问题"),
                ("next_steps", "下步打算"),
                ("explanation", "情况说明"),
            )
        }
        narrative["beneficiaries"] = people
        result.payload.setdefault(project.id, {"values": {}, "funds": {}, "narrative": {}})["narrative"] = (
            narrative
        )
    reports = {
        pid: (status, version)
        for pid, status, version in Report.objects.filter(period=period, unit=unit).values_list(
            "project_id", "status", "version"
        )
    }
    result.versions = {pid: reports[pid][1] for pid in result.payload if pid in reports}
    for project_id, item in result.payload.items():
        status = reports.get(project_id, (None, None))[0]
        name = names[project_id]
        if status is not None and status not in services.EDITABLE:
            errors.append(f"“{name}”的报表状态为“{Status(status).label}”，不能再导入修改")
        filled = sum(v is not None for v in item["values"].values()) + sum(
            a is not None for a, _ in item["funds"].values()
        )
        result.changes.append(
            f"{name}：{filled}个数据，工作进展{'已填' if item['narrative'].get('progress') else '未填'}"
        )
    return result


def apply(
    *,
    actor: Any,
    period: Period,
    unit: Organisation,
    data: bytes,
    versions: dict[int, int] | None = None,
    progress: Any = None,
) -> int:
    """Read and check the sheet again (outside any transaction: no write lock is held while the file is read),
    then save every project's report, or nothing, in one short transaction (services.reports_import). ``versions``
    (from the preview, else those this check saw) make a report changed by someone else in between a conflict,
    not a silent overwrite."""
    result = preview(period=period, unit=unit, data=data)
    if result.errors:
        raise ValidationError(result.errors)
    return services.reports_import(
        actor=actor,
        period=period,
        unit=unit,
        payload=result.payload,
        versions=result.versions if versions is None else versions,
        progress=progress,
    )


# --- large sheets in the background (jobs app) -------------------------------------------------------------


def import_message(count: int) -> str:
    """What the user is told after an import (``count``: reports created or changed)."""
    if not count:
        return gettext("表格中的数据与系统中已有的相同，没有需要导入的修改。")
    return gettext("已导入%(n)s个项目的报表（草稿），请核对后提交。") % {"n": count}


def is_large(data: bytes) -> bool:
    return row_count(data) > settings.REPORTING_IMPORT_BACKGROUND_ROWS


def _job(
    *,
    actor: Any,
    period: Period,
    unit: Organisation,
    data: bytes,
    apply: bool,
    versions: dict[int, int] | None = None,
) -> Any:
    """A background job (jobs app, run by a worker) checking or importing the sheet: the file's bytes and the
    period, unit and versions travel on the job; the import is idempotent (one transaction with its key: a
    re-queued or repeated import never writes twice) and so re-queued if its worker dies."""
    from jobs.services import job_start

    step = "导入" if apply else "预览"
    key = ""
    if apply and versions is not None:  # the same sheet confirmed twice over the same preview: one import
        digest = hashlib.sha256(data + json.dumps(versions, sort_keys=True).encode()).hexdigest()[:40]
        key = f"reporting.excel_import:{period.pk}:{unit.pk}:{digest}"
    return job_start(
        actor=actor,
        kind=f"reporting.excel_{'import' if apply else 'preview'}",
        title=f"Excel批量填报{step}：{unit.name} {period}",
        handler=f"reporting.excel.{'run_import' if apply else 'run_preview'}",
        total=row_count(data),
        params={
            "period": period.pk,
            "unit": unit.pk,
            "versions": None if versions is None else {str(k): v for k, v in versions.items()},
        },
        data=data,
        return_url=f"{_page(period)}?unit={unit.code}",
        idempotency_key=key,
        idempotent=apply,
    )


def _page(period: Period, name: str = "reporting:excel") -> str:
    return reverse(name, args=[period.program_id, period.month])


def preview_start(*, actor: Any, period: Period, unit: Organisation, data: bytes) -> Any:
    """Check a large sheet in the background; the finished job offers the preview and the confirm button."""
    return _job(actor=actor, period=period, unit=unit, data=data, apply=False)


def apply_start(
    *, actor: Any, period: Period, unit: Organisation, data: bytes, versions: dict[int, int] | None
) -> Any:
    """Import a confirmed large sheet in the background (all or nothing, as apply)."""
    return _job(actor=actor, period=period, unit=unit, data=data, apply=True, versions=versions)


def _job_args(job: Any) -> tuple[Period, Organisation, bytes, dict[int, int] | None]:
    params = job.params
    period = Period.objects.select_related("program").get(pk=params["period"])
    unit = Organisation.objects.get(pk=params["unit"])
    versions = params.get("versions")
    return (
        period,
        unit,
        bytes(job.input or b""),
        None if versions is None else {int(k): v for k, v in versions.items()},
    )


def run_preview(job: Any, progress: Any) -> dict[str, Any]:
    """The preview job's work (in a worker): check the sheet, write nothing."""
    period, unit, data, _ = _job_args(job)
    result = preview(period=period, unit=unit, data=data, progress=progress)
    if result.errors:
        raise ValidationError(result.errors)
    fields = {"action": "confirm", "unit": unit.code, "versions": json.dumps(result.versions)}
    return {
        "changes": result.changes,
        "confirm": {"url": _page(period), "label": "确认导入", "fields": fields},
    }


def run_import(job: Any, progress: Any) -> dict[str, Any]:
    """The import job's work (in a worker): read and check the sheet outside any transaction, then write every
    report in one transaction with the job's idempotency key (jobs.services.write_once)."""
    from jobs.services import raise_if_done, write_once

    raise_if_done(job)  # delivered again after it was written: nothing to read, nothing to write
    period, unit, data, versions = _job_args(job)
    result = preview(period=period, unit=unit, data=data, progress=progress)
    if result.errors:
        raise ValidationError(result.errors)
    with write_once(job) as once:
        count = services.reports_import(
            actor=job.created_by,
            period=period,
            unit=unit,
            payload=result.payload,
            versions=result.versions if versions is None else versions,
            progress=progress,
        )
        once.result = {
            "message": import_message(count),
            "count": count,
            "link": {"url": f"{_page(period, 'reporting:fill')}?unit={unit.code}", "label": "核对并提交"},
        }
    return once.result
