"""Login throttling (django-axes): lockout per account and per client address, on /login/ and /api/token/."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from conftest import PASSWORD, PERSONAS
from core.models import AuditEvent

pytestmark = pytest.mark.django_db

TOWN = PERSONAS["town_shitai"][0]
OTHER = PERSONAS["dept_health"][0]


def _login(client: Client, username: str, password: str, ip: str = "10.0.0.1") -> Any:
    return client.post("/login/", {"username": username, "password": password}, REMOTE_ADDR=ip)


def _token(client: Client, username: str, password: str, ip: str = "10.0.0.1") -> Any:
    return client.post(
        "/api/token/",
        {"username": username, "password": password},
        content_type="application/json",
        REMOTE_ADDR=ip,
    )


def _fail(n: int, client: Client, username: str, ip: str = "10.0.0.1") -> None:
    for _ in range(n):
        _login(client, username, "wrong-password", ip)


def test_thirty_wrong_passwords_lock_the_account_even_for_the_right_one(client: Client, db: Any) -> None:
    _fail(30, client, TOWN)
    response = _login(client, TOWN, PASSWORD)
    assert response.status_code == 429
    assert "登录失败次数过多" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_few_wrong_passwords_do_not_lock(client: Client, db: Any) -> None:
    _fail(3, client, TOWN)
    assert _login(client, TOWN, PASSWORD).status_code == 302


def test_locked_account_is_locked_from_another_address_too(client: Client, db: Any) -> None:
    _fail(30, client, TOWN, ip="10.0.0.1")
    assert _login(Client(), TOWN, PASSWORD, ip="10.9.9.9").status_code == 429


def test_other_account_from_other_address_is_unaffected(client: Client, db: Any) -> None:
    _fail(30, client, TOWN, ip="10.0.0.1")
    assert _login(Client(), OTHER, PASSWORD, ip="10.9.9.9").status_code == 302


def test_client_guessing_many_accounts_is_locked(client: Client, db: Any) -> None:
    for i in range(12):
        _login(client, f"guess{i}", "wrong-password", ip="10.0.0.7")
    assert _login(client, OTHER, PASSWORD, ip="10.0.0.7").status_code == 429
    assert _login(Client(), OTHER, PASSWORD, ip="10.0.0.8").status_code == 302


def test_lockout_is_audited_once(client: Client, db: Any) -> None:
    _fail(30, client, TOWN)
    events = AuditEvent.objects.filter(object_repr=TOWN, action="state")
    assert events.count() == 1
    assert "锁定" in events.get().reason


def test_admin_reset_unlocks(client: Client, db: Any) -> None:
    _fail(30, client, TOWN)
    call_command("axes_reset_username", TOWN)
    assert _login(client, TOWN, PASSWORD).status_code == 302


def test_admin_sees_access_attempts(client: Client, client_for: Any) -> None:
    _fail(30, Client(), TOWN)
    page = client_for("admin").get("/admin/axes/accessattempt/")
    assert page.status_code == 200 and TOWN in page.content.decode()


def test_token_endpoint_is_throttled(client: Client, db: Any) -> None:
    for _ in range(30):
        assert _token(client, TOWN, "wrong-password").status_code in (400, 429)
    response = _token(client, TOWN, PASSWORD)
    assert response.status_code == 429
    assert "登录失败次数过多" in response.json()["detail"]


def test_login_page_failures_lock_the_token_endpoint(client: Client, db: Any) -> None:
    _fail(30, client, TOWN)
    assert _token(Client(), TOWN, PASSWORD, ip="10.9.9.9").status_code == 429


def test_admin_unlocks_in_the_admin_site(client: Client, client_for: Any) -> None:
    from axes.models import AccessAttempt

    _fail(30, Client(), TOWN)
    ids = [str(pk) for pk in AccessAttempt.objects.values_list("pk", flat=True)]
    admin = client_for("admin")
    response = admin.post(
        "/admin/axes/accessattempt/", {"action": "delete_selected", "_selected_action": ids, "post": "yes"}
    )
    assert response.status_code == 302 and not AccessAttempt.objects.exists()
    assert _login(Client(), TOWN, PASSWORD).status_code == 302


def test_lockout_shows_in_the_audit_log(client_for: Any) -> None:
    _fail(30, Client(), TOWN)
    _fail(30, Client(), "no-such-user", ip="10.0.0.5")
    page = client_for("office").get("/audit/")
    assert page.status_code == 200 and page.content.decode().count("登录失败次数过多") >= 2


def test_attempts_do_not_store_the_password(client: Client, db: Any) -> None:
    from axes.models import AccessAttempt

    client.post(
        "/login/", {"username": TOWN, "password": "almost-the-password", "csrfmiddlewaretoken": "abc"}
    )
    stored = AccessAttempt.objects.get()
    assert "almost-the-password" not in stored.post_data and "abc" not in stored.post_data
