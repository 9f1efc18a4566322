"""Browser journey: roll 2021 over into a 2022 draft, retire one project with a reason, merge two, add a new
one, download the notice and read it."""

from __future__ import annotations

from typing import Any

import pytest

from core.tests.test_browser import ARTIFACTS, login

pytestmark = pytest.mark.browser


def test_roll_over_to_a_new_notice(browser_page: Any, tmp_path: Any) -> None:
    from catalogue.models import Program

    page = browser_page
    login(page, "office")
    p2021 = Program.objects.get(year=2021)
    page.goto(page.base_url + f"/programs/{p2021.pk}/")
    page.click("text=生成2022年计划草稿")
    assert "已生成2022年草稿" in page.inner_text("main")
    draft = Program.objects.get(year=2022)

    page.click("#section-continue >> text=出生缺陷防治")
    page.click("[data-testid=adjust-actions] >> text=退出")
    page.fill("textarea[name=reason]", "任务已完成")
    page.click("button:has-text('确定')")
    assert "已退出" in page.inner_text("main")

    page.click("text=合并项目")
    a, b = draft.projects.get(name="城乡居民大病保险"), draft.projects.get(name="城乡居民基本医疗保险")
    page.check(f"input[name=projects][value='{a.pk}']")
    page.check(f"input[name=projects][value='{b.pk}']")
    page.fill("input[name=name]", "城乡居民医疗保障")
    page.fill("textarea[name=reason]", "统筹实施")
    page.click("button:has-text('确定')")
    assert page.inner_text("[data-testid=project-name]") == "城乡居民医疗保障"

    page.goto(page.base_url + f"/programs/{draft.pk}/")
    page.click("text=新增项目")
    page.fill("input[name=name]", "示例老年助餐服务")
    page.select_option("select[name=kind]", "service")
    page.fill("textarea[name=summary]", "在城乡社区开展老年助餐服务。")
    page.fill("textarea[name=reason]", "群众建议")
    page.click("button:has-text('确定')")
    page.goto(page.base_url + f"/programs/{draft.pk}/")
    with page.expect_download() as download:
        page.click("text=文本")
    path = tmp_path / "notice.txt"
    download.value.save_as(str(path))
    text = path.read_text(encoding="utf-8")
    assert "关于2022年实施32项民生工程的通知" in text
    assert "一、新增1项民生工程" in text and "（一）示例老年助餐服务。在城乡社区开展老年助餐服务。" in text
    assert "二、退出1项民生工程" in text and "出生缺陷防治任务已完成，1个项目不再列为民生工程。" in text
    assert (
        "三、调整实施1项民生工程" in text
        and "将城乡居民基本医疗保险、城乡居民大病保险合并为城乡居民医疗保障。" in text
    )
    assert "四、继续实施30项民生工程" in text
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "draft-2022.png"), full_page=True)
