"""The public portal shows exactly the published and confirmed data: a matrix of what must and must not appear."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from catalogue.models import Program, Project
from disclosure import services as ds
from disclosure.models import Feedback
from portal.forms import feedback_token
from reporting import services as rs
from reporting.models import Status
from reporting.tests.helpers import fill

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene(
    month: dict[str, Any], office: Any, town_shitai: Any, settings: Any, tmp_path: Any
) -> dict[str, Any]:
    """One confirmed report (石台镇), one only submitted (段园镇), a draft program, attachments public and not."""
    settings.MEDIA_ROOT = tmp_path
    cache.clear()
    period = month["periods"][6]
    confirmed = rs.report_open(actor=office, project=month["project"], unit=month["shitai"], period=period)
    fill(office, confirmed, month, (5, 4, 50), arrived="300000", spent="150000")
    rs.report_submit(actor=office, report=confirmed)
    confirmed.status = Status.DEPT_APPROVED
    confirmed.save()
    rs.report_confirm(actor=office, report=confirmed, approve=True)
    pending = rs.report_open(actor=office, project=month["project"], unit=month["duanyuan"], period=period)
    fill(office, pending, month, (7, 7, 77), arrived="777000", spent="700000")
    rs.report_submit(actor=office, report=pending)
    jpeg = b"\xff\xd8\xff\xe0" + open(_sample_jpeg(tmp_path), "rb").read()[4:]
    confirmed.status = Status.RETURNED
    confirmed.save()
    rs.attachment_add(
        actor=office, report=confirmed, upload=SimpleUploadedFile("公开照片.jpg", jpeg), is_public=True
    )
    rs.attachment_add(
        actor=office, report=confirmed, upload=SimpleUploadedFile("内部材料.jpg", jpeg), is_public=False
    )
    confirmed.status = Status.CONFIRMED
    confirmed.save()
    draft = Program.objects.create(
        year=2099, issuer=month["program"].issuer, issuer_name="杜集区人民政府", status="draft"
    )
    draft_project = Project.objects.create(program=draft, order=1, name="示例草稿项目", kind="service")
    ds.disclosure_record(
        actor=office,
        data={
            "program": month["program"],
            "project": month["project"],
            "unit": month["shitai"],
            "title": "示例危房改造对象公示",
            "place": "村公示栏",
            "due": dt.date(2021, 5, 1),
            "start": dt.date(2021, 5, 1),
            "end": dt.date(2021, 5, 8),
            "summary": "共5户",
        },
    )
    ds.disclosure_record(
        actor=office,
        data={
            "program": month["program"],
            "project": month["project"],
            "unit": month["duanyuan"],
            "title": "示例尚未公示的名单",
            "place": "村公示栏",
            "due": dt.date(2021, 5, 1),
        },
    )
    return {**month, "draft": draft, "draft_project": draft_project}


def _sample_jpeg(tmp_path: Any) -> Any:
    from PIL import Image

    path = tmp_path / "s.jpg"
    Image.new("RGB", (8, 8), "green").save(path, format="JPEG")
    return path


def _text(response: Any) -> str:
    return response.content.decode()


def test_what_the_public_sees(client: Any, scene: dict[str, Any]) -> None:
    assert client.get(reverse("portal:program", args=[scene["draft"].pk])).status_code == 404
    assert client.get(reverse("portal:project", args=[scene["draft_project"].pk])).status_code == 404
    index = _text(client.get(reverse("portal:index")))
    assert "2021年实施33项民生工程" in index and "2099" not in index
    page = _text(client.get(reverse("portal:project", args=[scene["project"].pk])))
    must = ["农村危房改造", "开工项目数", "30.00", "15.00", "示例危房改造对象公示", "公开照片.jpg"]
    must_not = ["77.70", "70.00", "内部材料.jpg", "示例尚未公示的名单", "示例监督员", "t_office"]
    for text in must:
        assert text in page, f"missing {text}"
    for text in must_not:
        assert text not in page, f"leaked {text}"


def _post(client: Any, url: str, **extra: Any) -> Any:
    token = feedback_token(time.time() - 10)
    data = {
        "satisfaction": "4",
        "aware": "1",
        "text": "很好，我的电话13912345678",
        "website": "",
        "token": token,
        **extra,
    }
    return client.post(url, data, REMOTE_ADDR="127.0.0.9")


def test_feedback_is_anonymous_rate_limited_and_spam_resistant(client: Any, scene: dict[str, Any]) -> None:
    url = reverse("portal:project", args=[scene["project"].pk])
    assert _post(client, url).status_code == 302
    saved = Feedback.objects.get()
    assert saved.text == "很好，我的电话***" and saved.satisfaction == 4
    assert _post(client, url, website="http://spam").status_code == 200
    too_fast = feedback_token()
    assert _post(client, url, token=too_fast).status_code == 200
    for _ in range(2):  # attempts 4 and 5 of the hour (refused attempts count too)
        assert _post(client, url).status_code == 302
    assert Feedback.objects.count() == 3
    blocked = _post(client, url)
    assert "提交次数过多" in blocked.content.decode()
    assert Feedback.objects.count() == 3


def test_disclosure_refuses_personal_data(office: Any, scene: dict[str, Any]) -> None:
    with pytest.raises(ValidationError, match="个人信息"):
        ds.disclosure_record(
            actor=office,
            data={
                "program": scene["program"],
                "unit": scene["shitai"],
                "title": "名单",
                "place": "x",
                "due": dt.date(2021, 5, 1),
                "summary": "张三 340603199001011234",
            },
        )


def test_portal_is_fast(client: Any, scene: dict[str, Any], django_assert_max_num_queries: Any) -> None:
    with django_assert_max_num_queries(20):
        client.get(reverse("portal:program", args=[scene["program"].pk]))
    with django_assert_max_num_queries(25):
        client.get(reverse("portal:project", args=[scene["project"].pk]))


def test_public_project_shows_done_or_a_dash(client: Any, scene: dict[str, Any], office: Any) -> None:
    from decimal import Decimal

    from responsibility import services as resp

    resp.indicator_save(
        actor=office,
        project=scene["project"],
        data={"name": "新增示例指标", "unit": "个", "target": Decimal(10), "order": 9},
    )
    page = " ".join(_text(client.get(reverse("portal:project", args=[scene["project"].pk]))).split())
    assert "开工项目数：完成 5 / 目标 30个" in page
    assert "新增示例指标：完成 — / 目标 10个" in page
