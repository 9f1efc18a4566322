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
