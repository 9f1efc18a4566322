"""The Django admin is no side door: workflow states are set only by the services (publish checks, amendments,
the reporting and rectification workflows), so the admin shows them read-only — checked for every ModelAdmin."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib import admin
from django.test import RequestFactory

from catalogue.models import Program

pytestmark = pytest.mark.django_db

# fields that carry a workflow state or a lock, set only by services
WORKFLOW_FIELDS = {
    "status",
    "is_published",
    "locked",
    "is_locked",
    "confirmed_at",
    "closed_at",
    "start",
    "end",
}


def _request(user: Any) -> Any:
    request = RequestFactory().get("/admin/")
    request.user = user
    return request


def test_no_model_admin_lets_one_set_a_workflow_state(office: Any) -> None:
    request = _request(office)
    for model, model_admin in admin.site._registry.items():
        names = {f.name for f in model._meta.get_fields() if getattr(f, "concrete", False)}
        for obj in (None, model._default_manager.first()):
            if not model_admin.has_change_permission(request, obj) and obj is not None:
                continue
            if obj is None and not model_admin.has_add_permission(request):
                continue
            form = model_admin.get_form(request, obj)
            editable = set(form.base_fields) & names & WORKFLOW_FIELDS
            assert not editable, (model.__name__, editable)


def test_office_cannot_change_a_published_program_in_the_admin(client_for: Any) -> None:
    program = Program.objects.filter(status=Program.Status.PUBLISHED).first()
    client = client_for("office")
    url = f"/admin/catalogue/program/{program.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200 and 'name="status"' not in page.content.decode()  # shown, not editable
    answer = client.post(url, {"status": Program.Status.DRAFT, "year": program.year, "noun": "改了"})
    assert answer.status_code == 403
    program.refresh_from_db()
    assert program.status == Program.Status.PUBLISHED and program.noun != "改了"


def test_projects_of_a_published_program_are_read_only_in_the_admin(client_for: Any) -> None:
    program = Program.objects.filter(status=Program.Status.PUBLISHED).first()
    project = program.projects.first()
    client = client_for("office")
    url = f"/admin/catalogue/project/{project.pk}/change/"
    assert client.post(url, {"name": "改名"}).status_code == 403
    assert client.post(f"/admin/catalogue/project/{project.pk}/delete/", {"post": "yes"}).status_code == 403
    project.refresh_from_db()
    assert project.name != "改名"


def test_a_draft_programs_status_is_not_in_the_admin_form(office: Any) -> None:
    draft = Program(status=Program.Status.DRAFT)
    form = admin.site._registry[Program].get_form(_request(office), None)
    assert "status" not in form.base_fields
    assert admin.site._registry[Program].has_change_permission(_request(office), draft)


def test_no_bulk_delete_of_a_published_programs_rows(client_for: Any) -> None:
    program = Program.objects.filter(status=Program.Status.PUBLISHED).first()
    client = client_for("office")
    answer = client.post(
        "/admin/catalogue/project/",
        {
            "action": "delete_selected",
            "_selected_action": [p.pk for p in program.projects.all()[:2]],
            "post": "yes",
        },
    )
    assert answer.status_code in (200, 302)
    assert program.projects.count() >= 2
    answer = client.post(
        "/admin/catalogue/program/",
        {"action": "delete_selected", "_selected_action": [program.pk], "post": "yes"},
    )
    assert Program.objects.filter(pk=program.pk).exists()


def test_admin_tells_a_signed_in_user_without_rights(client_for: Any) -> None:
    town = client_for("town_shitai")
    page = town.get("/admin/", follow=True)
    assert page.status_code == 403
    text = page.content.decode()
    assert 'name="password"' not in text and "系统设置只对系统管理员开放" in text
    assert client_for("admin").get("/admin/login/?next=/admin/").status_code == 302


def test_admin_login_form_for_the_anonymous(client: Any) -> None:
    page = client.get("/admin/", follow=True)
    assert page.status_code == 200 and 'name="password"' in page.content.decode()
