"""The reporting pages: one-screen fill, review, confirm, the 进度表 on screen / Excel / PDF, ranking, overdue."""

from __future__ import annotations

import io
import subprocess
from typing import Any

import pytest
from django.urls import reverse
from python_calamine import CalamineWorkbook

from reporting.models import Report, Status

pytestmark = pytest.mark.django_db


def _post_fill(
    client: Any, month: dict[str, Any], period: Any, action: str, spent: str = "15", version: str = ""
) -> Any:
    p = month["project"]
    started, finished, invested = month["indicators"]
    data = {
        "action": action,
        f"r{p.pk}-version": version,
        f"r{p.pk}-v{started.pk}": "5",
        f"r{p.pk}-v{finished.pk}": "4",
        f"r{p.pk}-v{invested.pk}": "50",
        f"r{p.pk}-a-province": "30",
        f"r{p.pk}-s-province": spent,
        f"r{p.pk}-progress": "已开工5户",
        f"r{p.pk}-explanation": "",
    }
    return client.post(reverse("reporting:fill", args=[period.program_id, period.month]), data, follow=True)


def test_town_fills_in_one_screen_and_submits(client_for: Any, month: dict[str, Any]) -> None:
    period = month["periods"][6]
    client = client_for("town_shitai")
    page = client.get(reverse("reporting:fill", args=[period.program_id, period.month])).content.decode()
    assert (
        page.count('<section class="card mb-3')
        == Report._meta.apps.get_model("catalogue", "Project")
        .objects.filter(program=period.program, implementing_units=month["shitai"])
        .count()
    )
    bad = _post_fill(client, month, period, "submit", spent="40")
    assert "省资金支出40.00万元超过到位30.00万元" in bad.content.decode()
    report = Report.objects.get(project=month["project"], unit=month["shitai"], period=period)
    assert report.status == Status.DRAFT
    ok = _post_fill(client, month, period, "submit", version=str(report.version))
    assert "提交1个" in ok.content.decode()
    report.refresh_from_db()
    assert report.status == Status.SUBMITTED


def test_stale_fill_form_is_refused(client_for: Any, month: dict[str, Any]) -> None:
    period = month["periods"][5]
    client = client_for("town_shitai")
    _post_fill(client, month, period, "save")
    report = Report.objects.get(project=month["project"], unit=month["shitai"], period=period)
    response = _post_fill(client, month, period, "save", version=str(report.version - 1))
    assert "已被其他人修改" in response.content.decode()


def test_other_town_cannot_see_the_report(client_for: Any, month: dict[str, Any]) -> None:
    period = month["periods"][6]
    _post_fill(client_for("town_shitai"), month, period, "save")
    report = Report.objects.get(project=month["project"], unit=month["shitai"], period=period)
    assert (
        client_for("town_duanyuan").get(reverse("reporting:report_detail", args=[report.pk])).status_code
        == 404
    )
    assert client_for("office").get(reverse("reporting:report_detail", args=[report.pk])).status_code == 200


def _xlsx_styles(data: bytes) -> dict[str, Any]:
    """Frozen pane, merged ranges and each cell's number format, read from the sheet and style XML."""
    import re
    import zipfile

    with zipfile.ZipFile(io.BytesIO(data)) as z:
        sheet = z.read("xl/worksheets/sheet1.xml").decode()
        styles = z.read("xl/styles.xml").decode()
    formats = {m[0]: m[1] for m in re.findall(r'<numFmt numFmtId="(\d+)" formatCode="([^"]*)"', styles)}
    xfs = re.search(r"<cellXfs[^>]*>(.*?)</cellXfs>", styles, re.S).group(1)
    xf_format = [formats.get(m, "General") for m in re.findall(r'<xf numFmtId="(\d+)"', xfs)]
    return {
        "pane": re.search(r'<pane [^>]*topLeftCell="([A-Z]+\d+)"[^>]*state="frozen"', sheet).group(1),
        "merged": re.findall(r'<mergeCell ref="([^"]+)"', sheet),
        "cells": {ref: xf_format[int(s)] for ref, s in re.findall(r'<c r="([A-Z]+\d+)" s="(\d+)"', sheet)},
    }


