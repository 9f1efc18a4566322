"""Browser journey on the `make demo` year: 民生办 generates the June bulletin, edits its free text, issues it,
makes it public and downloads it; the .docx and the PDF read back contain the ranking and the lagging units; the
public finds it on the portal. axe-clean pages, no CSP violation (the browser_page fixture fails on those)."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from core.tests.a11y import axe_report, axe_violations
from core.tests.test_browser import ARTIFACTS
from reporting.tests.test_browser_demo import _login, _shots, demo  # noqa: F401, F811  (the fixture)

pytestmark = pytest.mark.browser


def _axe(page: Any) -> None:
    violations = axe_violations(page)
    assert not violations, axe_report(page.url, violations)


def test_office_generates_edits_issues_and_downloads_the_june_bulletin(
    browser_page: Any,
    demo: dict[str, Any],  # noqa: F811
    tmp_path: Path,
) -> None:
    import docx
    from pypdf import PdfReader

    from bulletins.models import Bulletin, Status

    page, program = browser_page, demo["program"]
    june = program.periods.get(month=6)
    _login(page, "demo_office")
    page.click("nav >> text=更多")  # the bulletins are under 更多 in the navigation
    page.click("nav >> text=进度简报")
    page.select_option("#id_period", str(june.pk))
    page.select_option("#id_kind", "briefing")
    page.click("[data-testid=generate-form] button[type=submit]")
    expect(page.locator("[data-testid=bulletin-preview]")).to_contain_text("镇街排名")
    _axe(page)
    _shots(page, "bulletin-draft")

    page.fill("#id_issue_date", f"{program.year}-07-10")
    page.fill("#id_analysis", "个别镇街资金支出进度偏慢。")
    page.fill("#id_next_steps", "对滞后项目逐一督办，7月底前赶上序时进度。")
    page.click("[data-testid=bulletin-form] button[value=save]")
    expect(page.locator("[data-testid=bulletin-preview]")).to_contain_text("对滞后项目逐一督办")
    confirm = page.locator("[data-testid=issue-form] input[type=checkbox]")
    if confirm.count():
        confirm.check()
    page.click("[data-testid=issue-form] button[type=submit]")
    expect(page.locator("[data-testid=issued-note]")).to_be_visible()
    page.click("[data-testid=make-public]")
    expect(page.locator("[data-testid=bulletin-status]")).to_contain_text("已在门户公开")
    _axe(page)
    _shots(page, "bulletin-issued")

    bulletin = Bulletin.objects.get(period=june)
    assert bulletin.status == Status.ISSUED and bulletin.is_public
    # the lagging list read back is checked on a hand-made fixture (test_bulletin.py); here the documents must say
    # what the figures say, whether or not the demo's June (which earlier journeys may have changed) has a laggard
    lagging = [u["name"] for p in bulletin.figures["projects"] for u in p["lagging"]]
    first_town = bulletin.figures["towns"][0]["name"]

    with page.expect_download() as word:
        page.click("[data-testid=download-docx]")
    document = docx.Document(word.value.path())
    text = "\n".join(p.text for p in document.paragraphs)
    cells = {c.text for t in document.tables for row in t.rows for c in row.cells}
    assert "镇街排名" in text and first_town in cells
    assert ("滞后于序时进度的单位" in text) == bool(lagging)
    with page.expect_download() as pdf:
        page.click("[data-testid=download-pdf]")
    reader = PdfReader(io.BytesIO(Path(pdf.value.path()).read_bytes()))
    flat = "".join(p.extract_text() for p in reader.pages).replace("\n", "").replace(" ", "")
    assert "镇街排名" in flat
    assert not lagging or f"滞后于序时进度的单位：{lagging[0]}" in flat
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "bulletin-demo-june.pdf").write_bytes(Path(pdf.value.path()).read_bytes())

    page.click("nav >> text=更多")  # the bulletins are under 更多 in the navigation
    page.click("nav >> text=进度简报")
    expect(page.locator("[data-testid=bulletin-list]")).to_contain_text("已印发")
    _shots(page, "bulletin-list")

    page.context.clear_cookies()
    page.goto(page.base_url + "/public/bulletins/")
    expect(page.locator("[data-testid=public-bulletins]")).to_contain_text(str(bulletin))
    _axe(page)
    _shots(page, "bulletin-portal")
