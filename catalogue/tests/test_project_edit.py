"""Editing a project: audited with who/when/why, and a concurrent edit is refused, not overwritten."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from catalogue.models import Program, Project
from catalogue.services import project_update
from core.models import AuditEvent
from core.services import ConflictError
from orgs.models import Organisation

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft_project() -> Project:
    program = Program.objects.create(
        year=2099, issuer=Organisation.objects.get(code="gov"), issuer_name="杜集区人民政府"
    )
    return Project.objects.create(
        program=program,
        order=1,
        name="示例项目",
        kind="service",
        lead_department=Organisation.objects.get(code="wjw"),
    )


def test_edit_is_audited_with_reason(client_for: Any, draft_project: Project) -> None:
    client = client_for("dept_health")
    url = reverse("catalogue:project_edit", args=[draft_project.pk])
    response = client.post(
        url, {"summary": "新的简介", "content_items_text": "甲\n乙", "version": 1, "reason": "补充内容"}
    )
    assert response.status_code == 302
    draft_project.refresh_from_db()
    assert draft_project.summary == "新的简介" and draft_project.version == 2
    assert [c.name for c in draft_project.content_items.all()] == ["甲", "乙"]
    event = AuditEvent.objects.get(object_id=str(draft_project.pk), content_type__model="project")
    assert event.actor.username == "t_dept_health" and event.reason == "补充内容"
    assert event.before["summary"] == "" and event.after["summary"] == "新的简介"
    assert event.after["content_items"] == ["甲", "乙"]
    page = client.get(reverse("catalogue:project_detail", args=[draft_project.pk])).content.decode()
    assert "补充内容" in page and "修改记录" in page


def test_second_concurrent_save_gets_a_conflict(client_for: Any, draft_project: Project) -> None:
    url = reverse("catalogue:project_edit", args=[draft_project.pk])
    first = client_for("dept_health").post(url, {"summary": "甲的修改", "version": 1, "reason": "甲"})
    assert first.status_code == 302
    second = client_for("office").post(
        url,
        {
            "name": "示例项目",
            "kind": "service",
            "lead_department": draft_project.lead_department_id,
            "summary": "乙的修改",
            "version": 1,
            "reason": "乙",
        },
    )
    assert second.status_code == 200
    assert "已被其他人修改" in second.content.decode()
    draft_project.refresh_from_db()
    assert draft_project.summary == "甲的修改"
    assert (
        AuditEvent.objects.filter(object_id=str(draft_project.pk), content_type__model="project").count() == 1
    )


def test_service_refuses_stale_version_and_rolls_back(office: Any, draft_project: Project) -> None:
    with pytest.raises(ConflictError):
        project_update(
            actor=office,
            project=draft_project,
            data={"summary": "x"},
            content_items=["新内容"],
            expected_version=99,
            reason="过期",
        )
    draft_project.refresh_from_db()
    assert draft_project.summary == "" and not draft_project.content_items.exists()


def test_department_may_not_change_the_lead(dept_health: Any, draft_project: Project) -> None:
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        project_update(
            actor=dept_health,
            project=draft_project,
            data={"lead_department": Organisation.objects.get(code="jtj")},
            content_items=None,
            expected_version=1,
        )


def test_reason_is_required_on_the_form(client_for: Any, draft_project: Project) -> None:
    response = client_for("dept_health").post(
        reverse("catalogue:project_edit", args=[draft_project.pk]), {"summary": "x", "version": 1}
    )
    assert response.status_code == 200 and "该字段是必填项" in response.content.decode()


def test_office_takes_a_local_project_out_of_the_assessment(office: Any) -> None:
    from catalogue.models import Project
    from catalogue.services import project_update

    project = Project.objects.filter(program__year=2021).first()
    assert project.assessed
    project_update(
        actor=office,
        project=project,
        data={"assessed": False},
        content_items=None,
        expected_version=project.version,
        reason="本地自行增加的项目",
    )
    project.refresh_from_db()
    assert not project.assessed
