"""Only 系统管理员 and 民生办 reach user management; everyone else gets 403, the public the login page."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

OUTSIDERS = ["town_shitai", "dept_health", "supervisor", "leader"]


def _urls() -> list[tuple[str, str]]:
    target = get_user_model().objects.get(username="t_town_duanyuan").pk
    return [
        ("get", reverse("orgs:user_list")),
        ("get", reverse("orgs:user_create")),
        ("post", reverse("orgs:user_create")),
        ("get", reverse("orgs:user_edit", args=[target])),
        ("post", reverse("orgs:user_edit", args=[target])),
        ("post", reverse("orgs:user_active", args=[target])),
        ("post", reverse("orgs:user_password_reset", args=[target])),
        ("get", reverse("orgs:users_import")),
        ("post", reverse("orgs:users_import")),
        ("get", reverse("orgs:users_template")),
        ("post", reverse("orgs:users_import_confirm")),
    ]


@pytest.mark.parametrize("role", OUTSIDERS)
def test_outsiders_get_403_on_every_user_management_url(client_for: Any, role: str) -> None:
    client = client_for(role)
    for method, url in _urls():
        response = getattr(client, method)(url, {"reason": "x", "active": "0", "token": "x"})
        assert response.status_code == 403, (role, method, url)
    target = get_user_model().objects.get(username="t_town_duanyuan")
    assert target.is_active and target.check_password("persona-pass-1")


def test_anonymous_is_sent_to_log_in(client_for: Any) -> None:
    client = client_for("anon")
    for method, url in _urls():
        response = getattr(client, method)(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login")), url


@pytest.mark.parametrize("role", ["office", "admin"])
def test_managers_open_every_page(client_for: Any, role: str) -> None:
    client = client_for(role)
    for method, url in _urls():
        if method == "get":
            assert client.get(url).status_code == 200, url


def test_password_change_page_is_for_everyone_logged_in(client_for: Any) -> None:
    for role in [*OUTSIDERS, "office"]:
        assert client_for(role).get(reverse("orgs:password_change")).status_code == 200
    assert client_for("anon").get(reverse("orgs:password_change")).status_code == 302
