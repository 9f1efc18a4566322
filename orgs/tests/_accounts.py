"""A fresh account made through the service, for the user management tests."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model

from orgs.models import Organisation
from orgs.services import AccountData, user_create


def new_account(username: str = "wangwu", *, role: str = "town", code: str = "shitai") -> tuple[Any, str]:
    office = get_user_model().objects.get(username="t_office")
    data = AccountData(
        username=username, name="王五", organisation=Organisation.objects.get(code=code), role=role
    )
    return user_create(actor=office, data=data, reason="测试")


def logs_in(client: Any, username: str, password: str) -> bool:
    """Log in through the login page (django-axes needs the request); True if it worked."""
    client.logout()
    response = client.post("/login/", {"username": username, "password": password})
    return response.status_code == 302
