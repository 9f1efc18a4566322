from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from catalogue.models import Project
from funding.services import funding_line_create
from orgs.models import Organisation
from responsibility import services
from responsibility.models import Target

pytestmark = pytest.mark.django_db


@pytest.fixture
def planned(office: Any) -> dict[str, Any]:
    project = Project.objects.get(program__year=2021, name="美丽乡村建设")
    indicator = services.indicators_apply_defaults(actor=office, project=project)[0]
    shitai, duanyuan = Organisation.objects.get(code="shitai"), Organisation.objects.get(code="duanyuan")
    services.target_set(actor=office, indicator=indicator, unit=shitai, value=Decimal(3))
    services.target_set(actor=office, indicator=indicator, unit=duanyuan, value=Decimal(4))
    funding_line_create(actor=office, project=project, unit=shitai, source="town", original="100000")
    funding_line_create(actor=office, project=project, unit=duanyuan, source="town", original="200000")
    return {"project": project, "indicator": indicator, "shitai": shitai, "duanyuan": duanyuan}


def test_api_is_scoped_like_the_pages(client_for: Any, planned: dict[str, Any]) -> None:
    town = client_for("town_shitai")
    targets = town.get("/api/targets/").json()["results"]
    assert {t["unit"] for t in targets} == {planned["shitai"].pk}
    lines = town.get("/api/funding-lines/").json()["results"]
    assert [(line["unit"], line["current"]) for line in lines] == [(planned["shitai"].pk, "100000.00")]
    other = Target.objects.get(unit=planned["duanyuan"])
    assert town.get(f"/api/targets/{other.pk}/").status_code == 404
    assert len(client_for("office").get("/api/targets/").json()["results"]) == 2
    assert client_for("anon").get("/api/targets/").status_code == 403
    assert client_for("anon").get(f"/api/indicators/?project={planned['project'].pk}").status_code == 200


def test_api_sets_targets_through_the_service(client_for: Any, planned: dict[str, Any]) -> None:
    body = {"indicator": planned["indicator"].pk, "unit": planned["shitai"].pk, "value": "5"}
    assert (
        client_for("town_shitai").post("/api/targets/", body, content_type="application/json").status_code
        == 403
    )
    response = client_for("office").post("/api/targets/", body, content_type="application/json")
    assert response.status_code == 201, response.content
    assert Target.objects.get(unit=planned["shitai"]).value == Decimal(5)
    bad = client_for("office").post("/api/targets/", dict(body, value="-1"), content_type="application/json")
    assert bad.status_code == 400
