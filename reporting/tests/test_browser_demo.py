"""Browser journeys on the `make demo` year, logged in with its accounts, never through /admin/:

- a month for a town on a project another department leads: 民生办 opens the month, the town fills and submits
  that one project, the lead department reviews it from its to-do list, 民生办 confirms it with the batch action;
- each demo role's home page shows its to-do list and every link of it opens without error."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from playwright.sync_api import expect

from core.tests.test_browser import ARTIFACTS

pytestmark = pytest.mark.browser
PASSWORD = "demo-pass-42"


@pytest.fixture
def demo(browser_page: Any, settings: Any, tmp_path: Any) -> dict[str, Any]:
    from reporting.demo import demo_load

    settings.VAR_DIR, settings.MEDIA_ROOT = tmp_path, tmp_path / "media"
    return demo_load(password=PASSWORD)


def _shots(page: Any, name: str) -> None:
    """Screenshots at 1366 px and 390 px (test-artifacts/), for looking at."""
    ARTIFACTS.mkdir(exist_ok=True)
    for width, height in ((390, 844), (1366, 900)):
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=str(ARTIFACTS / f"{name}-{width}.png"), full_page=True)


def _login(page: Any, username: str) -> None:
    page.context.clear_cookies()
    page.goto(page.base_url + "/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("[data-testid=whoami]", state="attached")
    assert "/admin/" not in page.url


def _account_of(unit: Any) -> str:
    from reporting.demo import demo_accounts

    program = unit.led_projects.first().program if unit.led_projects.exists() else None
    return next(a.username for a in demo_accounts(program) if a.organisation.pk == unit.pk)


def _journey_project(program: Any) -> tuple[Any, Any, Any]:
    """A town's project led by a department other than 卫健委 (wjw), and the town."""
    from catalogue.models import Project
    from orgs.models import LOCAL_KINDS

    project = (
        Project.objects.filter(program=program, implementing_units__kind__in=LOCAL_KINDS)
        .exclude(lead_department__code="wjw")
        .exclude(lead_department=None)
        .exclude(indicators=None)
        .distinct()
        .order_by("order")
        .first()
    )
    town = project.implementing_units.filter(kind__in=LOCAL_KINDS).order_by("order").first()
    return project, town, project.lead_department


