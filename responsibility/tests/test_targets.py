"""Indicators and targets: defaults per kind, unit split with sum check, 序时 plans, who may set them."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from catalogue.models import Project
from core.models import AuditEvent
from orgs.models import Organisation
from responsibility import selectors, services
from responsibility.models import Target

pytestmark = pytest.mark.django_db


@pytest.fixture
def toilets() -> Project:
    """农村厕所改造: a works project led by 农业农村局, implemented by the towns (default assignment)."""
    return Project.objects.get(program__year=2021, name="农村厕所改造及粪污资源化利用")


def test_default_indicators_follow_the_kind(office: Any, toilets: Project) -> None:
    created = services.indicators_apply_defaults(actor=office, project=toilets)
    assert [i.name for i in created] == ["开工项目数", "完工项目数", "完成投资"]
    assert all(i.is_default for i in created)
    assert services.indicators_apply_defaults(actor=office, project=toilets) == created  # no duplicates


def test_unit_targets_must_add_up(office: Any, toilets: Project) -> None:
    ind = services.indicators_apply_defaults(actor=office, project=toilets)[0]
    services.indicator_save(
        actor=office, project=toilets, indicator=ind, data={"target": Decimal(100)}, reason="下达"
    )
    units = list(toilets.implementing_units.all())
    for unit in units:
        services.target_set(actor=office, indicator=ind, unit=unit, value=Decimal(10), reason="分解")
    problems = selectors.target_problems(user=office, program=toilets.program)
    assert problems == [
        f"农村厕所改造及粪污资源化利用·开工项目数：各单位目标合计{10 * len(units)}个，与项目目标100个不一致"
    ]
    services.target_set(
        actor=office, indicator=ind, unit=units[0], value=Decimal(100 - 10 * (len(units) - 1)), reason="调整"
    )
    assert selectors.target_problems(user=office, program=toilets.program) == []
    assert AuditEvent.objects.filter(content_type__model="target", reason="调整").count() == 1


def test_plans_are_validated_and_drive_the_schedule(office: Any, toilets: Project) -> None:
    ind = services.indicators_apply_defaults(actor=office, project=toilets)[0]
    unit = toilets.implementing_units.first()
    with pytest.raises(ValidationError, match="应等于年度目标"):
        services.target_set(actor=office, indicator=ind, unit=unit, value=Decimal(12), plan=[1, 2, 3, 4])
    with pytest.raises(ValidationError, match="不能逐期减少"):
        services.target_set(actor=office, indicator=ind, unit=unit, value=Decimal(12), plan=[3, 2, 6, 12])
    target = services.target_set(
        actor=office, indicator=ind, unit=unit, value=Decimal(12), plan=[0, 6, 9, 12]
    )
    assert services.planned_share(target, 6) == Decimal("0.5")
    assert services.planned_share(target, 5) == Decimal(4) / Decimal(12)
    linear = services.target_set(
        actor=office, indicator=ind, unit=toilets.implementing_units.last(), value=Decimal(24)
    )
    assert services.planned_share(linear, 3) == Decimal("0.25")


def test_lead_department_plans_even_after_publishing(persona: Any, toilets: Project) -> None:
    lead = toilets.lead_department
    dept_user = persona("dept_health")
    if lead.code != "wjw":
        with pytest.raises(PermissionDenied):
            services.indicators_apply_defaults(actor=dept_user, project=toilets)
    health = Project.objects.get(program__year=2021, name="城乡适龄妇女“两癌”免费筛查")
    assert health.program.status == "published"
    created = services.indicators_apply_defaults(actor=dept_user, project=health)
    assert created
    for role in ("town_shitai", "leader", "supervisor"):
        with pytest.raises(PermissionDenied):
            services.target_set(
                actor=persona(role),
                indicator=created[0],
                unit=Organisation.objects.get(code="shitai"),
                value=Decimal(1),
            )


def test_town_sees_only_its_own_targets(client_for: Any, office: Any, toilets: Project) -> None:
    ind = services.indicators_apply_defaults(actor=office, project=toilets)[0]
    shitai, duanyuan = Organisation.objects.get(code="shitai"), Organisation.objects.get(code="duanyuan")
    services.target_set(actor=office, indicator=ind, unit=shitai, value=Decimal(7))
    services.target_set(actor=office, indicator=ind, unit=duanyuan, value=Decimal(9))
    from django.contrib.auth import get_user_model

    from core.policy import restrict

    town = get_user_model().objects.get(username="t_town_shitai")
    assert list(restrict(Target.objects.all(), town, "view").values_list("unit__code", flat=True)) == [
        "shitai"
    ]
    matrix = (
        client_for("town_shitai")
        .get(reverse("responsibility:program_matrix", args=[toilets.program_id]))
        .content.decode()
    )
    assert "开工项目数7个" in matrix and "开工项目数9个" not in matrix


def test_office_sets_targets_through_the_grid(client_for: Any, office: Any, toilets: Project) -> None:
    client = client_for("office")
    url = reverse("responsibility:project_targets", args=[toilets.pk])
    client.post(url, {"action": "defaults"})
    ind = toilets.indicators.get(name="完工项目数")
    shitai = Organisation.objects.get(code="shitai")
    response = client.post(url, {"action": "targets", f"t-{ind.pk}-{shitai.pk}": "35", "reason": "年度分解"})
    assert response.status_code == 302
    assert Target.objects.get(indicator=ind, unit=shitai).value == Decimal(35)
    bad = client.post(url, {"action": "targets", f"t-{ind.pk}-{shitai.pk}": "-1"}, follow=True)
    assert "目标值有误" in bad.content.decode()
    assert Target.objects.get(indicator=ind, unit=shitai).value == Decimal(35)
    assert client_for("town_shitai").post(url, {"action": "defaults"}).status_code == 403


def test_targets_page_edits_the_project_target_and_shows_plain_numbers(
    client_for: Any, office: Any, toilets: Project
) -> None:
    ind = services.indicators_apply_defaults(actor=office, project=toilets)[0]
    services.indicator_save(actor=office, project=toilets, indicator=ind, data={"target": Decimal(2)})
    shitai = Organisation.objects.get(code="shitai")
    services.target_set(actor=office, indicator=ind, unit=shitai, value=Decimal("2"))
    client = client_for("office")
    url = reverse("responsibility:project_targets", args=[toilets.pk])
    page = client.get(url).content.decode()
    assert f'name="p-{ind.pk}"' in page and "2.0000" not in page
    assert f'name="t-{ind.pk}-{shitai.pk}" value="2"' in page
    response = client.post(
        url, {"action": "targets", f"p-{ind.pk}": "12.5", f"t-{ind.pk}-{shitai.pk}": "3", "reason": "调整"}
    )
    assert response.status_code == 302
    ind.refresh_from_db()
    assert ind.target == Decimal("12.5") and Target.objects.get(indicator=ind, unit=shitai).value == 3
    town = client_for("town_shitai").get(url).content.decode()
    assert "12.5" in town and "12.5000" not in town and "3.0000" not in town


def test_reason_boxes_of_the_targets_page_have_labels(client_for: Any, office: Any, toilets: Project) -> None:
    import re

    from funding.services import funding_line_create

    services.indicators_apply_defaults(actor=office, project=toilets)
    funding_line_create(actor=office, project=toilets, unit=None, source="district", original="10000")
    page = (
        client_for("office")
        .get(reverse("responsibility:project_targets", args=[toilets.pk]))
        .content.decode()
    )
    inputs = re.findall(r'<(?:input|textarea|select)[^>]*\bid="([^"]+)"', page)
    labelled = set(re.findall(r'<label[^>]*\bfor="([^"]+)"', page))
    aria = set(re.findall(r'\bid="([^"]+)"[^>]*aria-label=|aria-label="[^"]+"[^>]*\bid="([^"]+)"', page))
    aria_ids = {a or b for a, b in aria}
    unlabelled = [i for i in inputs if i not in labelled and i not in aria_ids]
    assert "id_reason" in labelled and unlabelled == []
    assert len(set(inputs)) == len(inputs)  # every id once (one adjustment form per line)
