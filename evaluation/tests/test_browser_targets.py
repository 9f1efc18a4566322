"""Browser journey: the lead department drafts a project's 绩效目标申报表 and submits it; 民生办 returns it with
a reason; the department corrects and resubmits; 民生办 approves and downloads the .docx. axe-clean pages."""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from core.tests.a11y import axe_report, axe_violations
from core.tests.test_browser import ARTIFACTS, login

pytestmark = pytest.mark.browser


def test_department_drafts_office_returns_then_approves(browser_page: Any, tmp_path: Path) -> None:
    import docx
    from django.contrib.auth import get_user_model

    from catalogue.models import Project
    from conftest import PERSONAS
    from orgs.models import Organisation
    from responsibility import services as rs

    page = browser_page
    project = Project.objects.get(program__year=2021, name="城乡适龄妇女“两癌”免费筛查")
    office = get_user_model().objects.get(username=PERSONAS["office"][0])
    (served,) = rs.indicators_apply_defaults(actor=office, project=project)
    rs.target_set(
        actor=office, indicator=served, unit=Organisation.objects.get(code="shitai"), value=Decimal(500)
    )

    login(page, "dept_health")
    page.click("text=绩效管理")
    page.click(f"[data-testid=target-{project.pk}]")
    expect(page.locator("[data-testid=target-status]")).to_have_text("未填报")
    page.fill("#id_overall_goal", "提高适龄妇女两癌早诊早治率")
    page.fill("#id_annual_goal", "全年筛查500人")
    page.select_option(f"#id_g{served.pk}-polarity", "positive")
    page.click("[data-testid=target-submit]")
    expect(page.locator("[data-testid=target-status]")).to_have_text("已提交，待民生办审核")
    violations = axe_violations(page)
    assert not violations, axe_report(page.url, violations)
    page.click("text=退出登录")

    login(page, "office")
    page.goto(page.base_url + "/")
    page.click("text=绩效目标申报表待审核")
    page.click(f"[data-testid=target-{project.pk}]")
    page.click("[data-testid=return]")
    expect(page.locator(".alert-danger, .alert-error").first).to_contain_text("退回须写明原因")
    page.fill("#id_reason", "年度目标请写明筛查人数口径")
    page.click("[data-testid=return]")
    expect(page.locator("[data-testid=target-status]")).to_have_text("已退回")
    page.click("text=退出登录")

    login(page, "dept_health")
    page.goto(page.base_url + f"/projects/{project.pk}/performance-target/")
    expect(page.locator("main")).to_contain_text("年度目标请写明筛查人数口径")
    page.fill("#id_annual_goal", "全年筛查农村适龄妇女500人")
    page.click("[data-testid=target-submit]")
    expect(page.locator("[data-testid=target-status]")).to_have_text("已提交，待民生办审核")
    page.click("text=退出登录")

    login(page, "office")
    page.goto(page.base_url + f"/projects/{project.pk}/performance-target/")
    page.click("[data-testid=approve]")
    expect(page.locator("[data-testid=target-status]")).to_have_text("已审核通过")
    expect(page.locator("[data-testid=grid]")).to_contain_text("≥500")
    violations = axe_violations(page)
    assert not violations, axe_report(page.url, violations)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "performance-target-approved.png"), full_page=True)
    with page.expect_download() as download:
        page.click("[data-testid=download-docx]")
    word = docx.Document(io.BytesIO(Path(download.value.path()).read_bytes()))
    text = "\n".join(p.text for p in word.paragraphs)
    assert "全年筛查农村适龄妇女500人" in text and "民生办审核通过" in text


def test_monitoring_and_self_evaluation_pages_pass_axe(browser_page: Any) -> None:
    from catalogue.models import Project

    page = browser_page
    project = Project.objects.get(program__year=2021, name="城乡适龄妇女“两癌”免费筛查")
    login(page, "dept_health")
    for url in (
        f"/programs/{project.program_id}/evaluation/monitoring/",
        f"/projects/{project.pk}/monitoring/7/",
        f"/projects/{project.pk}/self-evaluation/",
    ):
        page.goto(page.base_url + url)
        violations = axe_violations(page)
        assert not violations, axe_report(url, violations)
    page.goto(page.base_url + f"/projects/{project.pk}/monitoring/7/")
    page.select_option("#id_likelihood", "possible")
    page.fill("#id_measures", "加强宣传动员")
    page.click("[data-testid=monitoring-save]")
    expect(page.locator("[data-testid=at-risk]")).to_contain_text("预计完成目标：有可能")
