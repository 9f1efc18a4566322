"""In Chromium under the strict CSP: the office creates an account whose organisation list follows the role,
and the new user is made to change the one-time password first."""

from __future__ import annotations

from typing import Any

import pytest

from core.tests.test_browser import login

pytestmark = pytest.mark.browser


def test_office_creates_a_town_account_and_the_user_changes_the_password(browser_page: Any) -> None:
    page = browser_page
    login(page, "office")
    page.goto(page.base_url + "/users/new/")
    page.select_option("#id_role", "town")
    visible = page.eval_on_selector_all(
        "#id_organisation option:not([hidden])", "els => els.map(e => e.textContent.trim())"
    )
    assert "石台镇" in visible and not any("卫生健康" in v or v == "杜集区" for v in visible), visible
    page.fill("#id_name", "赵六")
    page.fill("#id_username", "zhaoliu")
    page.select_option("#id_organisation", label="石台镇")
    page.click("form.card button[type=submit]")
    password = page.inner_text("[data-testid=one-time-password]").strip()
    page.click("button:has-text('退出登录')")
    page.goto(page.base_url + "/login/")
    page.fill("#id_username", "zhaoliu")
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_url("**/password/")
    page.fill("#id_old_password", password)
    page.fill("#id_new_password1", "Xin-mima-2026!")
    page.fill("#id_new_password2", "Xin-mima-2026!")
    page.click("form.card button[type=submit]")
    page.wait_for_url("**/password/done/")
    page.goto(page.base_url + "/")
    assert page.url.rstrip("/") == page.base_url.rstrip("/")
    assert "石台镇" in page.inner_text("[data-testid=whoami]")
