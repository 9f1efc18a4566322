"""Hostile and careless files on every upload endpoint: refused with a Chinese message, never a 500, nothing
stored; what is stored is served back with the type of its checked content (never the name's), nosniff, inline
only for images and PDFs under a restrictive CSP."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from catalogue.models import Program, Project
from core.tests import files
from core.uploads import UNKNOWN_CONTENT_TYPE, checked_upload, stored_content_type
from orgs.models import Organisation
from reporting import services as reporting
from reporting.models import Attachment
from supervision import services as supervision
from supervision.models import Photo

pytestmark = pytest.mark.django_db

BOMB = ("炸弹.png", files.png_header_only(20_000, 20_000))
HOSTILE = {
    "evil_html_with_pdf_header": ("evil.html", files.evil_html(), "无法解析"),
    "pdf_open_action_js": ("a.pdf", files.pdf_with_open_action_js(), "含有脚本"),
    "pdf_document_js": ("b.pdf", files.pdf_with_document_js(), "含有脚本"),
    "pdf_js_in_object_stream": ("c.pdf", files.pdf_with_js_in_object_stream(), "含有脚本"),
    "decompression_bomb": (*BOMB, "像素过多"),
    "huge_valid_image": ("大图.png", files.huge_png(8000, 6000), "8000×6000像素"),
    "truncated_png": ("半张.png", files.truncated_png(), "已损坏"),
    "zero_bytes": ("空.jpg", b"", "空文件"),
    "zip_named_jpg": ("照片.jpg", files.plain_zip(), "不是允许的类型"),
    "macro_docx": ("宏.docx", files.docm(), "含有宏"),
}


@pytest.fixture
def media(settings: Any, tmp_path: Any) -> Any:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def report(month: dict[str, Any], town_shitai: Any, media: Any) -> Any:
    return reporting.report_open(
        actor=town_shitai, project=month["project"], unit=month["shitai"], period=month["periods"][6]
    )


@pytest.fixture
def finding(office: Any, media: Any) -> Any:
    project = Project.objects.get(program__year=2021, name="农村危房改造")
    return supervision.finding_create(
        actor=office,
        description="示例问题",
        responsible=Organisation.objects.get(code="shitai"),
        deadline=dt.date(2030, 1, 1),
        project=project,
    )


def _messages(response: Any) -> str:
    return " ".join(str(m) for m in response.context["messages"]) if response.context else ""


def _attach(client: Any, report: Any, name: str, data: bytes) -> Any:
    url = reverse("reporting:report_detail", args=[report.pk])
    return client.post(url, {"action": "attach", "files": [SimpleUploadedFile(name, data)]}, follow=True)


def _answer(client: Any, finding: Any, name: str, data: bytes) -> Any:
    url = reverse("supervision:finding_detail", args=[finding.pk])
    return client.post(
        url, {"action": "answer", "text": "已整改", "evidence": [SimpleUploadedFile(name, data)]}, follow=True
    )


# --- refused everywhere, with a clear message -------------------------------------------------------------


@pytest.mark.parametrize("case", list(HOSTILE))
def test_hostile_file_refused_by_the_check(case: str) -> None:
    name, data, message = HOSTILE[case]
    with pytest.raises(ValidationError, match=message):
        checked_upload(SimpleUploadedFile(name, data), allowed=("pdf", "png", "jpg", "docx", "xlsx"))


@pytest.mark.parametrize("case", list(HOSTILE))
def test_hostile_report_attachment_refused_on_the_page(
    case: str, client_for: Any, report: Any, media: Any
) -> None:
    name, data, message = HOSTILE[case]
    response = _attach(client_for("town_shitai"), report, name, data)
    assert response.status_code == 200
    assert message in _messages(response)
    assert not report.attachments.exists()
    assert not any(p.is_file() for p in media.rglob("*"))


@pytest.mark.parametrize("case", ["evil_html_with_pdf_header", "pdf_open_action_js", "decompression_bomb"])
def test_hostile_rectification_evidence_refused_on_the_page(case: str, client_for: Any, finding: Any) -> None:
    name, data, message = HOSTILE[case]
    response = _answer(client_for("town_shitai"), finding, name, data)
    assert response.status_code == 200 and message in _messages(response)
    finding.refresh_from_db()
    assert finding.status == "open" and not Photo.objects.filter(step__finding=finding).exists()


def test_bomb_as_inspection_photo_refused(office: Any, supervisor: Any, media: Any) -> None:
    registered = supervision.supervisor_register(
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
    program = Program.objects.get(year=2021)
    with pytest.raises(ValidationError, match="像素过多"):
        supervision.inspection_file(
            actor=supervisor,
            supervisor=registered,
            program=program,
            date=dt.date(2021, 9, 1),
            projects=[program.projects.get(name="农村危房改造")],
            unit=Organisation.objects.get(code="shitai"),
            place="示例村",
            methods=["site"],
            summary="示例",
            photos=[SimpleUploadedFile(*BOMB)],
        )
    assert not Photo.objects.exists()


def test_bomb_as_letter_scan_is_a_form_error(client_for: Any, office: Any, media: Any) -> None:
    from responsibility import services as rs
    from responsibility.models import Letter

    program = Program.objects.get(year=2021)
    project = Project.objects.get(program=program, name="农村危房改造")
    shitai = Organisation.objects.get(code="shitai")
    indicator = rs.indicators_apply_defaults(actor=office, project=project)[0]
    rs.target_set(actor=office, indicator=indicator, unit=shitai, value=Decimal(3))
    letter = rs.letter_issue(
        actor=office,
        letter=rs.letter_draft(actor=office, program=program, organisation=shitai),
        confirm_missing_targets=True,
    )
    response = client_for("town_shitai").post(
        reverse("responsibility:letter_detail", args=[letter.pk]),
        {"signed_date": "2021-06-20", "signer": "镇长", "scan": SimpleUploadedFile(*BOMB)},
        follow=True,
    )
    assert response.status_code == 200 and "像素过多" in _messages(response)
    letter.refresh_from_db()
    assert letter.status == Letter.Status.ISSUED and not letter.scan


def test_bomb_as_upkeep_check_photo_is_a_message(client_for: Any, office: Any, media: Any) -> None:
    from upkeep import services as us
    from upkeep.models import Check

    asset = us.asset_save(
        actor=office,
        data={
            "project": Project.objects.get(program__year=2021, name="小型病险水库除险加固"),
            "name": "示例水库丙",
            "location": "石台镇",
            "owner": "区水利局",
            "check_interval_days": 90,
            "custodian": Organisation.objects.get(code="shitai"),
        },
    )
    response = client_for("office").post(
        reverse("upkeep:asset_detail", args=[asset.pk]),
        {"date": "2021-09-01", "condition": "good", "photo": SimpleUploadedFile(*BOMB)},
    )
    assert response.status_code == 200 and "像素过多" in _messages(response)
    assert not Check.objects.filter(asset=asset).exists()


def test_bomb_as_excel_batch_sheet_is_a_message(client_for: Any, month: dict[str, Any]) -> None:
    url = reverse("reporting:excel", args=[month["program"].pk, 6])
    response = client_for("town_shitai").post(url, {"file": SimpleUploadedFile("报表.xlsx", BOMB[1])})
    assert response.status_code == 200 and "无法读取该文件" in response.content.decode()


def test_a_phone_sized_photo_is_accepted() -> None:
    clean, kind = checked_upload(SimpleUploadedFile("手机.jpg", files.jpeg(4000, 3000)))
    assert kind.code == "jpg" and clean.name == "手机.jpg" and clean.size > 0


# --- what is stored is served by its checked type -----------------------------------------------------------


def test_real_png_served_inline_as_png_in_a_sandbox(client_for: Any, report: Any) -> None:
    client = client_for("town_shitai")
    _attach(client, report, "现场.html", files.png())  # the name lies; the content decides
    attachment = report.attachments.get()
    assert attachment.content_type == "image/png" and attachment.file.name.endswith(".png")
    response = client.get(reverse("reporting:attachment_file", args=[report.pk, attachment.pk]))
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("inline;")
    assert "filename*=utf-8''%E7%8E%B0%E5%9C%BA.png" in response["Content-Disposition"]
    assert response["Content-Security-Policy"].startswith("sandbox;")
    assert "default-src 'none'" in response["Content-Security-Policy"]


def test_real_pdf_served_inline_as_pdf(client_for: Any, report: Any) -> None:
    client = client_for("town_shitai")
    _attach(client, report, "情况.pdf", files.pdf())
    attachment = report.attachments.get()
    response = client.get(reverse("reporting:attachment_file", args=[report.pk, attachment.pk]))
    assert response["Content-Type"] == "application/pdf" and response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("inline;")
    assert "default-src 'none'" in response["Content-Security-Policy"]
    assert "script-src" not in response["Content-Security-Policy"]


def test_docx_served_as_attachment(client_for: Any, report: Any) -> None:
    client = client_for("town_shitai")
    _attach(client, report, "整改说明.docx", files.docx())
    attachment = report.attachments.get()
    response = client.get(reverse("reporting:attachment_file", args=[report.pk, attachment.pk]))
    assert response["Content-Type"] == attachment.content_type
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.wordprocessing")
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"


def test_evidence_photo_served_by_its_content(client_for: Any, finding: Any) -> None:
    client = client_for("town_shitai")
    _answer(client, finding, "证据.html", files.jpeg())
    photo = Photo.objects.get(step__finding=finding)
    response = client.get(reverse("supervision:photo", args=[photo.pk]))
    assert response["Content-Type"] == "image/jpeg" and response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"].startswith("sandbox;")


def test_old_unchecked_file_is_served_only_as_a_download(client_for: Any, report: Any) -> None:
    """A file stored before the checks (what the data migration finds) is never shown as HTML."""
    attachment = Attachment(report=report, original_name="evil.html", size=10)
    attachment.file.save("evil.html", ContentFile(files.evil_html()), save=False)
    with attachment.file.open("rb") as handle:
        attachment.content_type = stored_content_type(handle)
    attachment.save()
    assert attachment.content_type == UNKNOWN_CONTENT_TYPE
    response = client_for("town_shitai").get(
        reverse("reporting:attachment_file", args=[report.pk, attachment.pk])
    )
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"


def test_data_migration_derives_the_type_from_existing_content(report: Any) -> None:
    import importlib

    from django.apps import apps

    migration = importlib.import_module("reporting.migrations.0002_stored_content_type")
    rows = {}
    for name, data in (
        ("evil.html", files.evil_html()),
        ("photo.pdf", files.png()),
        ("a.docx", files.docx()),
    ):
        row = Attachment(report=report, original_name=name, size=len(data))
        row.file.save(name, ContentFile(data), save=False)
        row.save()
        rows[name] = row
    migration.derive_from_content(apps, None)
    types = {name: Attachment.objects.get(pk=row.pk).content_type for name, row in rows.items()}
    assert types == {
        "evil.html": UNKNOWN_CONTENT_TYPE,
        "photo.pdf": "image/png",
        "a.docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    }


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("通知.docx", files.png(), "不是允许的类型"),
        ("通知.docx", files.docm(), "含有宏"),
        ("通知.txt", BOMB[1], "不是文本文件"),
        ("通知.txt", "杜集区人民政府".encode("utf-16"), "编码的文本文件"),
    ],
)
def test_wrong_notice_file_is_a_message(client_for: Any, name: str, data: bytes, message: str) -> None:
    response = client_for("office").post(
        reverse("catalogue:program_import"), {"file": SimpleUploadedFile(name, data)}
    )
    assert response.status_code == 200 and message in _messages(response)


def test_gb18030_notice_is_read(client_for: Any) -> None:
    response = client_for("office").post(
        reverse("catalogue:program_import"),
        {
            "file": SimpleUploadedFile(
                "通知.txt", "杜集区人民政府关于2021年实施33项民生工程的通知".encode("gb18030")
            )
        },
    )
    assert response.status_code == 200 and "杜集区人民政府关于2021年" in response.content.decode()
