"""Bad input, as a hostile or careless user types it: every form, import and API write that takes a number or a
text is fed extreme values, NaN, exponents, negatives, 100,000-character text and HTML/JS. Each answer is a clear
Chinese message naming the field (and sheet/row/column for imports) and nothing is written; no answer is a 500;
HTML typed by one user comes back escaped on another user's page. (Files: test_bad_uploads.py.)"""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
import xlsxwriter
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from python_calamine import CalamineWorkbook

from core import numbers
from core.models import AuditEvent
from funding.models import FundingLine
from orgs.models import Organisation
from reporting import excel as report_excel
from reporting.models import Report, ReportFunds, ReportValue
from responsibility.models import Indicator, Target

pytestmark = pytest.mark.django_db

HOSTILE = [
    "NaN",
    "nan",
    "sNaN",
    "Infinity",
    "-inf",
    "1e5",
    "1E+30",
    "100000000000",
    "9" * 5000,
    "0x10",
    "１２",
    "1.2.3",
    "12.34567891",
]
NOT_NUMBER_MESSAGES = ("不是有效数字", "科学计数法", "数值过大", "不能大于", "数字过长", "不是数字", "位小数")
LONG_TEXT = "长" * 100_000
XSS = ["<script>alert(1)</script>", '"><img src=x onerror=alert(1)>']


def counts() -> dict[str, int]:
    """Rows of every table a bad input could write to, and the audit trail (not the login records: logging
    the persona in writes an axes access log)."""
    skip = ("sessions", "admin", "contenttypes", "axes")
    models = [m for m in apps.get_models() if m._meta.app_label not in skip]
    return {m._meta.label: m.objects.count() for m in models}


def _text(response: Any) -> str:
    return response.content.decode()


# --- the kit itself ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("raw", HOSTILE)
def test_kit_refuses_hostile_numbers_naming_the_field(raw: str) -> None:
    with pytest.raises(numbers.NumberError) as refused:
        numbers.parse_money(raw, field_label="省到位")
    assert refused.value.message.startswith("省到位：")
    assert any(m in refused.value.message for m in NOT_NUMBER_MESSAGES)


def test_kit_accepts_what_people_type() -> None:
    assert numbers.parse_money("1,234.5", field_label="x") == Decimal("12345000.00")
    assert numbers.parse_money(" 30 ", field_label="x") == Decimal("300000.00")
    assert numbers.parse_money("", field_label="x") is None
    assert numbers.parse_money(30.5, field_label="x", decimal_places=6) == Decimal("305000.00")
    assert numbers.parse_quantity("6", field_label="x") == Decimal(6)
    assert numbers.parse_count(18.0, field_label="x") == 18
    with pytest.raises(numbers.NumberError, match="不能为负数"):
        numbers.parse_quantity("-1", field_label="x")
    with pytest.raises(numbers.NumberError, match="不能大于1000000"):
        numbers.parse_money("1000001", field_label="x")
    assert numbers.parse_money("-5", field_label="x", min_wan=-numbers.MONEY_MAX_WAN) == Decimal("-50000.00")


# --- the fill page -----------------------------------------------------------------------------------------


def _fill_data(month: dict[str, Any], **override: str) -> dict[str, str]:
    p = month["project"]
    started, finished, invested = month["indicators"]
    data = {
        "action": "save",
        f"r{p.pk}-version": "",
        f"r{p.pk}-v{started.pk}": "5",
        f"r{p.pk}-v{finished.pk}": "4",
        f"r{p.pk}-v{invested.pk}": "50",
        f"r{p.pk}-a-province": "30",
        f"r{p.pk}-s-province": "15",
        f"r{p.pk}-progress": "已开工5户",
        f"r{p.pk}-beneficiaries": "12",
    }
    for key, value in override.items():
        data[key.format(p=p.pk, v=started.pk)] = value
    return data


