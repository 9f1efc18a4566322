from __future__ import annotations

from typing import Any

import pytest

from catalogue.models import Program

pytestmark = pytest.mark.django_db


def test_public_api_shows_published_programs_and_confirmed_figures_only(
    client: Any, month: dict[str, Any]
) -> None:
    data = client.get("/api/public/programs/").json()
    years = {p["year"] for p in data}
    assert years == set(
        Program.objects.filter(status="published", is_sample=False).values_list("year", flat=True)
    )
    draft = Program.objects.create(year=2099, issuer=month["program"].issuer, issuer_name="x", status="draft")
    assert client.get(f"/api/public/programs/{draft.pk}/").status_code == 404
    program = client.get(f"/api/public/programs/{month['program'].pk}/").json()
    assert program["as_of"] is None  # nothing confirmed yet: no figures at all
    assert all(p["progress"] is None for p in program["projects"])


@pytest.mark.parametrize(
    "endpoint", ["/api/findings/", "/api/inspections/", "/api/assets/", "/api/disclosures/"]
)
def test_staff_endpoints_are_closed_to_the_public(client: Any, endpoint: str) -> None:
    response = client.get(endpoint)
    assert response.status_code in (200, 403)
    if response.status_code == 200:  # disclosures: only started ones of published programs
        assert all(item["start"] for item in response.json()["results"])
