"""Bulk creation of accounts from an Excel sheet: a template to download, a checked preview, all or nothing.

Like the other imports (``responsibility.excel``, ``reporting.excel``): the sheet is read with calamine (.xlsx,
.xls, .ods), every row is checked and every problem reported in Chinese with sheet, row and column; nothing is
written while any error remains. Columns are found by their header (any order); the 单位 cell holds the
organisation's name, short name or code, the 角色 cell the role's Chinese label.
"""

from __future__ import annotations

import io
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

import xlsxwriter
from django.utils import translation

from orgs.models import ROLE_KINDS, Organisation, OrgKind, Role
from orgs.rules import assignable_roles
from orgs.selectors import organisations_for_roles
from orgs.services import AccountData, account_problems, usernames_taken

SHEET_USERS, SHEET_HELP = "用户", "说明"
C_NAME, C_USERNAME, C_UNIT, C_ROLE, C_PHONE, C_TITLE = "姓名", "账号", "单位", "角色", "手机", "职务"
COLUMNS = [C_NAME, C_USERNAME, C_UNIT, C_ROLE, C_PHONE, C_TITLE]
REQUIRED = [C_NAME, C_USERNAME, C_UNIT, C_ROLE]
#: account_problems' field → the sheet's column
FIELD_COLUMNS = {
    "name": C_NAME,
    "username": C_USERNAME,
    "organisation": C_UNIT,
    "role": C_ROLE,
    "phone": C_PHONE,
}
MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 1000
HEADER_SCAN_ROWS = 10


@dataclass
class UsersPreview:
    errors: list[str] = field(default_factory=list)
    rows: list[tuple[int, AccountData]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.rows)


def _role_labels() -> dict[str, str]:
    with translation.override("zh-hans"):
        return {value: str(label) for value, label in Role.choices}


def _kind_labels() -> dict[str, str]:
    with translation.override("zh-hans"):
        return {value: str(label) for value, label in OrgKind.choices}


def users_template(*, user: Any) -> bytes:
    """The sheet to fill in (用户, with a role list) and a protected 说明 with the units the user may use."""
    roles = assignable_roles(user)
    labels = _role_labels()
    kinds = _kind_labels()
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    head = book.add_format({"bold": True, "bg_color": "#F2DCDB", "border": 1, "align": "center"})
    text = book.add_format({"num_format": "@"})
    ws = book.add_worksheet(SHEET_USERS)
    for c, (label, width) in enumerate(zip(COLUMNS, [12, 18, 30, 14, 16, 14], strict=True)):
        ws.write_string(0, c, label, head)
        ws.set_column(c, c, width, text)
    ws.freeze_panes(1, 0)
    ws.data_validation(
        1,
        3,
        MAX_ROWS,
        3,
        {
            "validate": "list",
            "source": [labels[r] for r in roles],
            "error_title": "角色有误",
            "error_message": "请从下拉列表中选择角色",
        },
    )
    help_ws = book.add_worksheet(SHEET_HELP)
    bold = book.add_format({"bold": True})
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    help_ws.set_column(0, 0, 34)
    help_ws.set_column(1, 3, 22)
    rules = [
        "在“用户”工作表中每行填写一个账号；姓名、账号、单位、角色必填，手机、职务可不填。",
        "账号为登录用的用户名（字母、数字、汉字或 @.+-_），不能与已有账号重复，表内也不能重复。",
        "单位填写下表中的单位名称、简称或代码；角色从下拉列表选择，且须与单位类型相符。",
        "导入时先检查全部内容，有任何错误都不会创建任何账号；导入后每个账号的初始密码只显示一次，首次登录须修改。",
    ]
    for r, rule_text in enumerate(rules):
        help_ws.write_string(r, 0, f"{r + 1}. {rule_text}", wrap)
    r = len(rules) + 1
    for c, label in enumerate(("单位名称", "代码", "类型", "可设角色")):
        help_ws.write_string(r, c, label, bold)
    for org in organisations_for_roles(roles):
        r += 1
        fits = "、".join(labels[role] for role in roles if org.kind in ROLE_KINDS[role])
        for c, value in enumerate((org.name, org.code, kinds.get(org.kind, org.kind), fits)):
            help_ws.write_string(r, c, value)
    help_ws.protect()
    book.close()
    return buffer.getvalue()


# --- reading ------------------------------------------------------------------------------------------


def _norm(value: Any) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(value)))


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a phone number typed as a number
    return unicodedata.normalize("NFKC", str(value)).strip()


