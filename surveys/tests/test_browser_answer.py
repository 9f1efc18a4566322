"""Browser: a visitor opens the project's page on the portal on a 390 px phone screen, follows the survey link,
answers (touch-sized options, no personal data asked) and submits; no horizontal overflow, axe-clean; a surveyor
enters a sheet on the same screen size."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from playwright.sync_api import expect

from core.tests.a11y import axe_report, axe_violations
from core.tests.test_browser import login

pytestmark = pytest.mark.browser


def _wave() -> Any:
    from django.contrib.auth import get_user_model

    from catalogue.models import Project
    from conftest import PERSONAS
    from orgs.models import Organisation
    from surveys import services

    office = get_user_model().objects.get(username=PERSONAS["office"][0])
    project = Project.objects.get(program__year=2021, name="农村危房改造")
    return services.wave_create(
        actor=office,
        project=project,
        unit=Organisation.objects.get(code="shitai"),
        questionnaire=services.questionnaire_create_default(actor=office),
        name="石台镇农村危房改造网上满意度调查",
        method="online",
        sample_size=100,
        start=dt.date(2021, 11, 1),
        end=dt.date(2021, 12, 31),
        is_open=True,
    )


def _no_overflow(page: Any) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_visitor_answers_on_a_phone(browser_page: Any) -> None:
    from surveys.models import Response

    page = browser_page
    wave = _wave()
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(page.base_url + f"/public/projects/{wave.project.pk}/")
    page.click("text=参加调查：石台镇农村危房改造网上满意度调查")
    expect(page.locator("[data-testid=survey-title]")).to_have_text(wave.name)
    _no_overflow(page)
    violations = axe_violations(page)
    assert not violations, axe_report(page.url, violations)
    expect(page.locator("input[name*=phone], input[name*=name]")).to_have_count(0)
    page.click("label:text-is('知道')")
    page.wait_for_timeout(3100)  # the form refuses a submission faster than a person answers
    page.click("text=提交答卷")
    expect(page.locator(".invalid-feedback").first).to_contain_text("请选择一项")
    page.click("label:text-is('比较满意')")
    page.click("text=提交答卷")
    expect(page.locator("[data-testid=survey-done]")).to_contain_text("感谢您参与调查")
    _no_overflow(page)
    sheet = Response.objects.get()
    assert sheet.source == "portal" and sheet.answers.count() == 2


def test_surveyor_enters_a_sheet_on_a_phone(browser_page: Any) -> None:
    from surveys.models import Response

    page = browser_page
    wave = _wave()
    page.set_viewport_size({"width": 390, "height": 844})
    login(page, "town_shitai")
    page.goto(page.base_url + f"/surveys/{wave.pk}/enter/")
    _no_overflow(page)
    page.click("label:text-is('不知道')")
    page.click("label:text-is('不清楚') >> nth=1")
    page.click("text=保存并录入下一份")
    expect(page.locator("[data-testid=entered-count]")).to_contain_text("已录入1份")
    violations = axe_violations(page)
    assert not violations, axe_report(page.url, violations)
    _no_overflow(page)
    assert Response.objects.get().source == "surveyor"
