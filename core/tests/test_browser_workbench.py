"""Browser: a town logs in, finds its to-do list on the home page and clicks through to the fill page."""

from __future__ import annotations

from typing import Any

import pytest

from core.tests.test_browser import ARTIFACTS, login

pytestmark = pytest.mark.browser


def test_town_follows_its_todo_to_the_fill_page(browser_page: Any) -> None:
    from django.contrib.auth import get_user_model

    from catalogue.models import Program
    from reporting import services

    office = get_user_model().objects.get(username="t_office")
    program = Program.objects.get(year=2021)
    services.periods_open(actor=office, program=program)

    page = browser_page
    login(page, "town_shitai")
    page.goto(page.base_url + "/")
    item = page.locator("[data-testid=todo-item][data-key='reporting.fill']")
    assert "报表待填报" in item.inner_text() and "已逾期" in item.inner_text()
    assert int(item.locator("[data-testid=todo-count]").inner_text()) > 0
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "home-town-todo.png"), full_page=True)
    item.locator("[data-testid=todo-part]").filter(has_text="6月").click()
    page.wait_for_selector("[data-testid=fill-form]")
    assert page.url.endswith(f"/reporting/{program.pk}/6/fill/")
    assert "石台镇" in page.inner_text("h1") and "6月" in page.inner_text("h1")