def test_a_demo_month_on_a_project_another_department_leads(browser_page: Any, demo: dict[str, Any]) -> None:
    from reporting.demo import demo_accounts
    from reporting.models import Report, Status

    page, program = browser_page, demo["program"]
    project, town, lead = _journey_project(program)
    names = {
        a.organisation.pk: a.username for a in demo_accounts(program) if a.role in ("department", "town")
    }
    month = demo["months"] + 1  # the first month the demo has not reached: closed until 民生办 opens it
    assert not program.periods.get(month=month).is_open

    # 民生办 opens the month on the periods page
    _login(page, "demo_office")
    page.goto(page.base_url + f"/reporting/{program.pk}/periods/")
    row = page.locator(f"[data-testid=period-{month}]")
    row.locator("input[name=reason]").fill("开始本月调度")
    with page.expect_navigation(timeout=60_000):
        row.locator("button[value=open]").click()
    expect(page.locator(".alert-success").first).to_contain_text("已开放报送")
    _shots(page, "demo-periods")

    # the town fills that one project (June's figures carried on) and submits it alone
    _login(page, names[town.pk])
    page.goto(page.base_url + f"/reporting/{program.pk}/{month}/fill/")
    section = page.locator(f"#p{project.pk}")
    section.locator("summary").click()
    before = Report.objects.filter(project=project, unit=town).order_by("-period__month").first()
    values = {v.indicator_id: v.value for v in before.values.all()} if before else {}
    for ind in project.indicators.all():
        section.locator(f"input[name='r{project.pk}-v{ind.pk}']").fill(str(values.get(ind.pk, Decimal(1))))
    if before:
        for f in before.funds.all():
            arrived = section.locator(f"input[name='r{project.pk}-a-{f.source}']")
            if arrived.count():
                arrived.fill(f"{f.arrived / 10000:.2f}")
                section.locator(f"input[name='r{project.pk}-s-{f.source}']").fill(f"{f.spent / 10000:.2f}")
    section.locator(f"textarea[name='r{project.pk}-progress']").fill("本月按计划推进")
    section.locator(f"textarea[name='r{project.pk}-explanation']").fill("与上月持平，已核实")
    with page.expect_navigation(timeout=60_000):  # a busy machine: the save of the page may take a while
        section.locator(f"[data-testid=submit-{project.pk}]").click()
    expect(page.locator(f"[data-testid=status-{project.pk}]")).to_have_text("已提交")
    expect(page.locator(".alert-success").first).to_contain_text(project.name)
    _shots(page, "demo-fill")

    # the lead department finds it on its to-do list and approves it
    _login(page, names[lead.pk])
    review = page.locator("[data-testid=todo-item][data-key='reporting.review']")
    review.locator("[data-testid=todo-part]").filter(has_text=f"{month}月").click()
    page.locator("[data-testid=queue] tr", has_text=town.display_name).filter(has_text=project.name).locator(
        "a", has_text="审核"
    ).click()
    page.click("button[value=approve]")
    expect(page.locator("[data-testid=report-status]")).to_have_text("部门审核通过")

    # 民生办 confirms it with the batch action, from its to-do list
    _login(page, "demo_office")
    confirm = page.locator("[data-testid=todo-item][data-key='reporting.confirm']")
    confirm.locator("[data-testid=todo-part]").filter(has_text=f"{month}月").click()
    report = Report.objects.get(project=project, unit=town, period__program=program, period__month=month)
    _shots(page, "demo-review-batch")
    page.check(f"#pick-{report.pk}")
    with page.expect_navigation(timeout=60_000):
        page.click("[data-testid=batch-confirm]")
    expect(page.locator(".alert-success").first).to_contain_text("已确认1份报表")
    report.refresh_from_db()
    assert report.status == Status.CONFIRMED


def test_each_demo_role_finds_its_todo_list_and_every_link_opens(
    browser_page: Any, demo: dict[str, Any]
) -> None:
    from reporting.demo import demo_accounts

    page, program = browser_page, demo["program"]
    accounts = demo_accounts(program)
    from django.db.models import F

    from reporting.models import Report, Status

    waiting = (  # a lead department with reports waiting for its review (not 卫健委)
        Report.objects.filter(period__program=program, status=Status.SUBMITTED)
        .exclude(unit=F("project__lead_department"))
        .exclude(project__lead_department__code="wjw")
        .values_list("project__lead_department", flat=True)
        .first()
    )
    by_role: dict[str, str] = {}
    for account in accounts:  # one account per role
        if account.role == "department" and account.organisation.pk != waiting:
            continue
        by_role.setdefault(account.role, account.username)
    assert set(by_role) == {"admin", "office", "leader", "supervisor", "department", "town"}
    for role, username in by_role.items():
        _login(page, username)
        page.goto(page.base_url + "/")
        todo = page.locator("[data-testid=todo]")
        if role == "leader":  # the leader's home is the dashboard: no to-do list
            expect(todo).to_have_count(0)
            continue
        expect(todo).to_be_visible()
        links = todo.locator("a")
        hrefs = sorted({links.nth(i).get_attribute("href") for i in range(links.count())})
        if role in ("office", "department", "town"):
            assert todo.locator("[data-testid=todo-item]").count() > 0, role
        page.screenshot(path=str(ARTIFACTS / f"demo-home-{role}.png"), full_page=True)
        for href in hrefs:
            page.goto("about:blank")  # a link differing only by #fragment would not navigate
            response = page.goto(page.base_url + href if href.startswith("/") else href)
            assert response is not None and response.status == 200, (
                username,
                href,
                response and response.status,
            )
            assert "/admin/" not in page.url, (username, href)
