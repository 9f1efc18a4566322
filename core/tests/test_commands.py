from __future__ import annotations

import io
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from orgs.models import Membership

pytestmark = pytest.mark.django_db


def test_ensure_admin_creates_once_and_saves_password(settings: Any, tmp_path: Any) -> None:
    settings.VAR_DIR = tmp_path
    User = get_user_model()
    User.objects.filter(is_superuser=True).delete()
    out = io.StringIO()
    call_command("ensure_admin", stdout=out)
    saved = (tmp_path / "initial-admin-password.txt").read_text()
    password = saved.split("password: ")[1].strip()
    assert password in out.getvalue()
    assert User.objects.get(username="admin").check_password(password)
    again = io.StringIO()
    call_command("ensure_admin", stdout=again)
    assert password not in again.getvalue() and "已存在" in again.getvalue()
    assert User.objects.filter(is_superuser=True).count() == 1


def test_demo_accounts_one_per_role_labelled(settings: Any, tmp_path: Any, monkeypatch: Any) -> None:
    settings.VAR_DIR = tmp_path
    monkeypatch.delenv("MINSHENG_PRODUCTION", raising=False)
    call_command("create_demo_accounts", "--password", "demo-pass-42", stdout=io.StringIO())
    demo = Membership.objects.filter(is_demo=True).select_related("user")
    assert {m.role for m in demo} == {"admin", "office", "department", "town", "supervisor", "leader"}
    assert all(m.user.first_name.startswith("示例") and m.user.check_password("demo-pass-42") for m in demo)
    count = demo.count()
    call_command("create_demo_accounts", "--password", "demo-pass-42", stdout=io.StringIO())
    assert Membership.objects.filter(is_demo=True).count() == count


def test_demo_accounts_refused_in_production(monkeypatch: Any) -> None:
    monkeypatch.setenv("MINSHENG_PRODUCTION", "1")
    with pytest.raises(CommandError):
        call_command("create_demo_accounts", stdout=io.StringIO())
    assert not Membership.objects.filter(is_demo=True).exists()


def test_demo_banner_shows(client: Any, settings: Any, tmp_path: Any) -> None:
    settings.VAR_DIR = tmp_path
    call_command("create_demo_accounts", "--password", "demo-pass-42", stdout=io.StringIO())
    client.force_login(get_user_model().objects.get(username="demo_town_shitai"))
    assert "示例账号" in client.get("/").content.decode()
