"""End-to-end journeys in a real Chromium (Debian's, driven by Playwright)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from conftest import PASSWORD, PERSONAS

pytestmark = pytest.mark.browser
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def login(page: Any, persona: str) -> None:
    page.goto(page.base_url + "/login/")
    page.fill("#id_username", PERSONAS[persona][0])
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("[data-testid=whoami]", state="attached")


def test_office_opens_the_program_and_a_project(browser_page: Any) -> None:
    page = browser_page
    login(page, "office")
    assert "民生办" in page.inner_text("[data-testid=whoami]")
    page.click("text=年度计划")
    page.click("text=杜集区人民政府关于2021年实施33项民生工程的通知")
    assert page.inner_text("[data-testid=program-title]") == "杜集区人民政府关于2021年实施33项民生工程的通知"
    counts = page.inner_text("[data-testid=section-counts]")
    for label, n in (("新增", 6), ("退出", 4), ("调整实施", 8), ("继续实施", 19)):
        assert label in counts and str(n) in counts
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "program-2021.png"), full_page=True)
    page.click("#section-adjust >> text=棚户区和老旧小区改造")
    assert page.inner_text("[data-testid=project-name]") == "棚户区和老旧小区改造"
    lineage = page.inner_text("#lineage")
    assert "城镇老旧小区改造" in lineage and "棚户区改造" in lineage and "合并" in lineage
    page.screenshot(path=str(ARTIFACTS / "project-2021.png"), full_page=True)
    page.click("#lineage >> text=2020年 棚户区改造")
    assert "推定重建" in page.inner_text("main")


def test_town_on_a_phone_sees_only_its_own_unit(browser_page: Any) -> None:
    from orgs.models import Organisation

    page = browser_page
    page.set_viewport_size({"width": 390, "height": 844})
    login(page, "town_shitai")
    page.goto(page.base_url + "/orgs/")
    own = Organisation.objects.get(code="shitai")
    other = Organisation.objects.get(code="duanyuan")
    assert page.locator(f"a[href='/orgs/{own.pk}/']").count() == 1
    assert page.locator(f"a[href='/orgs/{other.pk}/']").count() == 0
    response = page.goto(page.base_url + f"/orgs/{other.pk}/")
    assert response.status == 404
    page.goto(page.base_url + "/programs/")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"page is {width}px wide on a 390px phone"
    page.screenshot(path=str(ARTIFACTS / "phone-programs.png"), full_page=True)