@pytest.mark.parametrize("raw", HOSTILE + ["-5"])
@pytest.mark.parametrize(
    "field,label",
    [("r{p}-a-province", "省到位"), ("r{p}-v{v}", "开工项目数"), ("r{p}-beneficiaries", "受益人数")],
)
def test_fill_page_refuses_hostile_numbers(
    client_for: Any, month: dict[str, Any], field: str, label: str, raw: str
) -> None:
    period = month["periods"][6]
    before = counts()
    response = client_for("town_shitai").post(
        reverse("reporting:fill", args=[period.program_id, period.month]), _fill_data(month, **{field: raw})
    )
    assert response.status_code == 200
    assert f"{label}" in _text(response) and "未能保存" in _text(response)
    assert counts() == before


def test_fill_page_refuses_100000_characters_of_text(client_for: Any, month: dict[str, Any]) -> None:
    period = month["periods"][6]
    before = counts()
    response = client_for("town_shitai").post(
        reverse("reporting:fill", args=[period.program_id, period.month]),
        _fill_data(month, **{"r{p}-progress": LONG_TEXT}),
    )
    assert response.status_code == 200 and "工作进展：不超过10000字" in _text(response)
    assert counts() == before


def test_fill_page_with_a_garbled_version_is_a_conflict_not_an_error(
    client_for: Any, month: dict[str, Any]
) -> None:
    period = month["periods"][6]
    client = client_for("town_shitai")
    url = reverse("reporting:fill", args=[period.program_id, period.month])
    client.post(url, _fill_data(month))
    response = client.post(url, _fill_data(month, **{"r{p}-version": "abc"}))
    assert response.status_code == 200 and "已被其他人修改" in _text(response)


# --- the planning forms (targets, budgets, adjustments), upkeep and publicity ------------------------------


@pytest.fixture
def targets_page(month: dict[str, Any]) -> str:
    return reverse("responsibility:project_targets", args=[month["project"].pk])


@pytest.mark.parametrize("raw", HOSTILE + ["-5"])
def test_target_grid_refuses_hostile_numbers(
    client_for: Any, month: dict[str, Any], targets_page: str, raw: str
) -> None:
    started = month["indicators"][0]
    before = counts()
    response = client_for("office").post(
        targets_page, {"action": "targets", f"t-{started.pk}-{month['shitai'].pk}": raw}, follow=True
    )
    assert response.status_code == 200 and "目标值有误" in _text(response)
    assert counts() == before


@pytest.mark.parametrize("raw", HOSTILE + ["-5"])
def test_budget_line_refuses_hostile_numbers(
    client_for: Any, month: dict[str, Any], targets_page: str, raw: str
) -> None:
    before = counts()
    response = client_for("office").post(
        targets_page,
        {"action": "line", "unit": month["shitai"].pk, "source": "town", "original": raw},
        follow=True,
    )
    assert response.status_code == 200 and "年初预算（万元）：" in _text(response)
    assert counts() == before


@pytest.mark.parametrize("raw", HOSTILE + ["-1000001"])
def test_budget_adjustment_refuses_hostile_numbers(
    client_for: Any, month: dict[str, Any], targets_page: str, raw: str
) -> None:
    line = FundingLine.objects.filter(project=month["project"]).first()
    before = counts()
    response = client_for("office").post(
        targets_page,
        {"action": f"adjust-{line.pk}", "delta": raw, "date": "2021-05-01", "reason": "追加"},
        follow=True,
    )
    assert response.status_code == 200 and "调整额（万元，减少填负数）：" in _text(response)
    assert counts() == before


def test_budget_adjustment_of_a_garbled_line_is_404(client_for: Any, targets_page: str) -> None:
    response = client_for("office").post(
        targets_page, {"action": "adjust-99999999999999999999999", "delta": "1"}
    )
    assert response.status_code == 404
    assert client_for("office").post(targets_page, {"action": "adjust-abc", "delta": "1"}).status_code == 404


@pytest.mark.parametrize("raw", HOSTILE + ["-5"])
def test_upkeep_asset_refuses_hostile_amounts(client_for: Any, month: dict[str, Any], raw: str) -> None:
    before = counts()
    response = client_for("office").post(
        reverse("upkeep:index"),
        {
            "project": month["project"].pk,
            "name": "示例资产",
            "location": "石台镇",
            "owner": "石台镇",
            "fund_amount": raw,
            "check_interval_days": "90",
        },
    )
    assert response.status_code == 200 and "年度管护经费（万元）：" in _text(response)
    assert counts() == before


