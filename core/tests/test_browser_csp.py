"""Pages work in Chromium under the strict CSP; the browser_page fixture fails a test on any CSP violation."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from conftest import PASSWORD, PERSONAS
from core.tests.test_browser import login

pytestmark = pytest.mark.browser


def test_fixture_catches_a_violation(browser_page: Any) -> None:
    page = browser_page
    page.goto(page.base_url + "/login/")
    page.evaluate(
        """() => { const s = document.createElement("script"); s.textContent = "1"; document.body.append(s); }"""
    )
    page.wait_for_timeout(300)
    assert any("script-src" in v for v in page.csp_violations)
    page.csp_violations.clear()


def test_api_docs_render_under_the_csp(browser_page: Any) -> None:
    page = browser_page
    login(page, "office")
    page.goto(page.base_url + "/api/docs/")
    page.wait_for_selector(".opblock", timeout=20000)
    assert page.locator(".opblock").count() > 10
    page.locator("#operations-organisations-organisations_list .opblock-summary").click()
    page.locator("#operations-organisations-organisations_list .try-out__btn").click()
    page.locator("#operations-organisations-organisations_list .execute").click()
    op = "#operations-organisations-organisations_list"
    status = page.locator(f"{op} .live-responses-table tr.response td.response-col_status")
    status.first.wait_for()
    assert status.first.inner_text().strip() == "200"  # the API answered under connect-src 'self'
    page.goto(page.base_url + "/api/redoc/")
    assert page.url.endswith("/api/docs/")


def test_admin_works_under_the_csp(browser_page: Any) -> None:
    page = browser_page
    page.goto(page.base_url + "/admin/login/")
    page.fill("#id_username", PERSONAS["admin"][0])
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_selector("#site-name")
    page.goto(page.base_url + "/admin/catalogue/program/")
    page.click("#result_list tbody tr a")
    page.wait_for_selector("form#program_form")
    page.goto(page.base_url + "/admin/axes/accessattempt/")
    page.wait_for_selector("#site-name")


def test_language_switch_and_public_feedback_under_the_csp(browser_page: Any) -> None:
    from catalogue.models import Project

    page = browser_page
    project = Project.objects.filter(program__year=2021).first()
    page.goto(page.base_url + f"/public/projects/{project.pk}/")
    assert not page.locator("#id_website").is_visible() or page.locator("#id_website").bounding_box()["x"] < 0
    page.select_option("select[name=language]", "en")
    page.wait_for_load_state("load")
    # expect() polls through selectors: Playwright's wait_for_function compiles its string with eval, which the
    # page's CSP rightly blocks (and the fixture then reports as a violation).
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.select_option("select[name=language]", "zh-hans")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")


def test_job_progress_polls_and_swaps_under_the_csp(browser_page: Any) -> None:
    """htmx swaps the progress bar in every second: no inline style, the width comes from a class."""
    from django.contrib.auth import get_user_model

    from jobs.models import Job

    page = browser_page
    office = get_user_model().objects.get(username=PERSONAS["office"][0])
    job = Job.objects.create(
        kind="test", title="示例任务", status=Job.Status.RUNNING, done=1, total=4, created_by=office
    )
    login(page, "office")
    page.goto(page.base_url + f"/jobs/{job.pk}/")
    bar = page.locator("#job-progress .progress-bar")
    assert bar.inner_text() == "25%"
    assert (
        page.evaluate("() => getComputedStyle(document.querySelector('#job-progress .progress-bar')).width")
        != "0px"
    )
    Job.objects.filter(pk=job.pk).update(status=Job.Status.SUCCEEDED, done=4)
    page.wait_for_selector("#job-progress[data-status=succeeded]", timeout=10000)
    assert page.locator("#job-progress .progress-bar").inner_text() == "100%"
