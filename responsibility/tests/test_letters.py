"""目标责任状: drafted per unit with a snapshot of its duties, issued, signed with a checked scan; who sees what."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from catalogue.models import Program, Project
from core.tests import files
from funding.services import funding_line_create
from orgs.models import Organisation
from responsibility import selectors, services
from responsibility.models import Letter

pytestmark = pytest.mark.django_db
PDF = files.pdf()


@pytest.fixture
def program(office: Any, settings: Any, tmp_path: Any) -> Program:
    settings.MEDIA_ROOT = tmp_path
    program = Program.objects.get(year=2021)
    project = Project.objects.get(program=program, name="农村危房改造")
    shitai = Organisation.objects.get(code="shitai")
    indicator = services.indicators_apply_defaults(actor=office, project=project)[0]
    services.target_set(actor=office, indicator=indicator, unit=shitai, value=Decimal(12))
    funding_line_create(actor=office, project=project, unit=shitai, source="province", original="250000")
    return program


def test_every_lead_department_and_local_unit_signs(program: Program) -> None:
    units = selectors.responsible_units(program=program)
    kinds = {u.kind for u in units}
    assert {"department", "town", "street"} <= kinds
    leads = set(program.projects.values_list("lead_department__code", flat=True))
    assert leads <= {u.code for u in units}


def test_snapshot_holds_the_units_targets_and_funds(office: Any, program: Program) -> None:
    shitai = Organisation.objects.get(code="shitai")
    letter = services.letter_draft(actor=office, program=program, organisation=shitai)
    project = next(p for p in letter.snapshot["projects"] if p["name"] == "农村危房改造")
    assert project["role"] == "实施"
    assert project["targets"] == [{"indicator": "开工项目数", "unit": "个", "direction": "≥", "value": "12"}]
    assert project["funds"] == {"省": "250000.00"}


def test_issue_then_sign_with_a_checked_scan(office: Any, town_shitai: Any, program: Program) -> None:
    shitai = Organisation.objects.get(code="shitai")
    letter = services.letter_draft(actor=office, program=program, organisation=shitai)
    with pytest.raises(ValidationError, match="只有已下达"):
        services.letter_sign(
            actor=office,
            letter=letter,
            signed_date=dt.date(2021, 6, 20),
            scan=SimpleUploadedFile("s.pdf", PDF),
        )
    with pytest.raises(PermissionDenied):
        services.letter_issue(actor=town_shitai, letter=letter)
    with pytest.raises(ValidationError, match="尚未设置目标"):
        services.letter_issue(actor=office, letter=letter)
    services.letter_issue(actor=office, letter=letter, confirm_missing_targets=True)
    with pytest.raises(ValidationError, match="不是允许的类型"):
        services.letter_sign(
            actor=town_shitai,
            letter=letter,
            signed_date=dt.date(2021, 6, 20),
            scan=SimpleUploadedFile("s.pdf", b"MZ\x90\x00 not a pdf"),
        )
    with pytest.raises(ValidationError, match="超过10MB"):
        services.letter_sign(
            actor=town_shitai,
            letter=letter,
            signed_date=dt.date(2021, 6, 20),
            scan=SimpleUploadedFile("big.pdf", PDF + b"0" * (11 * 1024 * 1024)),
        )
    letter.refresh_from_db()
    assert letter.status == Letter.Status.ISSUED
    services.letter_sign(
        actor=town_shitai,
        letter=letter,
        signed_date=dt.date(2021, 6, 20),
        scan=SimpleUploadedFile("s.pdf", PDF),
        signer="镇长",
    )
    letter.refresh_from_db()
    assert letter.status == Letter.Status.SIGNED and letter.scan.name.endswith(".pdf")
    assert letter.scan.read() == PDF


def test_other_units_cannot_see_or_sign(client_for: Any, office: Any, program: Program, persona: Any) -> None:
    shitai, duanyuan = Organisation.objects.get(code="shitai"), Organisation.objects.get(code="duanyuan")
    own = services.letter_issue(
        actor=office,
        letter=services.letter_draft(actor=office, program=program, organisation=shitai),
        confirm_missing_targets=True,
    )
    other = services.letter_issue(
        actor=office,
        letter=services.letter_draft(actor=office, program=program, organisation=duanyuan),
        confirm_missing_targets=True,
    )
    town = client_for("town_shitai")
    assert town.get(reverse("responsibility:letter_detail", args=[own.pk])).status_code == 200
    assert town.get(reverse("responsibility:letter_detail", args=[other.pk])).status_code == 404
    listing = town.get(reverse("responsibility:program_letters", args=[program.pk])).content.decode()
    assert "石台镇" in listing and "段园镇" not in listing
    with pytest.raises(PermissionDenied):
        services.letter_sign(
            actor=persona("town_shitai"),
            letter=other,
            signed_date=dt.date(2021, 6, 1),
            scan=SimpleUploadedFile("s.pdf", PDF),
        )


def test_unsigned_units_are_listed(client_for: Any, office: Any, program: Program) -> None:
    client = client_for("office")
    client.post(reverse("responsibility:program_letters", args=[program.pk]), {"action": "draft_all"})
    url = reverse("responsibility:program_letters", args=[program.pk])
    warned = client.get(url).content.decode()
    assert 'data-testid="missing-targets"' in warned and 'name="confirm_missing_targets"' in warned
    client.post(url, {"action": "issue_all"})  # not confirmed: nothing issued
    assert not Letter.objects.filter(program=program, status="issued").exists()
    client.post(url, {"action": "issue_all", "confirm_missing_targets": "1"})
    units = selectors.responsible_units(program=program)
    assert Letter.objects.filter(program=program, status="issued").count() == len(units)
    page = client.get(reverse("responsibility:program_letters", args=[program.pk])).content.decode()
    assert f"尚未签订：{len(units)} 个单位" in page


def test_letter_as_docx_and_pdf(client_for: Any, office: Any, program: Program, tmp_path: Any) -> None:
    import io
    import subprocess

    import docx

    letter = services.letter_draft(
        actor=office, program=program, organisation=Organisation.objects.get(code="shitai")
    )
    client = client_for("town_shitai")
    word = docx.Document(
        io.BytesIO(client.get(reverse("responsibility:letter_file", args=[letter.pk, "docx"])).content)
    )
    text = "\n".join(p.text for p in word.paragraphs)
    assert "2021年民生工程目标责任状" in text and "乙方：石台镇" in text and "开工项目数≥12个" in text
    pdf = tmp_path / "l.pdf"
    pdf.write_bytes(client.get(reverse("responsibility:letter_file", args=[letter.pk, "pdf"])).content)
    body = subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout.replace(" ", "")
    assert "乙方：石台镇" in body and "— 1 —".replace(" ", "") in body
    assert (
        client_for("town_duanyuan")
        .get(reverse("responsibility:letter_file", args=[letter.pk, "pdf"]))
        .status_code
        == 404
    )


def test_issuing_warns_of_projects_without_targets(client_for: Any, office: Any, program: Program) -> None:
    shitai = Organisation.objects.get(code="shitai")
    letter = services.letter_draft(actor=office, program=program, organisation=shitai)
    client = client_for("office")
    url = reverse("responsibility:letter_detail", args=[letter.pk])
    page = client.get(url).content.decode()
    first = letter.snapshot["projects"][0]["name"]
    assert 'data-testid="missing-targets"' in page and first in page
    refused = client.post(url, {"action": "issue"}, follow=True).content.decode()
    assert "尚未设置目标" in refused and first in refused
    letter.refresh_from_db()
    assert letter.status == Letter.Status.DRAFTED
    client.post(url, {"action": "issue", "confirm_missing_targets": "1"})
    letter.refresh_from_db()
    assert letter.status == Letter.Status.ISSUED


def test_a_province_size_program_drafts_its_letters_in_the_background(
    client_for: Any, program: Program, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from jobs.models import Job
    from jobs.tests.worker import run_tasks

    settings.RESPONSIBILITY_LETTERS_BACKGROUND_UNITS = 1
    client = client_for("office")
    url = reverse("responsibility:program_letters", args=[program.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"action": "draft_all"})
    job = Job.objects.get(kind="responsibility.letters_draft_all")
    assert response.status_code == 302 and response.url == reverse("jobs:job_detail", args=[job.pk])
    assert not Letter.objects.filter(program=program).exists()  # nothing drafted in the request
    run_tasks()
    job.refresh_from_db()
    units = selectors.responsible_units(program=program)
    assert job.status == Job.Status.SUCCEEDED and f"已为{len(units)}个责任单位" in job.result["message"]
    assert Letter.objects.filter(program=program).count() == len(units)
    assert client_for("town_shitai").post(url, {"action": "draft_all"}).status_code in (302, 403)
    assert Job.objects.filter(kind="responsibility.letters_draft_all").count() == 1  # the town queued nothing
