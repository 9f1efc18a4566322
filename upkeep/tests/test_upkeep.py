"""长效管护: every asset has a custodian or shows up on a list; a bad check becomes a finding for the custodian."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from catalogue.models import Project
from orgs.models import Organisation
from supervision.models import Finding
from upkeep import selectors, services

pytestmark = pytest.mark.django_db


@pytest.fixture
def assets(office: Any) -> dict[str, Any]:
    project = Project.objects.get(program__year=2021, name="小型病险水库除险加固")
    shitai = Organisation.objects.get(code="shitai")
    base = {"project": project, "location": "石台镇", "owner": "区水利局", "check_interval_days": 90}
    kept = services.asset_save(
        actor=office,
        data={
            **base,
            "name": "示例水库甲",
            "custodian": shitai,
            "responsible_person": "示例管护员",
            "fund_amount": 20000,
            "fund_source": "district",
        },
    )
    orphan = services.asset_save(actor=office, data={**base, "name": "示例水库乙"})
    return {"kept": kept, "orphan": orphan, "shitai": shitai, "project": project}


def test_lists_show_missing_custodians_and_overdue_checks(office: Any, assets: dict[str, Any]) -> None:
    later = dt.date.today() + dt.timedelta(days=120)
    lists = selectors.attention(user=office, today=later)
    assert [a.name for a in lists["no_custodian"]] == ["示例水库乙"]
    assert {a.name for a in lists["overdue"]} == {"示例水库甲", "示例水库乙"}
    services.asset_check(actor=office, asset=assets["kept"], date=dt.date.today(), condition="good")
    lists = selectors.attention(user=office, today=dt.date.today() + dt.timedelta(days=30))
    assert [a.name for a in lists["overdue"]] == []


def test_a_broken_asset_becomes_a_finding(town_shitai: Any, assets: dict[str, Any]) -> None:
    check = services.asset_check(
        actor=town_shitai, asset=assets["kept"], date=dt.date.today(), condition="broken", note="溢洪道堵塞"
    )
    finding = check.finding
    assert finding.source == Finding.Source.ASSET_CHECK and finding.responsible == assets["shitai"]
    assert "溢洪道堵塞" in finding.description and finding.status == Finding.Status.OPEN
    with pytest.raises(ValidationError, match="没有管护主体"):
        services.asset_check(actor=_office(), asset=assets["orphan"], date=dt.date.today(), condition="poor")


def _office() -> Any:
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username="t_office")


def test_only_the_custodian_checks(persona: Any, assets: dict[str, Any], client_for: Any) -> None:
    with pytest.raises(PermissionDenied):
        services.asset_check(
            actor=persona("town_duanyuan"), asset=assets["kept"], date=dt.date.today(), condition="good"
        )
    assert client_for("town_duanyuan").get(reverse("upkeep:index")).status_code == 200
    assert "示例水库甲" not in client_for("town_duanyuan").get(reverse("upkeep:index")).content.decode()
    assert "示例水库甲" in client_for("town_shitai").get(reverse("upkeep:index")).content.decode()


def test_register_through_the_page(client_for: Any) -> None:
    project = Project.objects.get(program__year=2021, name="小型病险水库除险加固")
    shitai = Organisation.objects.get(code="shitai")
    data = {
        "project": project.pk,
        "name": "示例水库丙",
        "location": "石台镇",
        "owner": "区水利局",
        "custodian": shitai.pk,
        "check_interval_days": 90,
    }
    assert client_for("town_shitai").post(reverse("upkeep:index"), data).status_code == 403
    response = client_for("office").post(reverse("upkeep:index"), data)
    assert response.status_code == 302
    assert project.assets.get(name="示例水库丙").custodian == shitai
