"""Excel round trip of targets and budgets: template → edited elsewhere → upload → preview → confirm.

An "edited elsewhere" file is rebuilt from the rows calamine reads, written again by a plain xlsxwriter
workbook (no styles, no validation), which is what a file saved by WPS or another program looks like.
"""

from __future__ import annotations

import io
import zipfile
from decimal import Decimal
from typing import Any
from xml.sax.saxutils import escape

import pytest
import xlsxwriter
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.urls import reverse
from python_calamine import CalamineWorkbook

from catalogue.models import Program, Project
from core.models import AuditEvent
from funding.models import FundingAdjustment, FundingLine
from funding.services import funding_adjust, funding_line_create
from orgs.models import Organisation
from responsibility import excel
from responsibility.models import Indicator, Target
from responsibility.services import indicators_apply_defaults

pytestmark = pytest.mark.django_db

HOUSING = "农村危房改造"  # led by 住建局 (zjj), implemented by the five towns and streets
SCREENING = "城乡适龄妇女“两癌”免费筛查"  # led by 卫健委 (wjw)


# --- workbook helpers -------------------------------------------------------------------------------------


def read_sheets(content: bytes) -> dict[str, list[list[Any]]]:
    book = CalamineWorkbook.from_filelike(io.BytesIO(content))
    return {n: book.get_sheet_by_name(n).to_python(skip_empty_area=False) for n in book.sheet_names}


def as_dicts(rows: list[list[Any]]) -> list[dict[str, Any]]:
    header = rows[0]
    return [dict(zip(header, row, strict=False)) for row in rows[1:]]


def to_rows(header: list[str], dicts: list[dict[str, Any]]) -> list[list[Any]]:
    return [header, *[[d.get(h, "") for h in header] for d in dicts]]


