from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from core.models import AuditEvent
from orgs.models import Organisation

pytestmark = pytest.mark.django_db


def test_town_updates_its_contacts_and_a_stale_form_is_refused(client_for: Any) -> None:
    org = Organisation.objects.get(code="shitai")
    url = reverse("orgs:edit", args=[org.pk])
    data = {
        "contact_person": "李四",
        "phone": "0561-1234567",
        "address": "石台镇政府",
        "version": org.version,
        "reason": "人员调整",
    }
    assert client_for("town_shitai").post(url, data).status_code == 302
    org.refresh_from_db()
    assert (org.contact_person, org.version) == ("李四", 2)
    event = AuditEvent.objects.get(object_id=str(org.pk), content_type__model="organisation", action="update")
    assert event.reason == "人员调整" and event.before["contact_person"] == ""
    stale = dict(data, contact_person="王五", version=1)
    response = client_for("office").post(url, stale)
    assert response.status_code == 200 and "已被其他人修改" in response.content.decode()
    org.refresh_from_db()
    assert org.contact_person == "李四"
