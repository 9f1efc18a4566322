"""The read-only derivation API (/api/derivations/): a program's items with their upper project, status, reason and
local overrides, scoped like the derivation page (a draft stays inside its government)."""

from __future__ import annotations

from typing import Any

import pytest

from catalogue.derivation import derivation_set_status, program_derive
from catalogue.models import Program
from catalogue.reference_lineage import lineage_load
from orgs.models import Organisation

pytestmark = pytest.mark.django_db


def _items(client: Any, program: Program) -> list[dict[str, Any]]:
    response = client.get(f"/api/derivations/?program={program.pk}&limit=1000")
    assert response.status_code == 200
    return response.json()["results"]


def _draft(persona: Any) -> Program:
    """杜集区's 2021 program derived anew from 淮北市's: one item 不适用, one 调整 with a local name."""
    lineage_load()
    Program.objects.filter(issuer__code="gov", year=2021).delete()
    city = Program.objects.get(issuer__code="huaibei", year=2021)
    office = persona("office")
    program = program_derive(upper=city, government=Organisation.objects.get(code="duji"), actor=office)
    items = list(program.derivations.order_by("id"))
    derivation_set_status(actor=office, derivation=items[0], status="not_applicable", reason="本区不涉及")
    derivation_set_status(
        actor=office,
        derivation=items[1],
        status="adjusted",
        reason="结合本区实际",
        overrides={"name": "本区改名"},
    )
    return program


def test_the_city_reads_its_districts_derivations(client_for: Any) -> None:
    lineage_load()
    program = Program.objects.get(issuer__code="gov", year=2021)
    city = Program.objects.get(issuer__code="huaibei", year=2021)
    items = _items(client_for("city_office"), program)
    assert len(items) == program.derivations.count() > 0
    assert {i["status"] for i in items} == {"adopted"}
    assert {i["upper_program"] for i in items} == {city.pk}
    assert all(i["upper_project"] and i["program"] == program.pk for i in items)


def test_status_reason_and_overrides_are_given(client_for: Any, persona: Any) -> None:
    program = _draft(persona)
    items = _items(client_for("office"), program)
    by_status = {i["status"]: i for i in items}
    assert by_status["not_applicable"]["reason"] == "本区不涉及"
    assert by_status["not_applicable"]["project"] is None
    adjusted = by_status["adjusted"]
    assert adjusted["status_label"] == "调整" and adjusted["reason"] == "结合本区实际"
    assert {"field": "name", "local": "本区改名"}.items() <= adjusted["overrides"][0].items()
    assert adjusted["overrides"][0]["upper"] == adjusted["upper_name"]


@pytest.mark.parametrize("role", ["city_office", "office_b", "province_office", "anon"])
def test_a_draft_derivation_stays_inside_its_government(client_for: Any, persona: Any, role: str) -> None:
    program = _draft(persona)
    client = client_for(role)
    assert _items(client, program) == []
    item = program.derivations.first()
    assert client.get(f"/api/derivations/{item.pk}/").status_code == 404


def test_the_derivation_api_writes_nothing(client_for: Any, persona: Any) -> None:
    program = _draft(persona)
    item = program.derivations.first()
    client = client_for("office")
    answer = client.patch(
        f"/api/derivations/{item.pk}/", {"status": "adopted"}, content_type="application/json"
    )
    assert answer.status_code == 405
    assert program.derivations.get(pk=item.pk).status == item.status
