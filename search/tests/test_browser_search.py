"""Browser: a town searches from the navigation on a phone (390 px) and on a desktop, finds a project by a
two-character word, follows the hit to the project's page; the results page fits the phone and passes axe."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from core.tests.a11y import axe_report, axe_violations
from core.tests.test_browser import ARTIFACTS, login

pytestmark = pytest.mark.browser


def test_town_searches_from_the_navigation_on_a_phone(browser_page: Any) -> None:
    page = browser_page
    page.set_viewport_size({"width": 390, "height": 844})
    login(page, "town_shitai")
    page.goto(page.base_url + "/")
    page.click(".navbar-toggler")
    box = page.locator("[data-testid=nav-search]")
    expect(box).to_be_visible()
    box.fill("秸秆")
    box.press("Enter")
    group = page.locator("[data-testid=search-group][data-kind=project]")
    expect(group).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    violations = axe_violations(page)
    assert not violations, axe_report(page.url, violations)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "search-390.png"), full_page=True)
    group.locator("[data-testid=search-hit]").filter(has_text="秸秆").first.click()
    expect(page.locator("h1")).to_contain_text("秸秆")


def test_nothing_found_leads_on_at_desktop_width(browser_page: Any) -> None:
    page = browser_page
    page.set_viewport_size({"width": 1366, "height": 900})
    login(page, "office")
    box = page.locator("[data-testid=nav-search]")
    box.fill("量子计算机")
    box.press("Enter")
    expect(page.locator("[data-testid=search-empty]")).to_be_visible()
    violations = axe_violations(page)
    assert not violations, axe_report(page.url, violations)
    nav = page.locator("nav.navbar-site")
    assert nav.bounding_box()["height"] < 80  # the search box keeps the navigation on one line
    page.locator("[data-testid=search-empty] a").click()
    expect(page).to_have_url(page.base_url + "/programs/")
