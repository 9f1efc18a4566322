"""Issue 14 item 3 (first part): a city's target for a project splits into its districts' targets, under the same
sum check as a district's split to its units (responsibility.selectors.target_problems)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied

from catalogue.models import Program, Project
from orgs.models import Organisation
from responsibility import services
from responsibility.selectors import target_problems

pytestmark = pytest.mark.django_db


def test_city_target_splits_into_its_districts_with_the_sum_check(persona: Any) -> None:
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
    indicator.refresh_from_db()
    duji, xiangshan = Organisation.objects.get(code="duji"), Organisation.objects.get(code="xiangshan")
    services.target_set(actor=city_office, indicator=indicator, unit=duji, value=Decimal(60))
    services.target_set(actor=city_office, indicator=indicator, unit=xiangshan, value=Decimal(30))
    (problem,) = target_problems(user=city_office, program=program)
    assert "各单位目标合计90" in problem and "项目目标100" in problem
    services.target_set(actor=city_office, indicator=indicator, unit=xiangshan, value=Decimal(40))
    assert target_problems(user=city_office, program=program) == []
    # a district's office plans nothing in the city's program
    with pytest.raises(PermissionDenied):
        services.target_set(actor=persona("office"), indicator=indicator, unit=duji, value=Decimal(1))
