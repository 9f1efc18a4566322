"""Browser journey: the office pastes a category-grouped 民生实事 notice, reads a preview with no unplaced line,
confirms, and finds the program listed by the notice's categories."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from core.tests.a11y import axe_report, axe_violations
from core.tests.test_browser import login

pytestmark = pytest.mark.browser
NOTICE = Path(__file__).parent / "notices" / "minsheng-shishi-grouped.txt"


def test_office_imports_a_grouped_notice(browser_page: Any) -> None:
    page = browser_page
    login(page, "office")
    page.goto(page.base_url + "/programs/import/")
    page.fill("#text", NOTICE.read_text(encoding="utf-8"))
    page.click("button[value=preview]")
    expect(page.locator("[data-testid=parse-clean]")).to_be_visible()
    expect(page.locator("[data-testid=parse-groups]")).to_contain_text("就业创业类：3")
    violations = axe_violations(page)
    assert not violations, axe_report("import preview", violations)
    page.click("button[value=confirm]")
    categories = page.locator("[data-testid=program-categories]")
    expect(categories).to_contain_text("城乡建设类（2）")
    expect(categories).to_contain_text("新建改造农村公路30公里")
    violations = axe_violations(page)
    assert not violations, axe_report("imported program", violations)
