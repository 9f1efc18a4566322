"""The leader's journey on the `make demo` year: the home page is the dashboard, its charts are drawn; the most
lagging project, then one of its units, then that unit's report — no CSP violation (the fixture), no JS error,
no axe violation. Screenshots at 390 and 1366 px in test-artifacts/."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from core.tests.a11y import axe_report, axe_violations
from core.tests.test_browser import ARTIFACTS

pytestmark = pytest.mark.browser
PASSWORD = "demo-pass-42"


@pytest.fixture
def demo(browser_page: Any, settings: Any, tmp_path: Any) -> dict[str, Any]:
    from reporting.demo import demo_load

    settings.VAR_DIR, settings.MEDIA_ROOT = tmp_path, tmp_path / "media"
    return demo_load(password=PASSWORD)


def _shots(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    for width, height in ((390, 844), (1366, 900)):
        page.set_viewport_size({"width": width, "height": height})
        page.wait_for_timeout(300)  # the charts follow the resize
        page.screenshot(path=str(ARTIFACTS / f"{name}-{width}.png"), full_page=True)


def test_leader_drills_from_the_dashboard_to_a_report(browser_page: Any, demo: dict[str, Any]) -> None:
    from reporting.demo import demo_accounts, reference_program

    page = browser_page
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    leader = next(a.username for a in demo_accounts(reference_program()) if a.role == "leader")
    page.goto(page.base_url + "/login/")
    page.fill("#id_username", leader)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("[data-testid=whoami]", state="attached")
    page.goto(page.base_url + "/")
    expect(page.locator("[data-testid=kpis]")).to_be_visible()
    drawn = page.locator("[data-dashboard-chart][data-drawn]")
    expect(drawn.first).to_be_attached()
    expect(drawn).to_have_count(page.locator("[data-dashboard-chart]").count())
    expect(page.locator("[data-testid=chart-projects] svg").first).to_be_attached()
    violations = axe_violations(page)
    assert not violations, axe_report("/", violations)
    _shots(page, "dashboard-leader")
    page.set_viewport_size({"width": 1366, "height": 900})
    # the most lagging project: the first row of the projects chart's table (sorted by the gap to 序时)
    projects = page.locator("[data-testid=chart-projects]")
    projects.locator("summary").click()
    first = projects.locator("a[data-testid=drill]").first
    name = first.inner_text()
    first.click()
    expect(page.locator("h1")).to_contain_text(name)
    expect(page.locator("[data-dashboard-chart][data-drawn]")).to_have_count(1)
    _shots(page, "dashboard-project")
    page.set_viewport_size({"width": 1366, "height": 900})
    unit = page.locator("a[data-testid=drill]").first
    unit_name = unit.inner_text()
    unit.click()
    expect(page.locator("h1")).to_contain_text(unit_name)
    report = page.locator("a[data-testid=report-link]").last
    report.click()
    expect(page).to_have_url(re.compile(r"/reports/\d+/$"))
    expect(page.locator("h1")).to_contain_text(name)
    assert not errors, errors
