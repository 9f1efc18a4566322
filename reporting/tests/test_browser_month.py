"""Browser journey: a town fills and submits → the department returns it with an opinion → the town corrects
and resubmits → approval → the office sees the updated 进度表 and ranking."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from conftest import PASSWORD
from core.tests.test_browser import ARTIFACTS, login

pytestmark = pytest.mark.browser


def _login_as(page: Any, username: str) -> None:
    page.goto(page.base_url + "/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("[data-testid=whoami]", state="attached")


def test_a_month_end_to_end(browser_page: Any) -> None:
    from django.contrib.auth import get_user_model

    from catalogue.models import Program, Project
    from funding.services import funding_line_create
    from orgs.models import Organisation
    from orgs.services import membership_grant
    from reporting import services
    from responsibility import services as rs

    office = get_user_model().objects.get(username="t_office")
    program = Program.objects.get(year=2021)
    services.periods_open(actor=office, program=program)
    project = Project.objects.get(program=program, name="农村危房改造")
    shitai = Organisation.objects.get(code="shitai")
    indicator = rs.indicators_apply_defaults(actor=office, project=project)[0]
    for other in project.indicators.exclude(pk=indicator.pk):
        other.delete()
    rs.target_set(actor=office, indicator=indicator, unit=shitai, value=Decimal(10))
    funding_line_create(actor=office, project=project, unit=shitai, source="province", original="600000")
    lead_user, _ = get_user_model().objects.get_or_create(username="t_lead_housing")
    lead_user.set_password(PASSWORD)
    lead_user.save()
    membership_grant(actor=None, user=lead_user, organisation=project.lead_department, role="department")

    page = browser_page
    login(page, "town_shitai")
    page.goto(page.base_url + f"/reporting/{program.pk}/6/fill/")
    section = page.locator(f"#p{project.pk}")
    section.locator("summary").click()  # projects are collapsed on the fill page
    section.locator(f"input[name='r{project.pk}-v{indicator.pk}']").fill("4")
    section.locator(f"input[name='r{project.pk}-a-province']").fill("30")
    section.locator(f"input[name='r{project.pk}-s-province']").fill("20")
    section.locator(f"textarea[name='r{project.pk}-progress']").fill("已开工4户")
    page.click("button[value=submit]")
    assert "已提交" in page.inner_text(f"[data-testid=status-{project.pk}]")

    page.click("text=退出登录")
    _login_as(page, "t_lead_housing")
    page.goto(page.base_url + f"/reporting/{program.pk}/6/review/")
    page.locator("[data-testid=queue] tr", has_text="石台镇").locator('a:has-text("审核")').click()
    page.fill("#opinion", "支出数请与国库支付系统核对")
    page.click("button[value=return]")
    assert page.inner_text("[data-testid=report-status]") == "已退回"

    page.click("text=退出登录")
    login(page, "town_shitai")
    page.goto(page.base_url + f"/reporting/{program.pk}/6/fill/")
    assert "支出数请与国库支付系统核对" in page.inner_text(f"#p{project.pk}")
    page.locator(f"input[name='r{project.pk}-s-province']").fill("18")
    page.click("button[value=submit]")
    assert "已提交" in page.inner_text(f"[data-testid=status-{project.pk}]")

    page.click("text=退出登录")
    _login_as(page, "t_lead_housing")
    page.goto(page.base_url + f"/reporting/{program.pk}/6/review/")
    page.locator("[data-testid=queue] tr", has_text="石台镇").locator('a:has-text("审核")').click()
    page.click("button[value=approve]")
    assert page.inner_text("[data-testid=report-status]") == "部门审核通过"

    page.click("text=退出登录")
    login(page, "office")
    page.goto(page.base_url + f"/reporting/{program.pk}/6/review/")
    page.locator("[data-testid=queue] tr", has_text="石台镇").locator('a:has-text("审核")').click()
    page.click("button[value=approve]")
    assert page.inner_text("[data-testid=report-status]") == "民生办已确认"

    page.goto(page.base_url + f"/reporting/{program.pk}/6/progress/")
    row = page.locator("[data-testid=progress-table] tbody tr", has_text="农村危房改造")
    text = row.inner_text()
    assert "40.0%" in text  # 4 of 10 started
    assert "30.00" in text and "18.00" in text and "60.0%" in text  # arrived 30 万元, spent 18 万元 = 60 %
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "progress-table.png"), full_page=True)
    page.goto(page.base_url + f"/reporting/{program.pk}/6/ranking/")
    first = page.locator("[data-testid=rank-local] tbody tr").first.inner_text()
    assert "石台镇" in first
