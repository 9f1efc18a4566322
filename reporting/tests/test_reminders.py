from __future__ import annotations

import io
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_home_page_reminds_and_mail_goes_out(
    client_for: Any, month: dict[str, Any], town_shitai: Any
) -> None:
    page = client_for("town_shitai").get("/").content.decode()
    assert 'data-testid="todo"' in page and "报表待填报" in page and "已逾期" in page
    town_shitai.email = "shitai@example.invalid"
    town_shitai.save()
    out = io.StringIO()
    call_command("send_reminders", stdout=out)  # tests use the locmem mail backend
    assert "石台镇：2021年" in out.getvalue()
    assert any(m.to == ["shitai@example.invalid"] and "未提交" in m.body for m in mail.outbox)
