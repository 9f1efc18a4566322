"""The 定时任务 page in a real Chromium (the fixture fails on CSP and axe-core violations)."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from core.tests.test_browser import login

pytestmark = pytest.mark.browser


def test_the_administrator_opens_the_scheduled_jobs_from_the_menu(browser_page: Any) -> None:
    page = browser_page
    login(page, "admin")
    page.goto(page.base_url + "/jobs/schedule/")
    expect(page.locator("[data-testid=schedule] tbody tr")).to_have_count(6)
    expect(page.locator("[data-testid=schedule]")).to_contain_text("截止前提醒")
    expect(page.locator("[data-testid=workers]")).to_contain_text("没有正在运行的工作进程")
