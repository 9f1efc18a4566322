"""Browser journey: the office sets a town's targets, produces its letter and marks it signed; the town sees
only its own letter."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from core.tests import files
from core.tests.test_browser import ARTIFACTS, login

pytestmark = pytest.mark.browser


def test_office_sets_targets_and_the_town_signs(browser_page: Any, tmp_path: Path, settings: Any) -> None:
    from catalogue.models import Project
    from orgs.models import Organisation

    settings.MEDIA_ROOT = tmp_path / "media"
    page = browser_page
    project = Project.objects.get(program__year=2021, name="农村危房改造")
    shitai = Organisation.objects.get(code="shitai")

    login(page, "office")
    page.goto(page.base_url + f"/projects/{project.pk}/targets/")
    page.click("text=按项目类型生成默认指标")
    indicator = project.indicators.get(name="完工项目数")
    page.fill(f"input[name='t-{indicator.pk}-{shitai.pk}']", "42")
    page.fill("input[name='reason']", "年度目标分解")
    page.click("text=保存目标")
    assert "目标已保存" in page.inner_text("main")

    page.goto(page.base_url + f"/programs/{project.program_id}/letters/")
    page.click("text=为全部责任单位起草")
    page.locator("tr", has_text="石台镇").locator("text=查看").click()
    assert "完工项目数≥42个" in page.inner_text("main")
    assert "尚未设置目标" in page.inner_text("[data-testid=missing-targets]")
    page.click("button:has-text('下达')")  # the browser asks for the confirmation first (required box)
    assert page.inner_text("[data-testid=letter-status]") == "已起草"
    page.check("#confirm-missing")
    page.click("button:has-text('下达')")
    assert page.inner_text("[data-testid=letter-status]") == "已下达"
    letter_url = page.url

    page.fill("#id_signed_date", "2021-06-20")
    page.fill("#id_signer", "示例签订人")
    scan = tmp_path / "signed.pdf"
    scan.write_bytes(files.pdf())
    page.set_input_files("#id_scan", str(scan))
    page.click("text=上传并标记已签订")
    assert page.inner_text("[data-testid=letter-status]") == "已签订"
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "letter-signed.png"), full_page=True)

    page.click("text=退出登录")
    login(page, "town_shitai")
    page.goto(page.base_url + f"/programs/{project.program_id}/letters/")
    rows = page.locator("[data-testid=letters] tbody tr")
    assert rows.count() == 1 and "石台镇" in rows.first.inner_text()
    page.goto(letter_url)
    assert "完工项目数≥42个" in page.inner_text("main")
    duanyuan_letter = project.program.letters.get(organisation__code="duanyuan")
    assert page.goto(page.base_url + f"/letters/{duanyuan_letter.pk}/").status == 404
