"""Issue 14 item 3 (second part): the 目标责任状 between a city and its districts through the letter workflow.

The city's office drafts and issues one letter per district carrying a share of its targets; the letter rows stay
the city's (tenant = the city's program), and the rule's declared ``addressed="organisation"`` lets the addressee's
government — its 民生办 and 领导 — read an issued letter and its 民生办 sign it, and nothing else."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from catalogue.models import Program, Project
from core.models import AuditEvent
from core.policy import can, restrict
from core.services import ConflictError
from core.tests import files
from orgs.models import Organisation
from responsibility import selectors, services
from responsibility.models import Letter

pytestmark = pytest.mark.django_db
PDF = files.pdf()


@pytest.fixture
def city(persona: Any, settings: Any, tmp_path: Any) -> dict[str, Any]:
    """淮北市's published 2021 program: one project whose target 100 splits 60 to 杜集区 and 40 to 相山区; the
    letters drafted and issued by the city's office."""
    settings.MEDIA_ROOT = tmp_path
    city_office = persona("city_office")
    gov = Organisation.objects.get(code="huaibei")
    program = Program.objects.create(
        year=2021, issuer=gov, issuer_name=gov.name, status=Program.Status.PUBLISHED
    )
    project = Project.objects.create(program=program, order=1, name="农村危房改造", kind="works")
    indicator = services.indicators_apply_defaults(actor=city_office, project=project)[0]
    services.indicator_save(
        actor=city_office, project=project, indicator=indicator, data={"target": Decimal(100)}
    )
    duji, xiangshan = Organisation.objects.get(code="duji"), Organisation.objects.get(code="xiangshan")
    services.target_set(actor=city_office, indicator=indicator, unit=duji, value=Decimal(60))
    services.target_set(actor=city_office, indicator=indicator, unit=xiangshan, value=Decimal(40))
    assert services.letters_draft_all(actor=city_office, program=program) == 2
    letters = {
        letter.organisation.code: letter
        for letter in Letter.objects.filter(program=program).select_related("organisation")
    }
    return {"program": program, "indicator": indicator, "a": letters["duji"], "b": letters["xiangshan"]}


def _issue(persona: Any, city: dict[str, Any]) -> None:
    services.letters_issue_all(actor=persona("city_office"), program=city["program"])
    for key in ("a", "b"):
        city[key].refresh_from_db()


def _sign(actor: Any, letter: Letter) -> Letter:
    return services.letter_sign(
        actor=actor,
        letter=letter,
        signed_date=dt.date(2021, 6, 20),
        scan=SimpleUploadedFile("s.pdf", PDF),
        signer="区长",
    )


def test_a_city_programs_signatories_are_its_districts(city: dict[str, Any], persona: Any) -> None:
    units = selectors.responsible_units(program=city["program"])
    assert {u.code for u in units} == {"duji", "xiangshan"}
    duties = city["a"].snapshot["projects"]
    assert duties == [
        {
            "order": 1,
            "name": "农村危房改造",
            "role": "实施",
            "targets": [{"indicator": "开工项目数", "unit": "个", "direction": "≥", "value": "60"}],
            "funds": {},
        }
    ]
    overview = selectors.letters_overview(user=persona("city_office"), program=city["program"])
    assert sorted((u.code, letter.status) for u, letter in overview) == [
        ("duji", Letter.Status.DRAFTED),
        ("xiangshan", Letter.Status.DRAFTED),
    ]


def test_the_letter_names_the_district_government(city: dict[str, Any]) -> None:
    from responsibility.letter_document import letter_document

    text = " ".join(b.text for b in letter_document(city["a"]).blocks)
    assert "甲方：淮北市人民政府" in text and "乙方：杜集区人民政府" in text


def test_a_district_sees_no_draft_of_the_city(city: dict[str, Any], persona: Any) -> None:
    for role in ("office", "leader", "office_b"):
        assert not restrict(Letter.objects.all(), persona(role), "view").filter(program=city["program"]), role


def test_each_district_sees_and_signs_only_its_own(city: dict[str, Any], persona: Any) -> None:
    _issue(persona, city)
    a, b = city["a"], city["b"]
    office, leader, office_b = persona("office"), persona("leader"), persona("office_b")
    assert list(selectors.letters_addressed(user=office)) == [a]
    assert list(selectors.letters_addressed(user=office_b)) == [b]
    assert can(office, "view", a) and can(office, "change", a)
    assert not can(office, "view", b) and not can(office, "change", b)
    assert can(leader, "view", a) and not can(leader, "change", a)
    with pytest.raises(PermissionDenied):
        _sign(office, b)
    with pytest.raises(PermissionDenied):
        _sign(leader, a)
    _sign(office, a)
    a.refresh_from_db()
    assert a.status == Letter.Status.SIGNED and a.signer == "区长"
    assert can(office, "view", a)  # a signed letter stays the district's to read
    event = AuditEvent.objects.filter(content_type__model="letter", object_id=str(a.pk)).first()
    assert event.actor == office and event.reason == "登记签订"
    assert event.before["status"] == "issued" and event.after["status"] == "signed"


