"""Configuration through the Django admin is audited like any other change."""

from __future__ import annotations

from typing import Any

import pytest

from core.models import AuditEvent
from orgs.models import Organisation

pytestmark = pytest.mark.django_db


def test_office_edits_a_department_in_admin_and_it_is_audited(client_for: Any) -> None:
    org = Organisation.objects.get(code="jtj")
    client = client_for("office")
    url = f"/admin/orgs/organisation/{org.pk}/change/"
    form = client.get(url)
    assert form.status_code == 200
    data = {
        "code": org.code,
        "name": org.name,
        "short_name": "教体局（改）",
        "kind": org.kind,
        "parent": org.parent_id,
        "order": org.order,
        "is_default": "on",
        "is_active": "on",
        "contact_person": "",
        "phone": "",
        "address": "",
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    org.refresh_from_db()
    assert org.short_name == "教体局（改）" and org.version == 2
    event = AuditEvent.objects.filter(object_id=str(org.pk), content_type__model="organisation").latest("id")
    assert event.actor.username == "t_office" and event.action == "update"
    assert event.after["short_name"] == "教体局（改）" and event.before["short_name"] != "教体局（改）"


def test_audit_log_cannot_be_edited_in_admin(client_for: Any) -> None:
    assert client_for("admin").get("/admin/core/auditevent/add/").status_code == 403


def test_admin_grants_a_role_through_the_service(client_for: Any, django_user_model: Any) -> None:
    from orgs.models import Membership

    newcomer = django_user_model.objects.create_user(username="newcomer", password="x-pass-123")
    office_org = Organisation.objects.get(code="msb")
    response = client_for("admin").post(
        "/admin/orgs/membership/add/",
        {"user": newcomer.pk, "organisation": office_org.pk, "role": "office", "title": "科员"},
    )
    assert response.status_code == 302, response.content.decode()[:1500]
    newcomer.refresh_from_db()
    assert newcomer.is_staff and newcomer.groups.filter(name="民生办").exists()
    membership = Membership.objects.get(user=newcomer)
    event = AuditEvent.objects.get(content_type__model="membership", object_id=str(membership.pk))
    assert event.actor.username == "t_admin" and event.after["role"] == "office"


def test_user_edits_are_audited_without_the_password(client_for: Any, django_user_model: Any) -> None:
    user = django_user_model.objects.create_user(username="someone", password="x-pass-123")
    response = client_for("admin").post(
        f"/admin/auth/user/{user.pk}/change/",
        {
            "username": "someone",
            "first_name": "某人",
            "last_name": "",
            "email": "",
            "is_active": "on",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "00:00:00",
        },
    )
    assert response.status_code == 302, response.content.decode()[:1500]
    event = AuditEvent.objects.get(content_type__model="user", object_id=str(user.pk))
    assert event.after["first_name"] == "某人"
    assert "password" not in event.after and "password" not in event.before
