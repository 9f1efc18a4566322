"""The supervision loop: file an inspection with findings → the unit answers with evidence → verify → close or
reopen; overdue lists, rectification rates and who may do what."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from catalogue.models import Program
from orgs.models import Organisation
from supervision import selectors, services
from supervision.models import Finding, Step

pytestmark = pytest.mark.django_db


def _jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (20, 20), "blue").save(buffer, format="JPEG")
    return buffer.getvalue()


@pytest.fixture
def registered(office: Any, supervisor: Any, settings: Any, tmp_path: Any) -> Any:
    settings.MEDIA_ROOT = tmp_path
    return services.supervisor_register(
        actor=office,
        data={
            "name": "示例监督员",
            "category": "deputy",
            "certificate_no": "示例-2021-001",
            "user": supervisor,
            "term_start": dt.date(2021, 1, 1),
            "term_end": dt.date(2030, 12, 31),
        },
    )


@pytest.fixture
def inspection(registered: Any, supervisor: Any) -> Any:
    program = Program.objects.get(year=2021)
    shitai = Organisation.objects.get(code="shitai")
    return services.inspection_file(
        actor=supervisor,
        supervisor=registered,
        program=program,
        date=dt.date(2021, 9, 1),
        projects=[program.projects.get(name="农村厕所改造及粪污资源化利用")],
        unit=shitai,
        place="石台镇某村",
        methods=["site", "household"],
        summary="抽查10户改厕，2户无法使用",
        photos=[SimpleUploadedFile("现场.jpg", _jpeg())],
        findings=[
            {"description": "2户厕具损坏未维修", "responsible": shitai, "deadline": dt.date(2021, 10, 1)}
        ],
    )


def test_the_whole_loop(inspection: Any, town_shitai: Any, supervisor: Any, office: Any) -> None:
    finding = inspection.findings.get()
    assert finding.status == Finding.Status.OPEN and inspection.photos.count() == 1
    with pytest.raises(ValidationError, match="只有已反馈"):
        services.finding_verify(actor=supervisor, finding=finding, close=True, text="")
    with pytest.raises(PermissionDenied):
        services.finding_verify(actor=town_shitai, finding=finding, close=True, text="")
    with pytest.raises(ValidationError):
        services.finding_answer(actor=town_shitai, finding=finding, text=" ")
    services.finding_answer(
        actor=town_shitai,
        finding=finding,
        text="已更换厕具",
        evidence=[SimpleUploadedFile("修好.jpg", _jpeg())],
    )
    with pytest.raises(ValidationError):
        services.finding_verify(actor=supervisor, finding=finding, close=False, text="")
    services.finding_verify(actor=supervisor, finding=finding, close=False, text="仍有1户未修")
    finding.refresh_from_db()
    assert finding.status == Finding.Status.REOPENED
    services.finding_answer(actor=town_shitai, finding=finding, text="已全部修复")
    services.finding_verify(actor=office, finding=finding, close=True, text="")
    finding.refresh_from_db()
    assert finding.status == Finding.Status.CLOSED and finding.closed_at
    kinds = list(finding.steps.values_list("kind", flat=True))
    assert kinds == [Step.Kind.ASSIGN, Step.Kind.ANSWER, Step.Kind.REOPEN, Step.Kind.ANSWER, Step.Kind.CLOSE]
    rates = {r.unit.code: r for r in selectors.rectification_rates(user=office)}
    assert (rates["shitai"].total, rates["shitai"].closed, rates["shitai"].rate) == (1, 1, 1)


def test_other_units_cannot_answer_or_see(inspection: Any, persona: Any, client_for: Any) -> None:
    finding = inspection.findings.get()
    with pytest.raises(PermissionDenied):
        services.finding_answer(actor=persona("town_duanyuan"), finding=finding, text="不是我的")
    url = reverse("supervision:finding_detail", args=[finding.pk])
    assert client_for("town_duanyuan").get(url).status_code == 404
    assert client_for("town_shitai").get(url).status_code == 200
    assert client_for("leader").get(url).status_code == 200
    assert client_for("anon").get(url).status_code == 302


def test_overdue_and_the_pages(inspection: Any, client_for: Any) -> None:
    assert [f.description for f in selectors.findings(user=_user("t_office"), overdue=True)] == [
        "2户厕具损坏未维修"
    ]
    page = client_for("office").get(reverse("supervision:index") + "?overdue=1").content.decode()
    assert "2户厕具损坏未维修" in page and "整改率" in page


def _user(name: str) -> Any:
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username=name)


def test_inspection_rules(registered: Any, supervisor: Any, town_shitai: Any) -> None:
    program = Program.objects.get(year=2021)
    shitai = Organisation.objects.get(code="shitai")
    kwargs = {
        "supervisor": registered,
        "program": program,
        "projects": [program.projects.first()],
        "unit": shitai,
        "place": "x",
        "methods": ["site"],
        "summary": "y",
    }
    with pytest.raises(PermissionDenied):
        services.inspection_file(actor=town_shitai, date=dt.date(2021, 9, 1), **kwargs)
    with pytest.raises(ValidationError, match="聘期"):
        services.inspection_file(actor=supervisor, date=dt.date(2020, 1, 1), **kwargs)
    with pytest.raises(ValidationError, match="期限"):
        services.inspection_file(
            actor=supervisor,
            date=dt.date(2021, 9, 1),
            findings=[{"description": "z", "responsible": shitai, "deadline": dt.date(2021, 8, 1)}],
            **kwargs,
        )


def test_supervisor_files_through_the_form(
    registered: Any, client_for: Any, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path
    program = Program.objects.get(year=2021)
    project = program.projects.get(name="美丽乡村建设")
    shitai = Organisation.objects.get(code="shitai")
    response = client_for("supervisor").post(
        reverse("supervision:inspection_new"),
        {
            "date": "2021-09-02",
            "unit": shitai.pk,
            "projects": [project.pk],
            "place": "示例村",
            "methods": ["site", "visit"],
            "summary": "道路已硬化",
            "finding": "垃圾清运不及时\n路灯损坏",
            "deadline": "2021-10-15",
            "photos": [SimpleUploadedFile("a.jpg", _jpeg())],
        },
    )
    assert response.status_code == 302
    assert Finding.objects.filter(responsible=shitai, project=project).count() == 2
    assert client_for("town_shitai").get(reverse("supervision:inspection_new")).status_code == 403


def test_photos_show_as_thumbnails_through_the_policy(inspection: Any, client_for: Any) -> None:
    import re

    photo = inspection.photos.get()
    page = client_for("town_shitai").get(reverse("supervision:inspection_detail", args=[inspection.pk]))
    text = page.content.decode()
    thumb = reverse("supervision:photo_thumbnail", args=[photo.pk])
    assert re.search(rf'<img src="{thumb}"\s+alt="现场照片：现场.jpg"', text)
    answer = client_for("town_shitai").get(thumb)
    assert answer.status_code == 200 and answer["Content-Type"] == "image/jpeg"
    assert answer["X-Content-Type-Options"] == "nosniff" and "sandbox" in answer["Content-Security-Policy"]
    with Image.open(io.BytesIO(answer.content)) as image:
        assert max(image.size) <= 320
    assert client_for("town_duanyuan").get(thumb).status_code == 404  # not its inspection
    assert client_for("anon").get(thumb).status_code == 302  # to the login page
