"""The pages of derivation: derive from the city's program, mark items, answer an upper amendment, read the lineage
from province to district; who may write (the district's own 民生办) and who only reads (the city)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import reverse

from catalogue.models import Derivation, Program, UpperChangeDecision
from catalogue.reference_lineage import lineage_load
from catalogue.tests.test_derivation import _amend_city

pytestmark = pytest.mark.django_db


def _derive_through_the_page(client: Any) -> Program:
    lineage_load()
    Program.objects.filter(issuer__code="gov", year=2021).delete()
    page = client.get(reverse("catalogue:program_derive")).content.decode()
    value = re.search(r'<option value="([0-9-]+)">杜集区人民政府 ← 淮北市人民政府', page)
    assert value, page
    response = client.post(reverse("catalogue:program_derive"), {"source": value[1]})
    program = Program.objects.get(issuer__code="gov", year=2021)
    assert response.status_code == 302 and response["Location"] == reverse(
        "catalogue:program_derivation", args=[program.pk]
    )
    return program


def test_office_derives_marks_an_item_and_adds_a_local_one(client_for: Any) -> None:
    client = client_for("office")
    program = _derive_through_the_page(client)
    item = program.derivations.get(upper_name="小型病险水库除险加固")
    url = reverse("catalogue:derivation_status", args=[program.pk, item.pk])
    client.post(url, {"status": "not_applicable", "reason": "本区无小型水库", "version": item.version})
    client.post(
        reverse("catalogue:derivation_local", args=[program.pk]),
        {"name": "老旧管网改造", "kind": "works", "reason": "本区自行增加"},
    )
    page = client.get(reverse("catalogue:program_derivation", args=[program.pk])).content.decode()
    assert "本区无小型水库" in page and "老旧管网改造" in page
    assert re.search(r'data-testid="derivation-counts"', page)
    assert Derivation.objects.get(pk=item.pk).status == "not_applicable"
    assert program.derivations.get(project__name="老旧管网改造").is_local


def test_reason_missing_is_said_and_nothing_changes(client_for: Any) -> None:
    client = client_for("office")
    program = _derive_through_the_page(client)
    item = program.derivations.first()
    url = reverse("catalogue:derivation_status", args=[program.pk, item.pk])
    response = client.post(
        url, {"status": "not_applicable", "reason": "", "version": item.version}, follow=True
    )
    assert "须写明理由" in response.content.decode()
    assert Derivation.objects.get(pk=item.pk).status == "adopted"


def test_upper_amendment_is_answered_on_the_page(client_for: Any, persona: Any) -> None:
    client = client_for("office")
    program = _derive_through_the_page(client)
    _amend_city(persona)
    page = client.get(reverse("catalogue:program_derivation", args=[program.pk])).content.decode()
    keys = re.findall(r'<tr data-key="([a-z]+-[0-9]+(?:-[a-z_]+)?)"', page)
    assert len(keys) == 4 and 'value="accept"' in page and 'value="decline"' in page
    added = next(k for k in keys if k.startswith("added"))
    client.post(reverse("catalogue:upper_change", args=[program.pk]), {"key": added, "decision": "accept"})
    assert program.projects.filter(name="城市更新").exists()
    record = UpperChangeDecision.objects.get(program=program)
    assert (record.kind, record.decision, record.decided_by) == ("added", "accepted", persona("office"))
    page = client.get(reverse("catalogue:program_derivation", args=[program.pk])).content.decode()
    assert added not in page and 'data-testid="upper-decisions"' in page


def test_city_reads_the_districts_derivation_and_changes_nothing(client_for: Any) -> None:
    lineage_load()
    program = Program.objects.get(issuer__code="gov", year=2021)
    item = program.derivations.first()
    city = client_for("city_office")
    page = city.get(reverse("catalogue:program_derivation", args=[program.pk])).content.decode()
    assert (
        item.upper_name in page and "derivation_status" not in page and "<form" not in page.split("<main")[-1]
    )
    city.post(
        reverse("catalogue:derivation_status", args=[program.pk, item.pk]),
        {"status": "not_applicable", "reason": "越权", "version": item.version},
    )
    assert Derivation.objects.get(pk=item.pk).status == "adopted"


@pytest.mark.parametrize("role", ["city_office", "office_b", "anon"])
def test_a_draft_derived_program_is_internal_to_its_district(client_for: Any, role: str) -> None:
    program = _derive_through_the_page(client_for("office"))
    response = client_for(role).get(reverse("catalogue:program_derivation", args=[program.pk]))
    assert response.status_code == 404


def test_lineage_page_shows_province_city_and_district(client_for: Any) -> None:
    lineage_load()
    duji = Program.objects.get(issuer__code="gov", year=2021).projects.get(name="农田建设工程")
    page = client_for("anon").get(reverse("catalogue:project_levels", args=[duji.pk])).content.decode()
    positions = [page.find(name) for name in ("安徽省人民政府", "淮北市人民政府", "杜集区人民政府")]
    assert -1 not in positions and positions == sorted(positions)
    assert page.count('data-depth="') == 3 and 'id="years"' in page


def test_a_government_with_the_year_already_is_offered_nothing_for_it(client_for: Any) -> None:
    lineage_load()
    page = client_for("office").get(reverse("catalogue:program_derive")).content.decode()
    assert 'data-testid="no-upper"' in page and 'name="source"' not in page
