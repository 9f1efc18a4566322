from __future__ import annotations

import re
from typing import Any

from django.contrib.auth import get_user_model
from django.urls import reverse

from core.models import AuditEvent
from orgs.models import Membership, Organisation


def _form(**extra: Any) -> dict[str, Any]:
    data = {
        "name": "张三",
        "username": "zhangsan",
        "role": "town",
        "organisation": Organisation.objects.get(code="shitai").pk,
        "phone": "13800000000",
        "title": "",
        "reason": "新到岗",
    }
    data.update(extra)
    return data


def test_create_user_with_role_and_organisation_in_one_form(client_for: Any) -> None:
    response = client_for("office").post(reverse("orgs:user_create"), _form())
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    password = re.search(r'data-testid="one-time-password">([^<]+)<', response.content.decode()).group(1)
    user = get_user_model().objects.get(username="zhangsan")
    m = Membership.objects.get(user=user)
    assert (m.role, m.organisation.code, m.phone, m.must_change_password) == (
        "town",
        "shitai",
        "13800000000",
        True,
    )
    assert user.check_password(password) and password not in user.password
    events = list(AuditEvent.objects.filter(content_type__model="user", object_id=str(user.pk))) + list(
        AuditEvent.objects.filter(content_type__model="membership", object_id=str(m.pk))
    )
    assert len(events) == 2 and all(e.reason == "新到岗" for e in events)
    assert not any(password in str(e.after) for e in events)


def test_organisation_must_fit_the_role(client_for: Any) -> None:
    district = Organisation.objects.get(code="duji")
    response = client_for("office").post(reverse("orgs:user_create"), _form(organisation=district.pk))
    assert "不能设“镇街”账号" in response.content.decode()
    assert not get_user_model().objects.filter(username="zhangsan").exists()


def test_organisation_choices_carry_the_roles_they_fit(client_for: Any) -> None:
    page = client_for("office").get(reverse("orgs:user_create")).content.decode()
    shitai = Organisation.objects.get(code="shitai")
    assert re.search(rf'value="{shitai.pk}"[^>]*data-roles="town"', page)
    district = Organisation.objects.get(code="duji")
    assert re.search(
        rf'value="{district.pk}"[^>]*data-roles="leader"', page
    )  # never a town's or a department's


def test_office_cannot_create_an_administrator(client_for: Any) -> None:
    msb = Organisation.objects.get(code="msb")
    client = client_for("office")
    assert 'value="admin"' not in client.get(reverse("orgs:user_create")).content.decode()
    response = client.post(reverse("orgs:user_create"), _form(role="admin", organisation=msb.pk))
    assert response.status_code == 200
    assert not get_user_model().objects.filter(username="zhangsan").exists()


def test_administrator_creates_an_administrator(client_for: Any) -> None:
    msb = Organisation.objects.get(code="msb")
    client_for("admin").post(reverse("orgs:user_create"), _form(role="admin", organisation=msb.pk))
    user = get_user_model().objects.get(username="zhangsan")
    assert user.is_superuser and user.membership.role == "admin"


def test_duplicate_username_is_refused(client_for: Any) -> None:
    response = client_for("office").post(reverse("orgs:user_create"), _form(username="T_Town_Shitai"))
    assert "已存在" in response.content.decode()


def test_edit_changes_role_and_organisation(client_for: Any) -> None:
    from orgs.services import AccountData, user_create

    office = get_user_model().objects.get(username="t_office")
    shitai, wjw = Organisation.objects.get(code="shitai"), Organisation.objects.get(code="wjw")
    user, _ = user_create(
        actor=office, data=AccountData(username="lisi", name="李四", organisation=shitai, role="town")
    )
    client = client_for("office")
    response = client.post(
        reverse("orgs:user_edit", args=[user.pk]),
        _form(username="lisi", name="李四", role="department", organisation=wjw.pk, reason="调岗"),
    )
    assert response.status_code == 302
    user.membership.refresh_from_db()
    assert (user.membership.role, user.membership.organisation) == ("department", wjw)
    assert AuditEvent.objects.filter(
        content_type__model="membership", object_id=str(user.membership.pk), reason="调岗"
    ).exists()


def test_office_cannot_edit_an_administrator(client_for: Any) -> None:
    admin = get_user_model().objects.get(username="t_admin")
    assert client_for("office").get(reverse("orgs:user_edit", args=[admin.pk])).status_code == 403


def test_nobody_changes_their_own_role(client_for: Any) -> None:
    office = get_user_model().objects.get(username="t_office")
    msb = Organisation.objects.get(code="msb")
    client = client_for("office")
    url = reverse("orgs:user_edit", args=[office.pk])
    refused = client.post(
        url,
        _form(username="t_office", role="department", organisation=Organisation.objects.get(code="wjw").pk),
    )
    assert "不能修改自己的角色" in refused.content.decode()
    kept = client.post(url, _form(username="t_office", name="民生办甲", role="office", organisation=msb.pk))
    assert kept.status_code == 302
    office.refresh_from_db()
    assert office.first_name == "民生办甲" and office.membership.role == "office"