def test_progress_table_exports_read_back(client_for: Any, month: dict[str, Any], tmp_path: Any) -> None:
    period = month["periods"][6]
    client = client_for("office")
    url = reverse("reporting:progress", args=[period.program_id, period.month])
    page = client.get(url).content.decode()
    assert "进度表" in page and "农村危房改造" in page
    xlsx = client.get(url + "?format=xlsx")
    book = CalamineWorkbook.from_filelike(io.BytesIO(xlsx.content))
    rows = book.get_sheet_by_name("进度表").to_python()
    assert rows[0][0] == "2021年民生工程进度表（截至6月）"
    assert "金额单位：万元" in rows[1][0]
    project_row = next(r for r in rows if len(r) > 1 and r[1] == "农村危房改造")
    header = rows[3]
    assert project_row[header.index("预算合计")] == pytest.approx(180.0)  # 60 + 120 万元 budget
    # the styling, read back from the file's XML: merged headers, frozen panes, formats by column
    style = _xlsx_styles(xlsx.content)
    assert style["pane"] == "C5" and "A1:" in style["merged"][0] and len(style["merged"]) > 3
    row_number = rows.index(project_row) + 1
    column = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[header.index("预算合计")]
    assert style["cells"][f"{column}{row_number}"] == "#,##0.00"
    rate = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[header.index("到位率")]
    assert style["cells"][f"{rate}{row_number}"] == "0.0%"
    pdf = client.get(url + "?format=pdf")
    assert pdf["Content-Type"] == "application/pdf"
    path = tmp_path / "p.pdf"
    path.write_bytes(pdf.content)
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "进度表" in text and "农村危房改造" in text


def test_ranking_and_overdue_pages(client_for: Any, month: dict[str, Any]) -> None:
    period = month["periods"][6]
    client = client_for("leader")
    ranking = client.get(
        reverse("reporting:ranking", args=[period.program_id, period.month])
    ).content.decode()
    assert "综合得分 = 40 × 任务完成率" in ranking
    overdue = client.get(
        reverse("reporting:overdue", args=[period.program_id, period.month])
    ).content.decode()
    assert "农村危房改造" in overdue  # 2021-07-05 has long passed and nothing was submitted
    town = (
        client_for("town_shitai")
        .get(reverse("reporting:overdue", args=[period.program_id, period.month]))
        .content.decode()
    )
    assert "段园镇" not in town


def test_export_progress_command(month: dict[str, Any], tmp_path: Any) -> None:
    from django.core.management import call_command

    out = tmp_path / "p.xlsx"
    call_command("export_progress", "2021", "6", "--format", "xlsx", "-o", str(out), stdout=io.StringIO())
    rows = CalamineWorkbook.from_path(str(out)).get_sheet_by_name("进度表").to_python()
    assert sum(1 for r in rows[4:] if r[0] != "") == month["program"].projects.count()
    pdf = tmp_path / "p.pdf"
    call_command("export_progress", "2021", "6", "--format", "pdf", "-o", str(pdf), stdout=io.StringIO())
    assert pdf.read_bytes().startswith(b"%PDF")


def test_report_api_scoped_and_transitions(client_for: Any, month: dict[str, Any]) -> None:
    period = month["periods"][6]
    _post_fill(client_for("town_shitai"), month, period, "save")
    report = Report.objects.get(project=month["project"], unit=month["shitai"], period=period)
    assert client_for("town_duanyuan").get(f"/api/reports/{report.pk}/").status_code == 404
    data = client_for("town_shitai").get(f"/api/reports/?period={period.pk}").json()["results"]
    assert [r["id"] for r in data] == [report.pk] and data[0]["values"]
    response = client_for("town_shitai").post(
        f"/api/reports/{report.pk}/transition/", {"action": "submit"}, content_type="application/json"
    )
    assert response.status_code == 200 and response.json()["status"] == "submitted"
    denied = client_for("town_shitai").post(
        f"/api/reports/{report.pk}/transition/", {"action": "approve"}, content_type="application/json"
    )
    assert denied.status_code == 403


def test_office_finds_the_period_setting_from_the_program_page(client_for: Any) -> None:
    from catalogue.models import Program

    program = Program.objects.get(year=2021)
    periods = reverse("reporting:periods", args=[program.pk])
    page = reverse("catalogue:program_detail", args=[program.pk])
    assert f'href="{periods}"' in client_for("office").get(page).content.decode()
    assert f'href="{periods}"' not in client_for("town_shitai").get(page).content.decode()


def test_progress_pdf_shows_every_indicator_whole(
    client_for: Any, month: dict[str, Any], tmp_path: Any
) -> None:
    period = month["periods"][6]
    url = reverse("reporting:progress", args=[period.program_id, period.month])
    path = tmp_path / "p.pdf"
    path.write_bytes(client_for("office").get(url + "?format=pdf").content)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    flat = "".join(text.split())
    for ind in month["indicators"]:
        assert f"{ind.name}（{ind.unit}）" in flat


@pytest.mark.parametrize("name", ["office", "town_shitai", "dept_health", "leader", "supervisor"])
def test_excel_link_only_for_who_may_use_it(client_for: Any, month: dict[str, Any], name: str) -> None:
    import re

    period = month["periods"][6]
    client = client_for(name)
    page = client.get(reverse("reporting:fill", args=[period.program_id, period.month]))
    links = re.findall(r'href="([^"]+)"[^>]*data-testid="excel-link"', page.content.decode())
    if page.status_code != 200 or not links:
        assert "Excel 批量填报" not in page.content.decode() or page.status_code != 200
        return
    assert client.get(links[0].replace("&amp;", "&")).status_code == 200
