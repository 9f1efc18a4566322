from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.urls import reverse

from core.models import AuditEvent
from orgs import services
from orgs.tests._accounts import logs_in, new_account


def test_deactivate_stops_login_and_keeps_the_account(client: Any, client_for: Any) -> None:
    user, password = new_account()
    response = client_for("office").post(
        reverse("orgs:user_active", args=[user.pk]), {"active": "0", "reason": "调离"}
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert not user.is_active
    event = AuditEvent.objects.get(content_type__model="user", object_id=str(user.pk), action="state")
    assert event.reason == "调离" and event.after["is_active"] is False
    assert not logs_in(client, "wangwu", password)


def test_deactivated_user_loses_the_open_session(client: Any, office: Any) -> None:
    user, _ = new_account()
    client.force_login(user)
    services.user_deactivate(actor=office, account=user, reason="调离")
    assert client.get(reverse("orgs:password_change")).status_code == 302  # sent to log in


def test_reactivate(client_for: Any) -> None:
    user, _ = new_account()
    client = client_for("office")
    client.post(reverse("orgs:user_active", args=[user.pk]), {"active": "0", "reason": "调离"})
    client.post(reverse("orgs:user_active", args=[user.pk]), {"active": "1", "reason": "返岗"})
    user.refresh_from_db()
    assert user.is_active


def test_nobody_deactivates_themselves(client_for: Any, office: Any) -> None:
    response = client_for("office").post(
        reverse("orgs:user_active", args=[office.pk]), {"active": "0", "reason": "误操作"}
    )
    assert response.status_code == 403
    with pytest.raises(ValidationError):
        services.user_deactivate(actor=office, account=office, reason="误操作")
    office.refresh_from_db()
    assert office.is_active


def test_deactivate_needs_a_reason(client_for: Any) -> None:
    user, _ = new_account()
    client_for("office").post(reverse("orgs:user_active", args=[user.pk]), {"active": "0", "reason": ""})
    user.refresh_from_db()
    assert user.is_active


def test_office_cannot_deactivate_an_administrator(client_for: Any) -> None:
    admin = get_user_model().objects.get(username="t_admin")
    response = client_for("office").post(
        reverse("orgs:user_active", args=[admin.pk]), {"active": "0", "reason": "x"}
    )
    assert response.status_code == 403
    admin.refresh_from_db()
    assert admin.is_active