def test_a_district_changes_nothing_else_of_the_city(city: dict[str, Any], persona: Any) -> None:
    _issue(persona, city)
    office, program = persona("office"), city["program"]
    with pytest.raises(PermissionDenied):
        services.letter_draft(actor=office, program=program, organisation=city["a"].organisation)
    with pytest.raises(PermissionDenied):
        services.letters_draft_all(actor=office, program=program)
    with pytest.raises(PermissionDenied):
        services.letters_issue_all(actor=office, program=program)
    with pytest.raises(PermissionDenied):
        services.target_set(
            actor=office, indicator=city["indicator"], unit=city["a"].organisation, value=Decimal(1)
        )
    assert not can(office, "change", program)
    assert not can(office, "add", program.projects.get())
    # the district's own department sees nothing of its district's letter from the city
    assert not can(persona("dept_health"), "view", city["a"])


def test_province_and_city_leader_read_only(city: dict[str, Any], persona: Any) -> None:
    _issue(persona, city)
    for role in ("province_office", "city_leader"):
        user = persona(role)
        assert can(user, "view", city["a"]) and can(user, "view", city["b"]), role
        assert not can(user, "change", city["a"]), role
        with pytest.raises(PermissionDenied):
            _sign(user, city["a"])
    with pytest.raises(PermissionDenied):
        services.letters_issue_all(actor=persona("province_office"), program=city["program"])


def test_a_concurrent_signature_is_refused(city: dict[str, Any], persona: Any) -> None:
    _issue(persona, city)
    stale = Letter.objects.get(pk=city["a"].pk)
    _sign(persona("office"), city["a"])
    with pytest.raises(ConflictError):
        _sign(persona("city_office"), stale)
    stale.refresh_from_db()
    with pytest.raises(ValidationError, match="只有已下达"):
        _sign(persona("city_office"), stale)


def test_the_district_office_finds_the_letter_in_its_to_do(city: dict[str, Any], persona: Any) -> None:
    office = persona("office")
    assert "responsibility.sign_upper" not in {i.key for i in selectors.todo_items(user=office)}
    _issue(persona, city)
    item = next(i for i in selectors.todo_items(user=office) if i.key == "responsibility.sign_upper")
    assert item.count == 1 and item.url == reverse("responsibility:letter_detail", args=[city["a"].pk])
    # the district's own to-do queue counts its own program's letters, not the city's
    drafted = next(i for i in selectors.todo_items(user=office) if i.key == "responsibility.drafted")
    assert drafted.url != reverse("responsibility:program_letters", args=[city["program"].pk])
    _sign(office, city["a"])
    assert "responsibility.sign_upper" not in {i.key for i in selectors.todo_items(user=office)}
    assert "responsibility.sign_upper" not in {i.key for i in selectors.todo_items(user=persona("leader"))}


def test_pages_of_the_city_and_the_district(client_for: Any, city: dict[str, Any], persona: Any) -> None:
    _issue(persona, city)
    a, b, program = city["a"], city["b"], city["program"]
    letters_url = reverse("responsibility:program_letters", args=[program.pk])
    page = client_for("city_office").get(letters_url).content.decode()
    assert "杜集区" in page and "相山区" in page and "下达全部起草的责任状" in page
    client = client_for("office")
    page = client.get(letters_url).content.decode()
    assert "杜集区" in page and "相山区" not in page and "下达全部起草的责任状" not in page
    own = Program.objects.get(year=2021, issuer__code="gov")
    page = client.get(reverse("responsibility:program_letters", args=[own.pk])).content.decode()
    assert 'data-testid="received-letters"' in page and "淮北市人民政府" in page
    assert reverse("responsibility:letter_detail", args=[a.pk]) in page
    page = client.get(reverse("responsibility:letter_detail", args=[a.pk])).content.decode()
    assert 'data-testid="sign-form"' in page and 'data-testid="issue-form"' not in page
    assert "杜集区人民政府" in page
    assert client.get(reverse("responsibility:letter_file", args=[a.pk, "docx"])).status_code == 200
    assert client.get(reverse("responsibility:letter_detail", args=[b.pk])).status_code == 404
    assert client.get(reverse("responsibility:letter_file", args=[b.pk, "docx"])).status_code == 404
    response = client.post(
        reverse("responsibility:letter_detail", args=[a.pk]),
        {"signed_date": "2021-06-20", "signer": "区长", "scan": SimpleUploadedFile("s.pdf", PDF)},
    )
    assert response.status_code == 302
    a.refresh_from_db()
    assert a.status == Letter.Status.SIGNED
    assert client.get(reverse("responsibility:letter_scan", args=[a.pk])).status_code == 200
    # the district cannot draft or issue in the city's program from the letters page
    assert client.post(letters_url, {"action": "issue_all"}).status_code == 403
    assert client.post(letters_url, {"action": "draft_all"}).status_code == 403
    page = client_for("city_office").get(letters_url).content.decode()
    assert "已签订" in page
