from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from catalogue.models import Program
from disclosure import services
from orgs.models import Organisation

pytestmark = pytest.mark.django_db


def test_units_record_their_own_and_late_disclosures_are_listed(persona: Any, client_for: Any) -> None:
    program = Program.objects.get(year=2021)
    shitai, duanyuan = Organisation.objects.get(code="shitai"), Organisation.objects.get(code="duanyuan")
    town = persona("town_shitai")
    services.disclosure_record(
        actor=town,
        data={
            "program": program,
            "unit": shitai,
            "title": "示例补助名单公示",
            "place": "村务公开栏",
            "due": dt.date(2021, 4, 1),
        },
    )
    with pytest.raises(PermissionDenied):
        services.publicity_record(
            actor=town,
            data={
                "program": program,
                "unit": duanyuan,
                "date": dt.date(2021, 5, 1),
                "kind": "leaflet",
                "title": "示例",
            },
        )
    services.publicity_record(
        actor=town,
        data={
            "program": program,
            "unit": shitai,
            "date": dt.date(2021, 5, 1),
            "kind": "month",
            "title": "示例宣传月",
            "reach": 800,
        },
    )
    page = client_for("office").get(reverse("disclosure:index")).content.decode()
    assert 'data-testid="late-disclosures"' in page and "示例补助名单公示" in page and "示例宣传月" in page
    other = client_for("town_duanyuan").get(reverse("disclosure:index")).content.decode()
    assert "示例补助名单公示" not in other  # not started: only its own unit and the district see it