@pytest.mark.parametrize("raw", ["NaN", "1e5", "99999999999999999999", "-3", "12.5"])
def test_upkeep_check_interval_and_publicity_reach_refuse_bad_counts(
    client_for: Any, month: dict[str, Any], raw: str
) -> None:
    before = counts()
    client = client_for("office")
    asset = client.post(
        reverse("upkeep:index"),
        {
            "project": month["project"].pk,
            "name": "示例资产",
            "location": "石台镇",
            "owner": "石台镇",
            "check_interval_days": raw,
        },
    )
    assert asset.status_code == 200 and "检查周期（天）：" in _text(asset)
    publicity = client.post(
        reverse("disclosure:index"),
        {
            "kind_of": "publicity",
            "p-unit": month["shitai"].pk,
            "p-project": month["project"].pk,
            "p-date": "2021-05-01",
            "p-kind": "meeting",
            "p-title": "宣传",
            "p-reach": raw,
        },
    )
    assert publicity.status_code == 200 and "覆盖人次：" in _text(publicity)
    assert counts() == before


def test_reporting_deadline_day_refuses_bad_numbers(client_for: Any, month: dict[str, Any]) -> None:
    url = reverse("reporting:periods", args=[month["program"].pk])
    for raw in ("abc", "1e3", "99999999999999999999999"):
        response = client_for("office").post(url, {"deadline_day": raw}, follow=True)
        assert response.status_code == 200 and "截止日（次月几日）：" in _text(response)


# --- the Excel imports -------------------------------------------------------------------------------------


def _sheet_with(data: bytes, edit: Any) -> bytes:
    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    sheets = {name: book.get_sheet_by_name(name).to_python() for name in book.sheet_names}
    edit(sheets)
    out = io.BytesIO()
    new = xlsxwriter.Workbook(out, {"in_memory": True, "nan_inf_to_errors": True})
    for name, rows in sheets.items():
        ws = new.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                ws.write(r, c, value)
    new.close()
    return out.getvalue()


def _spoiled_funds(client: Any, url: str, project: Any, raw: Any) -> bytes:
    template = client.get(url + "?download=1").content

    def spoil(sheets: dict[str, list[list[Any]]]) -> None:
        for row in sheets["资金"][1:]:
            if row[1] == project.name:
                row[4] = raw

    return _sheet_with(template, spoil)


@pytest.mark.parametrize("raw", HOSTILE + [1e30, -5.0, 100000000000.0])  # xlsx holds no inf/NaN (#NUM! cells)
def test_report_sheet_refuses_hostile_amounts_with_sheet_row_and_column(
    client_for: Any, month: dict[str, Any], raw: Any
) -> None:
    period, project = month["periods"][6], month["project"]
    client = client_for("town_shitai")
    url = reverse("reporting:excel", args=[period.program_id, period.month])
    data = _spoiled_funds(client, url, project, raw)
    before = counts()
    response = client.post(url, {"action": "preview", "file": SimpleUploadedFile("报表.xlsx", data)})
    assert response.status_code == 200
    text = _text(response)
    assert "工作表“资金”第" in text and "“累计到位（万元）”列" in text, text[-2000:]
    confirm = client.post(url, {"action": "confirm"}, follow=True)
    assert confirm.status_code == 200
    assert counts() == before


def _stage_behind_the_preview(client: Any, purpose: str, data: bytes) -> None:
    """Put a file where the preview would have staged it (as if the check had been skipped)."""
    from django.http import HttpRequest

    from core import staging

    request = HttpRequest()
    request.session = client.session
    request.user = get_user_model().objects.get(pk=request.session["_auth_user_id"])
    staging.stage(request, purpose=purpose, data=data)
    request.session.save()


@pytest.mark.parametrize("raw", ["Infinity", "1E+30", 1e30])
def test_report_sheet_confirm_rechecks_and_writes_nothing(
    client_for: Any, month: dict[str, Any], office: Any, raw: Any
) -> None:
    """Even a spoiled sheet that reaches the confirm step (session tampering, a race) is refused whole."""
    period, project = month["periods"][6], month["project"]
    client = client_for("town_shitai")
    url = reverse("reporting:excel", args=[period.program_id, period.month])
    data = _spoiled_funds(client, url, project, raw)
    _stage_behind_the_preview(client, f"report-import-{period.pk}-{month['shitai'].pk}", data)
    before = counts()
    response = client.post(url, {"action": "confirm"}, follow=True)
    assert response.status_code == 200 and "“累计到位（万元）”列" in _text(response)
    assert counts() == before


