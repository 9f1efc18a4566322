from __future__ import annotations

import logging
import re
from typing import Any

import pytest
from django.urls import reverse

from core.models import AuditEvent
from orgs.tests._accounts import logs_in, new_account


def _shown_password(response: Any) -> str:
    return re.search(r'data-testid="one-time-password">([^<]+)<', response.content.decode()).group(1)


def test_reset_shows_a_one_time_password_once_and_the_old_one_stops_working(
    client_for: Any, client: Any, caplog: pytest.LogCaptureFixture
) -> None:
    user, old = new_account()
    office = client_for("office")
    with caplog.at_level(logging.DEBUG):
        response = office.post(reverse("orgs:user_password_reset", args=[user.pk]), {"reason": "忘记密码"})
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    new = _shown_password(response)
    assert new != old and new not in caplog.text
    # shown once: the account's page and the list never show it again, nor the audit trail
    assert new not in office.get(reverse("orgs:user_edit", args=[user.pk])).content.decode()
    assert new not in office.get(reverse("orgs:user_list")).content.decode()
    event = AuditEvent.objects.filter(content_type__model="user", object_id=str(user.pk)).first()
    assert event.reason == "忘记密码" and new not in str(event.after) and new not in str(event.before)
    user.refresh_from_db()
    assert new not in user.password and user.check_password(new) and not user.check_password(old)
    assert not logs_in(client, user.username, old)
    assert logs_in(client, user.username, new)


def test_reset_password_must_be_changed_at_next_login(client: Any, office: Any) -> None:
    from orgs import services

    user, _ = new_account()
    password = services.user_password_reset(actor=office, account=user, reason="忘记密码")
    client.post(reverse("login"), {"username": user.username, "password": password})
    assert client.get(reverse("home"))["Location"] == reverse("orgs:password_change")
    assert client.get("/api/programs/").status_code == 403
    page = client.get(reverse("orgs:password_change"))
    assert page.status_code == 200 and "请先修改密码" in page.content.decode()
    response = client.post(
        reverse("orgs:password_change"),
        {"old_password": password, "new_password1": "Xin-mima-2026!", "new_password2": "Xin-mima-2026!"},
    )
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 200  # the session survives the change
    user.membership.refresh_from_db()
    assert not user.membership.must_change_password


def test_reset_ends_the_old_session(client: Any, office: Any) -> None:
    from orgs import services

    user, _ = new_account()
    client.force_login(user)
    services.user_password_reset(actor=office, account=user, reason="账号疑似泄露")
    assert client.get(reverse("orgs:password_change")).status_code == 302
    assert client.get(reverse("orgs:password_change"))["Location"].startswith(reverse("login"))


def test_reset_needs_a_reason(client_for: Any) -> None:
    user, _ = new_account()
    response = client_for("office").post(reverse("orgs:user_password_reset", args=[user.pk]), {"reason": ""})
    assert response.status_code == 302


def test_one_time_password_gets_no_api_token(client: Any, office: Any) -> None:
    from orgs import services

    user, _ = new_account()
    password = services.user_password_reset(actor=office, account=user, reason="忘记密码")
    response = client.post(
        "/api/token/", {"username": user.username, "password": password}, content_type="application/json"
    )
    assert response.status_code == 403 and "修改初始密码" in response.json()["detail"]


def test_one_time_hash_is_light_and_upgraded_at_first_login(client: Any, office: Any, settings: Any) -> None:
    from orgs import services

    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        "orgs.hashers.OneTimePasswordHasher",
    ]
    user, _ = new_account()
    password = services.user_password_reset(actor=office, account=user, reason="忘记密码")
    user.refresh_from_db()
    assert user.password.startswith("pbkdf2_sha256_onetime$")
    assert logs_in(client, user.username, password)
    user.refresh_from_db()
    assert user.password.startswith("md5$")  # the default hasher took over
