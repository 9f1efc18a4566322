"""Excel round trip of targets and budgets: download a pre-filled workbook, fill it in, upload it back.

``targets_template`` writes (xlsxwriter) what the user may plan; ``targets_import_preview`` reads any
workbook calamine understands (.xlsx from Excel/WPS, .xls, .ods from LibreOffice), checks every row and
lists the changes without writing; ``targets_import_apply`` re-checks the same bytes inside one transaction
and applies them through the audited services, all or nothing.

Rows are identified by names and codes (project name/序号, indicator name, unit code, 资金来源), never by
position, so users may sort, filter, reorder columns or add rows. Money is shown in 万元 and stored in 元.

One module per sheet — ``targets`` (目标), ``funds`` (资金), ``instructions`` (说明) — each writing its sheet,
checking its rows and applying its changes; ``common`` holds the names, records and cell readers they share;
``workbook`` puts them together. This package exports the names the pages and tests use.
"""

from funding import services as funding_services
from responsibility.excel.common import (
    CHANGE_LABELS,
    FUND_COLUMNS,
    MAX_BYTES,
    SHEET_FUNDS,
    SHEET_HELP,
    SHEET_TARGETS,
    TARGET_COLUMNS,
    Change,
    ExcelImportError,
    ImportPreview,
    plannable_projects,
    target_units,
)
from responsibility.excel.workbook import targets_import_apply, targets_import_preview, targets_template

__all__ = [
    "CHANGE_LABELS",
    "FUND_COLUMNS",
    "MAX_BYTES",
    "SHEET_FUNDS",
    "SHEET_HELP",
    "SHEET_TARGETS",
    "TARGET_COLUMNS",
    "Change",
    "ExcelImportError",
    "ImportPreview",
    "funding_services",
    "plannable_projects",
    "target_units",
    "targets_import_apply",
    "targets_import_preview",
    "targets_template",
]
