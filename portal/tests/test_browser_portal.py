"""Browser: the public program page on a 390 px phone — cards, no horizontal overflow, charts drawn, no CSP or
JS errors; and at 1366 px the table and the charts."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from core.tests.a11y import axe_report, axe_violations
from core.tests.test_browser import ARTIFACTS
from portal.tests.test_portal_figures import _confirm

pytestmark = pytest.mark.browser


def _open(page: Any, url: str) -> list[str]:
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.goto(page.base_url + url)
    return errors


def test_program_page_on_a_phone_shows_cards_and_charts(
    browser_page: Any, month: dict[str, Any], office: Any
) -> None:
    _confirm(office, month, month["shitai"], month["periods"][3], (2, 1, 20), "100000")
    _confirm(office, month, month["shitai"], month["periods"][6], (5, 4, 50), "300000")
    page = browser_page
    page.set_viewport_size({"width": 390, "height": 844})
    errors = _open(page, f"/public/programs/{month['program'].pk}/")
    cards = page.locator("[data-testid=project-card]")
    expect(cards.first).to_be_visible()
    expect(page.locator("[data-testid=project-card]", has_text="农村危房改造")).to_contain_text("截至6月")
    expect(page.locator("[data-testid=public-projects]")).to_be_hidden()
    for name in ("projects", "sources", "trend"):
        expect(page.locator(f"[data-testid=chart-{name}]")).to_have_attribute("data-drawn", "1")
    width = page.evaluate("document.scrollingElement.scrollWidth")
    assert width <= 390, f"page is {width}px wide on a 390px phone"
    page.locator("summary", has_text="表格查看").first.click()
    expect(page.locator("[data-testid=table-projects]")).to_be_visible()
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 390
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "portal-program-390.png"), full_page=True)
    violations = axe_violations(page)
    assert not violations, axe_report("portal program (phone)", violations)
    page.set_viewport_size({"width": 1366, "height": 900})
    expect(page.locator("[data-testid=public-projects]")).to_be_visible()
    expect(cards.first).to_be_hidden()
    page.screenshot(path=str(ARTIFACTS / "portal-program-1366.png"), full_page=True)
    violations = axe_violations(page)
    assert not violations, axe_report("portal program (1366 px)", violations)
    assert not errors, errors
