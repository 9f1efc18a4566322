from __future__ import annotations

import io
import re
import subprocess
from pathlib import Path
from typing import Any

import docx
import pytest
from django.urls import reverse

from catalogue.models import Program
from catalogue.notice import notice_text

pytestmark = pytest.mark.django_db
REFERENCE = Path(__file__).resolve().parents[2] / "docs" / "reference" / "duji-2021-notice.txt"


def test_notice_downloads(client_for: Any, tmp_path: Path) -> None:
    program = Program.objects.get(year=2021)
    client = client_for("anon")
    txt = client.get(reverse("catalogue:program_notice", args=[program.pk, "txt"]))
    assert txt.content.decode() == notice_text(program)
    word = docx.Document(
        io.BytesIO(client.get(reverse("catalogue:program_notice", args=[program.pk, "docx"])).content)
    )
    joined = "".join(p.text for p in word.paragraphs).replace("\n", "")
    assert (
        "杜集区人民政府关于2021年实施33项民生工程的通知" in joined
    )  # the title may be broken over two lines
    pdf = tmp_path / "n.pdf"
    pdf.write_bytes(client.get(reverse("catalogue:program_notice", args=[program.pk, "pdf"])).content)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "四、继续实施19项民生工程" in text.replace(" ", "")


def test_import_preview_then_confirm(client_for: Any) -> None:
    client = client_for("office")
    url = reverse("catalogue:program_import")
    text = REFERENCE.read_text(encoding="utf-8").replace(
        "淮杜政〔2021〕21号", "淮杜政〔2021〕21号\n一行说明文字"
    )
    preview = client.post(url, {"text": text, "action": "preview"}).content.decode()
    assert 'data-testid="parse-problems"' in preview and "一行说明文字" in preview
    assert Program.objects.filter(year=2021).count() == 1
    assert client_for("town_shitai").get(url).status_code == 403


def test_import_creates_a_draft(client_for: Any) -> None:
    from orgs.models import Organisation

    client = client_for("office")
    text = "\n".join(
        [
            "示例区人民政府",
            "关于2030年实施1项民生实事的通知",
            "各镇：",
            "通知如下：",
            "一、新增1项民生实事",
            "（一）示例项目。示例内容。",
            "二、工作要求",
            "抓好落实。",
            "2030年1月5日",
        ]
    )
    issuer = Organisation.objects.get(code="gov")
    response = client.post(
        reverse("catalogue:program_import"), {"text": text, "action": "confirm", "issuer": issuer.pk}
    )
    program = Program.objects.get(year=2030)
    assert response.url == reverse("catalogue:program_detail", args=[program.pk])
    assert (
        program.status == "draft" and program.noun == "民生实事" and program.projects.get().name == "示例项目"
    )


SMALL_NOTICE = "\n".join(
    [
        "示例区人民政府",
        "关于2031年实施1项民生实事的通知",
        "各镇：",
        "通知如下：",
        "一、新增1项民生实事",
        "（一）示例项目。示例内容。",
        "二、工作要求",
        "抓好落实。",
        "2031年1月5日",
    ]
)


def test_import_confirms_the_previewed_text_held_on_the_server(client_for: Any) -> None:
    from orgs.models import Organisation

    client = client_for("office")
    url = reverse("catalogue:program_import")
    page = client.post(url, {"text": SMALL_NOTICE, "action": "preview"}).content.decode()
    token = re.search(r'name="token"\s+value="([^"]+)"', page)
    assert token and SMALL_NOTICE.splitlines()[1] in page
    assert "base64" not in page and 'name="stored"' not in page  # the text does not travel in the page
    issuer = Organisation.objects.get(code="gov")
    response = client.post(url, {"token": token.group(1), "action": "confirm", "issuer": issuer.pk})
    program = Program.objects.get(year=2031)
    assert response.url == reverse("catalogue:program_detail", args=[program.pk])
    again = client.post(url, {"token": token.group(1), "action": "confirm", "issuer": issuer.pk})
    assert again.status_code == 302 and Program.objects.filter(year=2031).count() == 1  # confirmed once


def test_import_refuses_a_token_that_is_not_the_users(client_for: Any) -> None:
    from orgs.models import Organisation

    page = client_for("office").post(
        reverse("catalogue:program_import"), {"text": SMALL_NOTICE, "action": "preview"}
    )
    token = re.search(r'name="token"\s+value="([^"]+)"', page.content.decode()).group(1)
    other = client_for("admin")
    issuer = Organisation.objects.get(code="gov")
    response = other.post(
        reverse("catalogue:program_import"),
        {"token": token, "action": "confirm", "issuer": issuer.pk},
        follow=True,
    )
    assert "待导入的通知已失效" in response.content.decode()
    assert not Program.objects.filter(year=2031).exists()
