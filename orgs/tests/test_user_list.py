from __future__ import annotations

from typing import Any

from django.urls import reverse


def test_user_list_shows_organisation_and_role(client_for: Any) -> None:
    page = client_for("office").get(reverse("orgs:user_list")).content.decode()
    assert "t_town_shitai" in page
    assert "石台镇" in page and "镇街" in page
    assert "杜集区卫生健康委员会" in page and "部门" in page


def test_user_list_filters_by_role_and_organisation(client_for: Any) -> None:
    from orgs.models import Organisation

    client = client_for("office")
    towns = client.get(reverse("orgs:user_list"), {"role": "town"}).content.decode()
    assert "t_town_shitai" in towns and "t_dept_health" not in towns
    shitai = Organisation.objects.get(code="shitai")
    one = client.get(reverse("orgs:user_list"), {"organisation": shitai.pk}).content.decode()
    assert "t_town_shitai" in one and "t_town_duanyuan" not in one


def test_user_list_search_finds_by_username(client_for: Any) -> None:
    page = client_for("office").get(reverse("orgs:user_list"), {"q": "duanyuan"}).content.decode()
    assert "t_town_duanyuan" in page and "t_town_shitai" not in page


def test_menu_offers_user_management_only_to_managers(client_for: Any) -> None:
    url = reverse("orgs:user_list")
    assert url in client_for("office").get(reverse("home")).content.decode()
    assert url in client_for("admin").get(reverse("home")).content.decode()
    for role in ("leader", "town_shitai", "dept_health", "supervisor"):
        assert url not in client_for(role).get(reverse("home")).content.decode(), role