def test_report_sheet_refuses_long_text(client_for: Any, month: dict[str, Any]) -> None:
    period, project = month["periods"][6], month["project"]
    client = client_for("town_shitai")
    url = reverse("reporting:excel", args=[period.program_id, period.month])

    def spoil(sheets: dict[str, list[list[Any]]]) -> None:
        for row in sheets["进展"][1:]:
            if row[1] == project.name:
                row[2] = "长" * 20_000  # one cell holds at most 32,767 characters

    data = _sheet_with(client.get(url + "?download=1").content, spoil)
    before = counts()
    response = client.post(url, {"action": "preview", "file": SimpleUploadedFile("报表.xlsx", data)})
    assert "工作表“进展”第" in _text(response) and "“工作进展”列：不超过10000字" in _text(response)
    assert counts() == before


@pytest.mark.parametrize("raw", ["NaN", "1e5", "1E+30", 1e30, "100000000000", "-5"])
def test_targets_sheet_refuses_hostile_numbers(client_for: Any, month: dict[str, Any], raw: Any) -> None:
    from responsibility import excel as target_excel
    from responsibility.tests.test_excel_roundtrip import as_dicts, find, read_sheets, to_rows, write_xlsx

    program, client = month["program"], client_for("office")
    sheets = read_sheets(client.get(reverse("responsibility:targets_template", args=[program.pk])).content)
    targets, funds = as_dicts(sheets["目标"]), as_dicts(sheets["资金"])
    find(targets, project=month["project"].name, indicator="开工项目数", code="shitai")["单位年度目标"] = raw
    find(funds, project=month["project"].name, code="shitai", source="省")["调整后预算（万元）"] = raw
    content = write_xlsx(
        {
            "目标": to_rows(target_excel.TARGET_COLUMNS, targets),
            "资金": to_rows(target_excel.FUND_COLUMNS, funds),
        }
    )
    file = io.BytesIO(content)
    file.name = "目标.xlsx"
    before = counts()
    response = client.post(reverse("responsibility:targets_import", args=[program.pk]), {"file": file})
    errors = response.context["preview"].errors
    assert any("工作表“目标”第" in e and "“单位年度目标”列：" in e for e in errors), errors
    assert any("工作表“资金”第" in e and "“调整后预算（万元）”列：" in e for e in errors), errors
    assert counts() == before


# --- the import writes in one short transaction ------------------------------------------------------------


