"""Browser journey: the office rolls 2021 over, retires a project with a reason, edits the 2022 notice's
parts, reads the checklist and the preview, confirms the warnings and publishes; the .docx is read back."""

from __future__ import annotations

from typing import Any

import docx
import pytest
from playwright.sync_api import expect

from core.tests.a11y import axe_report, axe_violations
from core.tests.test_browser import ARTIFACTS, login

pytestmark = pytest.mark.browser


def test_office_makes_the_next_notice_fit_to_issue(browser_page: Any, tmp_path: Any) -> None:
    from catalogue.models import Program

    page = browser_page
    login(page, "office")
    p2021 = Program.objects.get(year=2021)
    page.goto(page.base_url + f"/programs/{p2021.pk}/")
    page.click("text=生成2022年计划草稿")
    expect(page.locator("main")).to_contain_text("已生成2022年草稿")
    draft = Program.objects.get(year=2022)

    page.click("#section-continue >> text=农村危房改造")
    page.click("[data-testid=adjust-actions] >> text=退出")
    page.fill("textarea[name=reason]", "农村住房安全保障已纳入常态化管理")
    page.click("button:has-text('确定')")
    expect(page.locator("main")).to_contain_text("已退出")

    page.click("[data-testid=notice-edit]")
    expect(page.locator("[data-testid=pending-preamble]")).to_be_visible()
    checklist = page.locator("[data-testid=checklist]")
    expect(checklist).to_contain_text("发文字号未填写")
    expect(checklist).to_contain_text("开头语称“33项民生工程”，本年度计划有32个项目。")
    page.click("button[value=redraft]")
    expect(page.locator("main")).to_contain_text("已按上年文本和现有项目数重新起草")
    expect(page.locator("textarea[name=preamble]")).to_contain_text("2022年继续实施32项民生工程")

    page.fill("input[name=doc_number]", "淮杜政〔2022〕9号")
    page.fill("input[name=doc_date]", "2022-03-01")
    requirements = page.locator("textarea[name=requirements]").input_value()
    page.fill(
        "textarea[name=requirements]",
        requirements.replace("开启全面建设社会主义现代化国家新征程的第一年", "推动高质量发展的关键一年"),
    )
    page.check("input[name=reviewed][value=preamble]")
    page.click("button[value=save]")
    expect(page.locator("main")).to_contain_text("通知已保存")
    expect(page.locator("[data-testid=checklist-ok]")).to_be_visible()
    preview = page.locator("[data-testid=notice-preview]")
    expect(preview).to_contain_text("淮杜政〔2022〕9号")
    expect(preview).to_contain_text(
        "农村危房改造因农村住房安全保障已纳入常态化管理，1个项目不再列为民生工程。"
    )
    expect(preview).to_contain_text("2022年3月1日")
    violations = axe_violations(page)
    assert not violations, axe_report("notice page", violations)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "notice-2022.png"), full_page=True)

    page.click("text=检查并发布")
    page.click("button:has-text('确认发布')")
    expect(page.locator("main")).to_contain_text("已发布")
    draft.refresh_from_db()
    assert draft.status == Program.Status.PUBLISHED and draft.notice_pending == []

    with page.expect_download() as download:
        page.click("text=通知 Word")
    path = tmp_path / "notice.docx"
    download.value.save_as(str(path))
    text = "\n".join(p.text for p in docx.Document(str(path)).paragraphs)
    assert "淮杜政〔2022〕9号" in text and "2022年3月1日" in text
    assert "关于2022年实施32项民生工程的通知" in text
    assert (
        "2022年继续实施32项民生工程" in text and "2022年是实施" in text and "推动高质量发展的关键一年" in text
    )
    assert "农村危房改造因农村住房安全保障已纳入常态化管理，1个项目不再列为民生工程。" in text


def test_publish_with_warnings_needs_the_box_ticked(browser_page: Any) -> None:
    import datetime as dt

    from catalogue import services
    from catalogue.models import Program
    from conftest import _persona

    office = _persona("office")
    draft = services.program_roll_over(actor=office, program=Program.objects.get(year=2021))
    services.program_notice_update(
        actor=office,
        program=draft,
        data={"doc_number": "淮杜政〔2022〕9号", "doc_date": dt.date(2022, 3, 1)},
        expected_version=draft.version,
    )
    page = browser_page
    login(page, "office")
    page.goto(page.base_url + f"/programs/{draft.pk}/publish/")
    expect(page.locator("[data-testid=checklist]")).to_contain_text("尚待修改")
    page.click("button:has-text('确认发布')")
    expect(page.locator("main")).to_contain_text("勾选确认后再发布")
    draft.refresh_from_db()
    assert draft.status == Program.Status.DRAFT
    page.check("input[name=confirm]")
    page.click("button:has-text('确认发布')")
    expect(page.locator("main")).to_contain_text("已发布，计划已锁定")
    violations = axe_violations(page)
    assert not violations, axe_report("published program", violations)
