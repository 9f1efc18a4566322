"""Batch entry by Excel: template → filled elsewhere → preview → confirm; bad sheets refused precisely, nothing written."""

from __future__ import annotations

import io
from typing import Any

import pytest
import xlsxwriter
from django.urls import reverse
from python_calamine import CalamineWorkbook

from reporting.models import Report, ReportValue

pytestmark = pytest.mark.django_db


def _rewrite(data: bytes, edit: Any) -> bytes:
    """Read every sheet with calamine, let ``edit`` change the rows, write a new workbook (as another program would)."""
    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    sheets = {name: book.get_sheet_by_name(name).to_python() for name in book.sheet_names}
    edit(sheets)
    out = io.BytesIO()
    new = xlsxwriter.Workbook(out, {"in_memory": True})
    for name, rows in sheets.items():
        ws = new.add_worksheet(name)
        for r, row in enumerate(rows):
            ws.write_row(r, 0, [" 项目序号 " if (r == 0 and v == "项目序号") else v for v in row])
    new.close()
    return out.getvalue()


def test_round_trip(client_for: Any, month: dict[str, Any]) -> None:
    period, project = month["periods"][6], month["project"]
    client = client_for("town_shitai")
    url = reverse("reporting:excel", args=[period.program_id, period.month])
    template = client.get(url + "?download=1").content

    def fill(sheets: dict[str, list[list[Any]]]) -> None:
        for row in sheets["指标"][1:]:
            if row[1] == project.name:
                row[6] = {"开工项目数": 6.0, "完工项目数": "4", "完成投资": "1,050"}[row[2]]
        for row in sheets["资金"][1:]:
            if row[1] == project.name:
                row[4], row[5] = 30.5, "20"
        for row in sheets["进展"][1:]:
            if row[1] == project.name:
                row[2], row[5] = "已开工6户", 18.0

    filled = _rewrite(template, fill)
    response = client.post(url, {"action": "preview", "file": _upload(filled)})
    assert 'data-testid="import-preview"' in response.content.decode()
    assert not Report.objects.filter(project=project, unit=month["shitai"], period=period).exists()
    client.post(url, {"action": "confirm"})
    report = Report.objects.get(project=project, unit=month["shitai"], period=period)
    values = {v.indicator.name: v.value for v in report.values.select_related("indicator")}
    assert values == {"开工项目数": 6, "完工项目数": 4, "完成投资": 1050}
    funds = report.funds.get(source="province")
    assert (funds.arrived, funds.spent, report.beneficiaries, report.progress) == (
        305000,
        200000,
        18,
        "已开工6户",
    )


def _upload(data: bytes) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("报表.xlsx", data)


def test_bad_sheet_refused_with_precise_messages(client_for: Any, month: dict[str, Any]) -> None:
    period, project = month["periods"][6], month["project"]
    client = client_for("town_shitai")
    url = reverse("reporting:excel", args=[period.program_id, period.month])
    template = client.get(url + "?download=1").content

    def spoil(sheets: dict[str, list[list[Any]]]) -> None:
        for row in sheets["指标"][1:]:
            if row[1] == project.name and row[2] == "开工项目数":
                row[6] = "六户"
            elif row[1] == project.name and row[2] == "完工项目数":
                row[6] = -1
        for row in sheets["资金"][1:]:
            if row[1] == project.name:
                row[2], row[4], row[5] = "省", 10, 20
        sheets["进展"].append([99, "不存在的项目", "", "", "", "", ""])

    response = client.post(url, {"action": "preview", "file": _upload(_rewrite(template, spoil))})
    text = response.content.decode()
    assert "工作表“指标”第" in text and "“本期累计”列：“六户”不是数字" in text
    assert "“本期累计”列：不能为负数" in text
    assert "累计支出20万元超过累计到位10万元" in text
    assert "本单位本期没有第99项" in text
    client.post(url, {"action": "confirm"})
    assert ReportValue.objects.count() == 0 and not Report.objects.filter(period=period).exists()


def test_other_roles_cannot_use_a_units_sheet(client_for: Any, month: dict[str, Any]) -> None:
    period = month["periods"][6]
    url = reverse("reporting:excel", args=[period.program_id, period.month])
    assert client_for("leader").get(url + "?download=1").status_code == 403
    assert (
        client_for("town_duanyuan").get(url + "?download=1&unit=shitai").content
        != client_for("town_shitai").get(url + "?download=1").content
    )
