"""Browser: 民生办 follows the home page's to-do to the public feedback and answers it (no /admin/)."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from core.tests.a11y import axe_report, axe_violations
from core.tests.test_browser import login

pytestmark = pytest.mark.browser


def test_office_answers_feedback_from_the_todo(browser_page: Any) -> None:
    from catalogue.models import Program
    from disclosure.models import Feedback
    from disclosure.services import feedback_submit

    program = Program.objects.get(year=2021)
    for text in ("路灯不亮", "希望公开进度"):
        feedback_submit(program=program, project=None, satisfaction=2, aware=True, text=text)
    page = browser_page
    login(page, "office")
    page.click("text=群众意见待处理")
    expect(page.locator("h1")).to_have_text("群众意见")
    violations = axe_violations(page)
    assert not violations, axe_report("feedback list", violations)
    page.locator("li", has_text="路灯不亮").locator("text=答复或关闭").click()
    page.click("button:has-text('提交处理')")
    expect(page.locator("main")).to_contain_text("请填写答复")
    page.fill("textarea[name=reply]", "已转城管局维修")
    page.click("button:has-text('提交处理')")
    expect(page.locator("main")).to_contain_text("已处理。")
    expect(page.locator("[data-testid=feedback-table]")).not_to_contain_text("路灯不亮")
    assert Feedback.objects.get(text="路灯不亮").reply == "已转城管局维修"
    page.click("[data-testid=feedback-filters] >> text=已处理")
    expect(page.locator("[data-testid=feedback-table]")).to_contain_text("已转城管局维修")
    page.locator("li", has_text="路灯不亮").locator("text=查看").click()
    expect(page.locator("#history")).to_contain_text("已转城管局维修")
    violations = axe_violations(page)
    assert not violations, axe_report("feedback detail", violations)