def test_import_reads_the_sheet_outside_the_write_transaction(
    month: dict[str, Any], town_shitai: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    period, project = month["periods"][6], month["project"]
    from reporting.tests.test_excel import _rewrite

    template = report_excel.template(period=period, unit=month["shitai"])

    def fill(sheets: dict[str, list[list[Any]]]) -> None:
        for row in sheets["进展"][1:]:
            if row[1] == project.name:
                row[2] = "已开工6户"

    data = _rewrite(template, fill)
    depth: dict[str, int] = {}  # atomic blocks open (the test itself runs in one) while reading and writing
    real_preview, real_import = report_excel.preview, report_excel.services.reports_import

    def recording_preview(**kwargs: Any) -> Any:
        depth["read"] = len(connection.atomic_blocks)
        return real_preview(**kwargs)

    def recording_import(**kwargs: Any) -> Any:
        def progress(done: int, total: int) -> None:
            depth["write"] = len(connection.atomic_blocks)

        return real_import(**{**kwargs, "progress": progress})

    monkeypatch.setattr(report_excel, "preview", recording_preview)
    monkeypatch.setattr(report_excel.services, "reports_import", recording_import)
    outside = len(connection.atomic_blocks)
    count = report_excel.apply(actor=town_shitai, period=period, unit=month["shitai"], data=data)
    assert depth == {"read": outside, "write": outside + 1}
    assert count >= 1
    assert Report.objects.get(project=project, unit=month["shitai"], period=period).progress == "已开工6户"


def test_a_change_between_check_and_write_fails_the_whole_import(
    month: dict[str, Any], town_shitai: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another user saves a report after the sheet was checked and before it is written: nothing is imported."""
    from core.services import ConflictError
    from reporting.tests.helpers import fill as fill_report
    from reporting.tests.test_excel import _rewrite

    period, project = month["periods"][6], month["project"]
    report = Report.objects.create(project=project, unit=month["shitai"], period=period)
    template = report_excel.template(period=period, unit=month["shitai"])

    def fill(sheets: dict[str, list[list[Any]]]) -> None:
        for row in sheets["进展"][1:]:
            if row[1] == project.name:
                row[2] = "表格里的进展"

    data = _rewrite(template, fill)
    real_preview = report_excel.preview

    def preview_then_someone_saves(**kwargs: Any) -> Any:
        result = real_preview(**kwargs)
        fill_report(
            town_shitai, Report.objects.get(pk=report.pk), month, (1, 1, 1), "1", "1", progress="页面上的进展"
        )
        return result

    monkeypatch.setattr(report_excel, "preview", preview_then_someone_saves)
    reports = Report.objects.count()
    with pytest.raises(ConflictError):
        report_excel.apply(actor=town_shitai, period=period, unit=month["shitai"], data=data)
    report.refresh_from_db()
    assert report.progress == "页面上的进展"  # the concurrent save stands …
    assert Report.objects.count() == reports  # … and the import wrote nothing: no new drafts, no audit rows
    assert not AuditEvent.objects.filter(reason="Excel批量填报").exists()


# --- the API -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    ["NaN", "Infinity", "-Infinity", "1e5", "1E+30", "100000000000000000", "9" * 5000, "-5", 1e30, -5, "abc"],
)
def test_api_target_write_refuses_hostile_values(client_for: Any, month: dict[str, Any], raw: Any) -> None:
    started = month["indicators"][0]
    before = counts()
    response = client_for("office").post(
        "/api/targets/",
        {"indicator": started.pk, "unit": month["duanyuan"].pk, "value": raw, "plan": []},
        content_type="application/json",
    )
    assert response.status_code == 400, response.content
    assert "value" in response.json()
    assert counts() == before


@pytest.mark.parametrize(
    "plan",
    [
        ["NaN"] * 12,
        ["abc"] * 4,
        [{"a": 1}] * 4,
        [None] * 4,
        ["1e30"] * 12,
        123,
        "abcd",
        {"a": 1, "b": 2, "c": 3, "d": 4},
    ],
)
def test_api_target_write_refuses_a_hostile_plan(client_for: Any, month: dict[str, Any], plan: Any) -> None:
    started = month["indicators"][0]
    before = counts()
    response = client_for("office").post(
        "/api/targets/",
        {"indicator": started.pk, "unit": month["duanyuan"].pk, "value": "20", "plan": plan},
        content_type="application/json",
    )
    assert response.status_code == 400 and "plan" in response.json()
    assert counts() == before


def test_api_refuses_nan_in_json(client_for: Any, month: dict[str, Any]) -> None:
    started = month["indicators"][0]
    body = f'{{"indicator": {started.pk}, "unit": {month["duanyuan"].pk}, "value": NaN, "plan": []}}'
    before = counts()
    response = client_for("office").post("/api/targets/", body, content_type="application/json")
    assert response.status_code == 400 and counts() == before


def test_api_transition_refuses_100000_characters(client_for: Any, month: dict[str, Any]) -> None:
    period = month["periods"][6]
    report = Report.objects.create(project=month["project"], unit=month["shitai"], period=period)
    before = counts()
    response = client_for("town_shitai").post(
        f"/api/reports/{report.pk}/transition/",
        {"action": "submit", "opinion": LONG_TEXT},
        content_type="application/json",
    )
    assert response.status_code == 400 and counts() == before


LISTS = [
    "organisations",
    "memberships",
    "programs",
    "projects",
    "changes",
    "indicators",
    "targets",
    "funding-lines",
    "letters",
    "reports",
    "inspections",
    "findings",
    "assets",
    "publicity",
    "disclosures",
]


@pytest.mark.parametrize("endpoint", LISTS)
def test_api_lists_answer_400_on_bad_limit_and_offset(client_for: Any, endpoint: str) -> None:
    client = client_for("office")
    for query in (
        f"limit={2**63}",
        f"offset={2**63}",
        "offset=99999999999999999999999",
        "limit=-1",
        "offset=-1",
        "limit=abc",
        "offset=1e3",
        "limit=0",
        "limit=",
    ):
        response = client.get(f"/api/{endpoint}/?{query}")
        assert response.status_code == 400, (query, response.status_code)
        assert "须为" in response.content.decode("utf-8")
    assert client.get(f"/api/{endpoint}/?limit=5&offset=999999999").status_code == 200


@pytest.mark.parametrize(
    "query",
    [
        "reports/?project=99999999999999999999999",
        "reports/?unit=-1",
        "reports/?period=abc",
        "reports/?project=²",
        "reports/?status=nosuch",
        "projects/?program=99999999999999999999999",
        "projects/?year=99999999999999999999999",
        "projects/?year=abc",
        "indicators/?project=99999999999999999999999",
        "indicators/?project=0",
    ],
)
def test_api_filters_answer_400_on_bad_ids(client_for: Any, query: str) -> None:
    response = client_for("town_shitai").get(f"/api/{query}")
    assert response.status_code == 400
    assert "编号" in response.content.decode() or "须为" in response.content.decode()


BIG = "99999999999999999999"


@pytest.mark.parametrize(
    "url",
    [
        f"/reports/{BIG}/",
        f"/reports/{2**63}/attachments/1/",
        f"/projects/{BIG}/",
        f"/programs/{BIG}/",
        f"/projects/{BIG}/targets/",
        f"/letters/{BIG}/",
        f"/upkeep/assets/{BIG}/",
        f"/supervision/findings/{BIG}/",
        f"/supervision/inspections/{BIG}/",
        f"/reporting/{BIG}/6/fill/",
        f"/reporting/2/{BIG}/progress/",
        f"/jobs/{BIG}/",
        f"/public/programs/{BIG}/",
        f"/api/reports/{BIG}/",
        f"/api/projects/{2**63}/",
        f"/api/public/programs/{BIG}/",
        "/supervision/inspections/new/?supervisor=abc",
    ],
)
def test_huge_ids_in_urls_are_404(client_for: Any, url: str) -> None:
    assert client_for("office").get(url).status_code == 404


# --- text: length caps and escaping ------------------------------------------------------------------------


def test_text_fields_without_a_model_limit_are_capped(client_for: Any, month: dict[str, Any]) -> None:
    before = counts()
    response = client_for("office").post(
        reverse("upkeep:index"),
        {
            "project": month["project"].pk,
            "name": "示例资产",
            "location": "石台镇",
            "owner": "石台镇",
            "check_interval_days": "90",
        },
    )
    assert response.status_code == 302  # a good asset is registered …
    asset_count = counts()
    from upkeep.models import Asset

    check = client_for("office").post(
        reverse("upkeep:asset_detail", args=[Asset.objects.get(name="示例资产").pk]),
        {"date": "2021-05-01", "condition": "good", "note": LONG_TEXT},
    )
    assert check.status_code in (200, 302)
    assert counts() == asset_count  # … but a check with 100,000 characters is not
    assert asset_count != before


@pytest.mark.parametrize("payload", XSS)
def test_html_typed_by_a_town_is_escaped_for_the_office(
    client_for: Any, month: dict[str, Any], payload: str
) -> None:
    period = month["periods"][6]
    client_for("town_shitai").post(
        reverse("reporting:fill", args=[period.program_id, period.month]),
        _fill_data(month, **{"r{p}-progress": payload, "r{p}-v{v}": payload}),
    )
    client_for("town_shitai").post(
        reverse("reporting:fill", args=[period.program_id, period.month]),
        _fill_data(month, **{"r{p}-progress": payload}),
    )
    report = Report.objects.get(project=month["project"], unit=month["shitai"], period=period)
    assert report.progress == payload
    for url in (
        reverse("reporting:report_detail", args=[report.pk]),
        reverse("reporting:fill", args=[period.program_id, period.month]) + "?unit=shitai",
        reverse("reporting:review", args=[period.program_id, period.month]),
    ):
        page = _text(client_for("office").get(url))
        assert payload not in page
    assert "&lt;" in _text(client_for("office").get(reverse("reporting:report_detail", args=[report.pk])))


@pytest.mark.parametrize("payload", XSS)
def test_html_in_a_contact_and_an_indicator_name_is_escaped_everywhere(
    client_for: Any, month: dict[str, Any], payload: str
) -> None:
    shitai = month["shitai"]
    Organisation.objects.filter(pk=shitai.pk).update(contact_person=payload)
    Indicator.objects.filter(pk=month["indicators"][0].pk).update(name=payload)
    period = month["periods"][6]
    for persona, url in (
        ("office", reverse("responsibility:project_targets", args=[month["project"].pk])),
        ("office", reverse("reporting:progress", args=[period.program_id, period.month])),
        ("office", reverse("reporting:progress", args=[period.program_id, period.month]) + "?format=pdf"),
        ("town_shitai", reverse("reporting:fill", args=[period.program_id, period.month])),
        ("leader", reverse("catalogue:project_detail", args=[month["project"].pk])),
    ):
        response = client_for(persona).get(url)
        assert response.status_code == 200, url
        if response["Content-Type"].startswith("text/html"):
            assert payload not in _text(response), url


def test_no_template_marks_user_text_safe() -> None:
    from pathlib import Path

    from django.conf import settings

    root = Path(settings.BASE_DIR)
    offenders = [
        str(path.relative_to(root))
        for pattern in ("*/templates/**/*.html", "templates/**/*.html", "*/*.py", "*/templatetags/*.py")
        for path in root.glob(pattern)
        if ".venv" not in path.parts
        and "tests" not in path.parts
        and any(s in path.read_text(errors="ignore") for s in ("|safe", "mark_safe(", "autoescape off"))
    ]
    assert offenders == []


def test_stored_rows_untouched_by_every_refusal(month: dict[str, Any]) -> None:
    """The counts helper sees the tables bad input could reach (a guard against an empty comparison)."""
    seen = counts()
    for model in (Report, ReportValue, ReportFunds, Target, FundingLine, AuditEvent):
        assert model._meta.label in seen
    assert seen["funding.FundingLine"] > 0 and dt.date.today()


@pytest.fixture
def registered_supervisor(office: Any, supervisor: Any) -> Any:
    from supervision import services as supervision_services

    return supervision_services.supervisor_register(
        actor=office,
        data={
            "name": "示例监督员",
            "category": "deputy",
            "certificate_no": "示例-2021-009",
            "user": supervisor,
            "term_start": dt.date(2021, 1, 1),
            "term_end": dt.date(2030, 12, 31),
        },
    )


def _inspection(client: Any, month: dict[str, Any], **override: str) -> Any:
    data = {
        "date": "2021-09-02",
        "unit": month["shitai"].pk,
        "projects": [month["project"].pk],
        "place": "示例村",
        "methods": ["site"],
        "summary": "道路已硬化",
        "finding": "",
        "deadline": "2021-10-15",
        **override,
    }
    return client.post(reverse("supervision:inspection_new"), data)


@pytest.mark.parametrize("payload", XSS)
def test_html_from_a_supervisor_is_escaped_for_the_town(
    registered_supervisor: Any, client_for: Any, month: dict[str, Any], payload: str
) -> None:
    from supervision.models import Finding

    response = _inspection(
        client_for("supervisor"), month, summary=payload, finding=payload, place=payload[:100]
    )
    assert response.status_code == 302
    finding = Finding.objects.get(description=payload)
    for url in (
        reverse("supervision:finding_detail", args=[finding.pk]),
        reverse("supervision:inspection_detail", args=[finding.inspection_id]),
        reverse("supervision:index"),
    ):
        page = client_for("town_shitai").get(url)
        assert page.status_code == 200 and payload not in _text(page), url


def test_a_supervisor_cannot_file_100000_characters(
    registered_supervisor: Any, client_for: Any, month: dict[str, Any]
) -> None:
    before = counts()
    response = _inspection(client_for("supervisor"), month, summary=LONG_TEXT)
    assert response.status_code == 200 and "10000" in _text(response)
    assert counts() == before
