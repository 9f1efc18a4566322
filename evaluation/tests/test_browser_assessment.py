"""Browser journey of the unit assessment: 民生办 creates the scheme from the template and runs December; 石台镇
opens its score, drills down to the finding that cost it points and files an objection; 民生办 answers and
re-scores, approves and publishes; the portal shows the result. axe-clean item page."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

import pytest
from playwright.sync_api import expect

from core.tests.a11y import axe_report, axe_violations
from core.tests.test_browser import login

pytestmark = pytest.mark.browser


def test_office_runs_town_objects_office_rescores_and_publishes(browser_page: Any) -> None:
    from django.contrib.auth import get_user_model

    from catalogue.models import Program
    from conftest import PERSONAS
    from evaluation import services
    from evaluation.models import ItemScore, Run
    from orgs.models import Organisation
    from supervision.services import finding_create

    page = browser_page
    program = Program.objects.get(year=2021)
    office = get_user_model().objects.get(username=PERSONAS["office"][0])
    shitai = Organisation.objects.get(code="shitai")
    finding = finding_create(
        actor=office,
        description="危房改造档案不全",
        responsible=shitai,
        deadline=dt.date(2021, 5, 1),
        project=program.projects.get(name="农村危房改造"),
    )

    login(page, "office")
    page.goto(page.base_url + f"/programs/{program.pk}/assessment/")
    page.click("[data-testid=scheme-template]")
    expect(page.locator("[data-testid=scheme-edit]")).to_be_visible()
    page.fill("[data-testid=compute-form] input[name=month]", "12")
    page.click("[data-testid=compute-form] button[type=submit]")
    expect(page.locator("[data-testid=ranking-towns]")).to_contain_text("石台镇")
    run = Run.objects.get(scheme__program=program, month=12)
    for manual in ItemScore.objects.filter(result__run=run, detail__manual=True):
        services.manual_score_save(
            actor=office, score=manual, value=Decimal(4), evidence="台账", scorer_name="王五"
        )
    page.click("text=退出登录")

    login(page, "town_shitai")
    page.click("nav >> text=更多")  # the assessment is under 更多 in the navigation
    page.click("nav >> text=绩效考评")
    page.click(f"a[href='/assessment/runs/{run.pk}/']")
    expect(page.locator("[data-testid=ranking-towns]")).not_to_contain_text("段园镇")
    page.click("[data-testid=result-shitai]")
    page.locator("[data-testid=score-rectified]").first.click()
    expect(page.locator("[data-testid=item-score]")).to_contain_text("0.00 / 8.00")
    violations = axe_violations(page)
    assert not violations, axe_report(page.url, violations)
    score_url = page.url
    page.click(f"[data-testid=row-supervision\\.finding-{finding.pk}]")
    expect(page).to_have_url(re.compile(f"/supervision/findings/{finding.pk}/$"))
    page.goto(score_url)
    page.fill("[data-testid=objection-form] textarea", "该问题已在期限内整改，附整改台账")
    page.click("[data-testid=objection-form] button[type=submit]")
    expect(page.locator("[data-testid=objection]")).to_contain_text("待民生办答复")
    page.click("text=退出登录")

    login(page, "office")
    page.goto(score_url)
    page.fill("[data-testid=answer-form] textarea", "经核实已按期整改")
    page.fill("[data-testid=answer-form] input[name=new_score]", "8")
    page.click("[data-testid=answer-form] button[type=submit]")
    expect(page.locator("[data-testid=item-score]")).to_contain_text("8.00 / 8.00")
    expect(page.locator("[data-testid=rescores]")).to_contain_text("0.00 → 8.00")
    page.goto(page.base_url + f"/assessment/runs/{run.pk}/")
    page.click("[data-testid=approve]")
    page.click("[data-testid=publish]")
    expect(page.locator("[data-testid=run-status]")).to_contain_text("已公布")
    page.click("text=退出登录")

    page.goto(page.base_url + f"/public/programs/{program.pk}/")
    page.click("[data-testid=public-assessment] a")
    expect(page.locator("[data-testid=public-towns]")).to_contain_text("石台镇")
    expect(page.locator("body")).not_to_contain_text("王五")