class _Lookup:
    def __init__(self, user: Any) -> None:
        self.user = user
        self.units: dict[str, Organisation | None] = {}
        orgs = list(Organisation.objects.filter(is_sample=False))
        # full names first, then short names and codes where they do not clash; None marks an ambiguous key
        for attr in ("name", "short_name", "code"):
            layer: dict[str, Organisation | None] = {}
            for org in orgs:
                key = _norm(getattr(org, attr) or "").lower()
                if key:
                    known = layer.get(key, org)
                    layer[key] = org if known is not None and known.pk == org.pk else None
            for key, org in layer.items():
                self.units.setdefault(key, org)
        self.roles: dict[str, str] = {}
        for value, label in _role_labels().items():
            self.roles[_norm(label)] = value
            self.roles[_norm(value)] = value
        for value, label in Role.choices:  # the request's language
            self.roles[_norm(str(label))] = value


def users_import_preview(*, user: Any, content: bytes) -> UsersPreview:
    """Check every row of the uploaded sheet; nothing is written."""
    from python_calamine import CalamineWorkbook

    preview = UsersPreview()
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
        sheet_name = names.get(_norm(SHEET_USERS)) or book.sheet_names[0]
        raw = book.get_sheet_by_name(sheet_name).to_python(skip_empty_area=False)
    except Exception:  # any parser failure of an untrusted file is the user's file, not our bug
        errors.append("无法读取该文件：请上传 Excel（.xlsx、.xls）或 WPS/LibreOffice 表格（.ods）文件")
        return preview
    columns: dict[str, int] = {}
    header = -1
    wanted = {_norm(c): c for c in COLUMNS}
    for i, cells in enumerate(raw[:HEADER_SCAN_ROWS]):
        found: dict[str, int] = {}
        for c, value in enumerate(cells):
            label = wanted.get(_norm(value)) if value not in (None, "") else None
            if label and label not in found:
                found[label] = c
        if all(col in found for col in REQUIRED):
            columns, header = found, i
            break
    if header < 0:
        errors.append(
            f"工作表“{sheet_name}”：找不到表头行（应包含“{'”“'.join(REQUIRED)}”列），请使用下载的模板"
        )
        return preview
    body = [
        (header + 1 + n, cells)
        for n, cells in enumerate(raw[header + 1 :], start=1)
        if any(_text(v) for v in cells)
    ]
    if not body:
        errors.append(f"工作表“{sheet_name}”中没有要导入的账号")
        return preview
    if len(body) > MAX_ROWS:
        errors.append(f"工作表“{sheet_name}”有{len(body)}行，一次最多导入{MAX_ROWS}个账号，请分批导入")
        return preview
    lookup = _Lookup(user)
    seen: dict[str, int] = {}
    index = columns[C_USERNAME]
    taken = usernames_taken([_text(c[index]) for _r, c in body if index < len(c)])
    for row, cells in body:

        def cell(column: str, cells: list[Any] = cells) -> str:
            index = columns.get(column)
            return _text(cells[index]) if index is not None and index < len(cells) else ""

        def err(column: str, message: str, row: int = row) -> None:
            errors.append(f"工作表“{sheet_name}”第{row}行“{column}”列：{message}")

        before = len(errors)
        unit_text, role_text = cell(C_UNIT), cell(C_ROLE)
        organisation = lookup.units.get(_norm(unit_text).lower()) if unit_text else None
        if not unit_text:
            err(C_UNIT, "单位不能为空")
        elif _norm(unit_text).lower() in lookup.units and organisation is None:
            err(C_UNIT, f"“{unit_text[:40]}”对应多个单位，请填写单位代码")
        elif organisation is None:
            err(C_UNIT, f"“{unit_text[:40]}”不是已知的单位（填写单位名称、简称或代码，见“说明”工作表）")
        role = lookup.roles.get(_norm(role_text)) if role_text else None
        if not role_text:
            err(C_ROLE, "角色不能为空")
        elif role is None:
            known = "、".join(_role_labels()[r] for r in assignable_roles(user))
            err(C_ROLE, f"“{role_text[:40]}”不是角色（可填：{known}）")
        data = AccountData(
            username=cell(C_USERNAME),
            name=cell(C_NAME),
            organisation=organisation,  # type: ignore[arg-type]
            role=role or "",
            phone=cell(C_PHONE),
            title=cell(C_TITLE)[:50],
        )
        key = data.username.lower()
        duplicate = bool(key) and key in seen
        if duplicate:
            err(C_USERNAME, f"账号“{data.username}”与第{seen[key]}行重复")
        elif key:
            seen[key] = row
        for name, message in account_problems(actor=user, data=data, taken=taken).items():
            if name == "username" and duplicate:
                continue
            if name == "organisation" and organisation is None:
                continue
            if name == "role" and role is None:
                continue
            err(FIELD_COLUMNS.get(name, C_USERNAME), message)
        if len(errors) == before:
            preview.rows.append((row, data))
    if errors:
        preview.rows = []
    return preview