def write_xlsx(sheets: dict[str, list[list[Any]]]) -> bytes:
    """A plain workbook: the values only, as another program would save them."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_numbers": False})
    for name, rows in sheets.items():
        ws = book.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if value is None or value == "":
                    continue
                if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
                    ws.write_number(r, c, float(value))
                else:
                    ws.write_string(r, c, str(value))
    book.close()
    return buffer.getvalue()


def write_ods(sheets: dict[str, list[list[Any]]]) -> bytes:
    """A minimal OpenDocument spreadsheet, as LibreOffice saves one (only what a reader needs)."""

    def cell(value: Any) -> str:
        if value is None or value == "":
            return "<table:table-cell/>"
        if isinstance(value, int | float):
            return f'<table:table-cell office:value-type="float" office:value="{value}"><text:p>{value}</text:p></table:table-cell>'
        return f'<table:table-cell office:value-type="string"><text:p>{escape(str(value))}</text:p></table:table-cell>'

    tables = "".join(
        f'<table:table table:name="{escape(name)}">'
        + "".join(f"<table:table-row>{''.join(cell(v) for v in row)}</table:table-row>" for row in rows)
        + "</table:table>"
        for name, rows in sheets.items()
    )
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        f"<office:body><office:spreadsheet>{tables}</office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
        'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>'
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("content.xml", content)
        z.writestr("META-INF/manifest.xml", manifest)
    return buffer.getvalue()


def find(dicts: list[dict[str, Any]], **where: Any) -> dict[str, Any]:
    keys = {"project": "项目名称", "indicator": "指标名称", "code": "单位代码", "source": "资金来源"}
    found = [d for d in dicts if all(d.get(keys[k]) == v for k, v in where.items())]
    assert len(found) == 1, (where, found)
    return found[0]


def counts() -> dict[str, int]:
    return {
        "targets": Target.objects.count(),
        "indicators": Indicator.objects.count(),
        "indicator_targets": Indicator.objects.filter(target__isnull=False).count(),
        "lines": FundingLine.objects.count(),
        "adjustments": FundingAdjustment.objects.count(),
        "audit": AuditEvent.objects.count(),
    }


# --- the scene ---------------------------------------------------------------------------------------------


@pytest.fixture
def scene(office: Any) -> dict[str, Any]:
    """2021: default indicators for 农村危房改造 and the 两癌 screening, and two funding lines of the former."""
    program = Program.objects.get(year=2021)
    housing = Project.objects.get(program=program, name=HOUSING)
    screening = Project.objects.get(program=program, name=SCREENING)
    indicators_apply_defaults(actor=office, project=housing)
    indicators_apply_defaults(actor=office, project=screening)
    shitai = Organisation.objects.get(code="shitai")
    funding_line_create(actor=office, project=housing, unit=shitai, source="province", original="600000")
    funding_line_create(actor=office, project=housing, unit=None, source="district", original="250000")
    return {"program": program, "housing": housing, "screening": screening, "shitai": shitai}


def template_for(client: Any, program: Program) -> dict[str, list[list[Any]]]:
    response = client.get(reverse("responsibility:targets_template", args=[program.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return read_sheets(response.content)


def upload(client: Any, program: Program, content: bytes, name: str = "目标.xlsx") -> Any:
    file = io.BytesIO(content)
    file.name = name
    return client.post(reverse("responsibility:targets_import", args=[program.pk]), {"file": file})


# --- tests -------------------------------------------------------------------------------------------------


def test_office_round_trip_applies_targets_and_budgets_with_audit(
    client_for: Any, scene: dict[str, Any]
) -> None:
    client, program = client_for("office"), scene["program"]
    sheets = template_for(client, program)
    assert sheets["目标"][0] == excel.TARGET_COLUMNS
    assert sheets["资金"][0] == excel.FUND_COLUMNS
    assert "说明" in sheets
    targets, funds = as_dicts(sheets["目标"]), as_dicts(sheets["资金"])
    assert len([t for t in targets if t["项目名称"] == HOUSING]) == 3 * 5  # 3 indicators × 5 towns/streets
    housing_line = find(funds, project=HOUSING, code="shitai", source="省")
    assert (housing_line["年初预算（万元）"], housing_line["当前预算（万元）"]) == (60, 60)
    assert housing_line["调整后预算（万元）"] == 60  # pre-filled equal to current
    assert find(funds, project=HOUSING, code="", source="区")["单位名称"] == "项目整体"

    # fill in, as a user would
    find(targets, project=HOUSING, indicator="开工项目数", code="shitai")["单位年度目标"] = 12
    row = find(targets, project=HOUSING, indicator="开工项目数", code="duanyuan")
    row["单位年度目标"], row["项目年度目标"] = 8.0, 20
    find(targets, project=SCREENING, indicator="服务人数", code="shitai")["单位年度目标"] = "1,200"
    housing_line["调整后预算（万元）"], housing_line["调整原因"] = 70, "省级追加"
    funds.append({"项目名称": HOUSING, "单位代码": "duanyuan", "资金来源": "省", "年初预算（万元）": 120})
    funds.append(
        {
            "项目序号": scene["screening"].order,
            "资金来源": "区",
            "年初预算（万元）": 50,
            "调整后预算（万元）": 55.5,
            "调整原因": "区级配套增加",
        }
    )
    targets.reverse()  # users sort rows: the position does not matter
    content = write_xlsx(
        {"目标": to_rows(excel.TARGET_COLUMNS, targets), "资金": to_rows(excel.FUND_COLUMNS, funds)}
    )

    response = upload(client, program, content)
    assert response.status_code == 200
    preview = response.context["preview"]
    assert preview.errors == []
    assert preview.counts == {
        "target_create": 3,
        "indicator_target": 1,
        "target_update": 0,
        "line_create": 2,
        "line_adjust": 2,
    }
    assert "农村危房改造·石台镇·省：预算 60.00 → 70.00 万元（+10.00 万元），原因：省级追加" in [
        c.text for c in preview.changes
    ]
    token = response.context["token"]
    assert token and Target.objects.filter(indicator__project=scene["housing"]).count() == 0  # no writes yet

    before_audit = AuditEvent.objects.count()
    response = client.post(
        reverse("responsibility:targets_import_confirm", args=[program.pk]), {"token": token}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("responsibility:program_matrix", args=[program.pk])
    [message] = [str(m) for m in get_messages(response.wsgi_request)]
    assert "新增单位目标3条" in message and "预算调整2笔" in message

    started = Indicator.objects.get(project=scene["housing"], name="开工项目数")
    assert started.target == 20
    assert {t.unit.code: t.value for t in started.targets.all()} == {"shitai": 12, "duanyuan": 8}
    assert Target.objects.get(indicator__project=scene["screening"], unit__code="shitai").value == 1200
    line = FundingLine.objects.get(project=scene["housing"], unit__code="shitai", source="province")
    assert line.original == Decimal("600000.00")  # never overwritten ...
    assert [(a.delta, a.reason) for a in line.adjustments.all()] == [(Decimal("100000.00"), "省级追加")]
    assert FundingLine.objects.get(project=scene["housing"], unit__code="duanyuan").original == Decimal(
        "1200000.00"
    )
    whole = FundingLine.objects.get(project=scene["screening"], unit=None, source="district")
    assert whole.original == Decimal("500000.00")
    assert [a.delta for a in whole.adjustments.all()] == [Decimal("55000.00")]
    # one audit row per write: 3 targets, 1 indicator, 2 lines, 2 adjustments
    assert AuditEvent.objects.count() - before_audit == 8
    assert AuditEvent.objects.filter(content_type__model="target", reason="Excel导入").count() == 3
    assert AuditEvent.objects.filter(content_type__model="fundingline", reason="省级追加").exists()

    # the session no longer holds the file: confirming twice does nothing
    again = client.post(reverse("responsibility:targets_import_confirm", args=[program.pk]), {"token": token})
    assert again.status_code == 302 and FundingAdjustment.objects.count() == 2
    # uploading the same file again is refused: its 当前预算 is stale now, nothing is applied twice
    response = upload(client, program, content)
    errors = response.context["preview"].errors
    assert any("当前预算已变为70.00万元（表中为60.00万元）" in e for e in errors), errors


def test_bad_sheet_is_refused_with_precise_messages_and_changes_nothing(
    client_for: Any, scene: dict[str, Any], office: Any
) -> None:
    client, program = client_for("office"), scene["program"]
    sheets = template_for(client, program)
    targets, funds = as_dicts(sheets["目标"]), as_dicts(sheets["资金"])
    find(targets, project=HOUSING, indicator="开工项目数", code="shitai")["单位年度目标"] = 5  # a good row
    find(targets, project=HOUSING, indicator="完工项目数", code="shitai")["单位年度目标"] = "abc"
    find(targets, project=HOUSING, indicator="完成投资", code="shitai")["单位年度目标"] = -5
    find(targets, project=HOUSING, indicator="开工项目数", code="duanyuan")["单位代码"] = "nosuch"
    find(targets, project=HOUSING, indicator="开工项目数", code="gaoyue")["指标名称"] = "不存在的指标"
    find(funds, project=HOUSING, code="shitai", source="省")["调整后预算（万元）"] = 80
    r_line = funds.index(find(funds, project=HOUSING, code="shitai", source="省")) + 2  # header is row 1
    funds.append({"项目名称": HOUSING, "资金来源": "外星", "年初预算（万元）": 1})
    funds.append({"项目名称": HOUSING, "单位代码": "shitai", "资金来源": "省"})  # a duplicate
    content = write_xlsx(
        {"目标": to_rows(excel.TARGET_COLUMNS, targets), "资金": to_rows(excel.FUND_COLUMNS, funds)}
    )

    def row_of(dicts: list[dict[str, Any]], **where: Any) -> int:
        return dicts.index(find(dicts, **where)) + 2  # header is row 1

    before = counts()
    response = upload(client, program, content)
    preview = response.context["preview"]
    assert preview.changes == [] and response.context["token"] == ""
    r_done = row_of(targets, project=HOUSING, indicator="完工项目数", code="shitai")
    r_invest = row_of(targets, project=HOUSING, indicator="完成投资", code="shitai")
    r_unit = row_of(targets, project=HOUSING, indicator="开工项目数", code="nosuch")
    r_ind = row_of(targets, project=HOUSING, indicator="不存在的指标", code="gaoyue")
    n = len(funds)
    assert sorted(preview.errors) == sorted(
        [
            f"工作表“目标”第{r_done}行“单位年度目标”列：“abc”不是数字",
            f"工作表“目标”第{r_invest}行“单位年度目标”列：“-5”不能为负数",
            f"工作表“目标”第{r_unit}行“单位代码”列：“nosuch”不是已知的单位代码",
            f"工作表“目标”第{r_ind}行“指标名称”列：项目“农村危房改造”没有指标“不存在的指标”（不能从Excel新增指标，请先在系统中设置）",
            f"工作表“资金”第{r_line}行“调整原因”列：预算由60.00万元调整为80.00万元，须填写调整原因",
            f"工作表“资金”第{n}行“资金来源”列：“外星”不是有效的资金来源（可选：中央、省、市、区、镇街、社会资本/其他）",
            f"工作表“资金”第{n + 1}行：与第{r_line}行重复（同一项目、单位和资金来源只能有一行）",
        ]
    )
    assert b"import-errors" in response.content and "不是已知的单位代码" in response.content.decode()
    # nothing written, and the apply step refuses the same bytes too
    with pytest.raises(excel.ExcelImportError) as raised:
        excel.targets_import_apply(user=office, program=program, preview=preview)
    assert raised.value.messages == preview.errors
    response = client.post(
        reverse("responsibility:targets_import_confirm", args=[program.pk]), {"token": "x"}
    )
    assert response.status_code == 302
    assert counts() == before


def test_department_sees_only_its_projects_and_cannot_import_others(
    client_for: Any, scene: dict[str, Any], dept_health: Any
) -> None:
    client, program = client_for("dept_health"), scene["program"]
    sheets = template_for(client, program)
    led = set(
        Project.objects.filter(program=program, lead_department__code="wjw").values_list("name", flat=True)
    )
    assert {r["项目名称"] for r in as_dicts(sheets["目标"])} == {
        SCREENING
    }  # the only wjw project with indicators
    assert as_dicts(sheets["资金"]) == []  # 危房's lines belong to 住建局
    assert SCREENING in led and HOUSING not in led
    matrix = client.get(reverse("responsibility:program_matrix", args=[program.pk]))
    assert b'data-testid="excel-roundtrip"' in matrix.content
    assert matrix.content.count(b'data-testid="excel-roundtrip"') == 1

    targets = as_dicts(sheets["目标"])
    find(targets, project=SCREENING, code="shitai")["单位年度目标"] = 300  # its own: fine
    targets.append({"项目名称": HOUSING, "指标名称": "开工项目数", "单位代码": "shitai", "单位年度目标": 3})
    funds = [
        {
            "项目名称": HOUSING,
            "单位代码": "shitai",
            "资金来源": "省",
            "调整后预算（万元）": 1,
            "调整原因": "x",
        }
    ]
    content = write_xlsx(
        {"目标": to_rows(excel.TARGET_COLUMNS, targets), "资金": to_rows(excel.FUND_COLUMNS, funds)}
    )
    before = counts()
    preview = upload(client, program, content).context["preview"]
    assert preview.errors == [
        f"工作表“目标”第{len(targets) + 1}行“项目名称”列：无权设置该项目（“农村危房改造”）",
        "工作表“资金”第2行“项目名称”列：无权设置该项目（“农村危房改造”）",
    ]
    with pytest.raises(excel.ExcelImportError):
        excel.targets_import_apply(user=dept_health, program=program, preview=preview)
    assert counts() == before


def test_town_cannot_use_the_round_trip(client_for: Any, scene: dict[str, Any]) -> None:
    client, program = client_for("town_shitai"), scene["program"]
    assert client.get(reverse("responsibility:targets_template", args=[program.pk])).status_code == 403
    assert client.get(reverse("responsibility:targets_import", args=[program.pk])).status_code == 403
    matrix = client.get(reverse("responsibility:program_matrix", args=[program.pk]))
    assert b"excel-roundtrip" not in matrix.content
    office_matrix = client_for("office").get(reverse("responsibility:program_matrix", args=[program.pk]))
    assert b'data-testid="excel-roundtrip"' in office_matrix.content


def test_wps_like_workbook_with_floats_strings_and_spaced_headers(office: Any, scene: dict[str, Any]) -> None:
    """Columns reordered, headers with spaces and half-width brackets, numbers as floats or text with
    thousands separators and spaces, blank rows in between and whitespace-only trailing rows."""
    program = scene["program"]
    header = [" 单位代码 ", "项目名称", " 指标名称", "单位年度目标 ", "项目序号"]
    rows = [
        header,
        ["shitai", HOUSING, "完成投资", " 1,234.5 ", float(scene["housing"].order)],
        [],
        ["DUANYUAN", HOUSING, "完成投资", 12.0, ""],
        [" ", " ", "", " ", " "],
        ["", "", "", "", ""],
    ]
    fund_header = [
        "项目名称",
        "单位代码",
        "资金来源",
        "年初预算(万元)",
        "当前预算 (万元)",
        "调整后预算(万元)",
        "调整原因",
    ]
    funds = [fund_header, [HOUSING, "shitai", "省", "60", "60.00", "60.5", "  追加  "]]
    content = write_xlsx({" 目标 ": rows, "资金": funds})
    preview = excel.targets_import_preview(user=office, program=program, file=content)
    assert preview.errors == []
    assert sorted((c.kind, c.new) for c in preview.changes) == [
        ("line_adjust", Decimal("605000.00")),
        ("target_create", Decimal("12.0000")),
        ("target_create", Decimal("1234.5000")),
    ]
    result = excel.targets_import_apply(user=office, program=program, preview=preview)
    assert result["target_create"] == 2 and result["line_adjust"] == 1
    invest = Indicator.objects.get(project=scene["housing"], name="完成投资")
    assert {t.unit.code: t.value for t in invest.targets.all()} == {
        "shitai": Decimal("1234.5"),
        "duanyuan": Decimal("12"),
    }
    adjustment = FundingAdjustment.objects.get(line__project=scene["housing"], line__unit__code="shitai")
    assert (adjustment.delta, adjustment.reason) == (Decimal("5000.00"), "追加")


def test_ods_file_is_accepted(office: Any, scene: dict[str, Any]) -> None:
    program = scene["program"]
    content = write_ods(
        {
            "目标": [
                ["项目名称", "指标名称", "单位代码", "单位年度目标", "项目年度目标"],
                [SCREENING, "服务人数", "gaoyue", 250, 1000],
            ]
        }
    )
    preview = excel.targets_import_preview(user=office, program=program, file=content, filename="x.ods")
    assert preview.errors == [] and preview.counts["target_create"] == 1
    assert preview.counts["indicator_target"] == 1
    excel.targets_import_apply(user=office, program=program, preview=preview)
    served = Indicator.objects.get(project=scene["screening"], name="服务人数")
    assert served.target == 1000 and served.targets.get().value == 250


def test_unreadable_or_foreign_files_are_refused(office: Any, scene: dict[str, Any]) -> None:
    program = scene["program"]
    garbage = excel.targets_import_preview(user=office, program=program, file=b"not a workbook")
    assert garbage.errors == [
        "无法读取该文件：请上传 Excel（.xlsx、.xls）或 WPS/LibreOffice 表格（.ods）文件"
    ]
    other = excel.targets_import_preview(user=office, program=program, file=write_xlsx({"Sheet1": [["a"]]}))
    assert other.errors == ["文件中没有“目标”或“资金”工作表，请使用下载的模板"]
    no_header = excel.targets_import_preview(user=office, program=program, file=write_xlsx({"目标": [["a"]]}))
    assert no_header.errors[0].startswith("工作表“目标”：找不到表头行")


def test_stale_preview_and_failing_service_roll_everything_back(
    office: Any, scene: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    program, housing = scene["program"], scene["housing"]
    targets = [
        excel.TARGET_COLUMNS,
        [housing.order, HOUSING, "开工项目数", "个", 10, "石台镇", "shitai", 10],
    ]
    funds = [
        excel.FUND_COLUMNS,
        [housing.order, HOUSING, "shitai", "石台镇", "省", 60, 60, 65, "追加"],
    ]
    preview = excel.targets_import_preview(
        user=office, program=program, file=write_xlsx({"目标": targets, "资金": funds})
    )
    assert preview.errors == [] and len(preview.changes) == 3

    # a service failing half-way: the target and indicator already set are rolled back too
    def refuse(**kwargs: Any) -> None:
        raise ValidationError({"delta": "调整额超过限额"})

    monkeypatch.setattr(excel.funding_services, "funding_adjust", refuse)
    before = counts()
    with pytest.raises(excel.ExcelImportError) as raised:
        excel.targets_import_apply(user=office, program=program, preview=preview)
    assert raised.value.messages == [
        "工作表“资金”第2行（农村危房改造·石台镇·省：预算 60.00 → 65.00 万元（+5.00 万元），原因：追加）：调整额超过限额"
    ]
    assert counts() == before
    monkeypatch.undo()

    # somebody adjusts the line between preview and confirm: the stored bytes are checked again
    line = FundingLine.objects.get(project=housing, unit=scene["shitai"], source="province")
    funding_adjust(actor=office, line=line, delta="20000", reason="他人调整")
    before = counts()
    with pytest.raises(excel.ExcelImportError) as raised:
        excel.targets_import_apply(user=office, program=program, preview=preview)
    assert raised.value.messages == [
        "工作表“资金”第2行“当前预算（万元）”列：当前预算已变为62.00万元（表中为60.00万元），请重新下载模板后再填写"
    ]
    assert counts() == before
