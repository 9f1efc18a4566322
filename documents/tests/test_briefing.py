"""The 简报 版头: the red name, the 期号 centred, 编发单位 left and the date right above the red rule; the date is
not repeated after the text. In the PDF (poppler), the .docx (python-docx) and the plain text."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest

from documents.model import Block, OfficialDocument
from documents.render import layout, render_docx, render_pdf, render_text
from documents.tests.test_pdf import (
    pages_of,
    poppler,  # noqa: F401  (the fixture)
    red_pixels_in_top_third,
)


def briefing() -> OfficialDocument:
    return OfficialDocument(
        issuer_mark="示例工程实施进度简报",
        title="2021年1—6月示例工程实施进度情况",
        blocks=[Block("h1", "一、总体进展"), Block("para", "截至6月底，示例工程总体进展顺利。")],
        date="2021年7月10日",
        cc="区委办、区政府办",
        issue_number="第6期",
        editor="示例区民生办编",
    )


def test_briefing_layout_rows() -> None:
    rows = [row.kind for _, row in layout(briefing()).pages[0]]
    assert rows[:5] == ["blank", "mark", "issue", "editor", "blank"]
    assert "number" not in rows and "right" not in rows  # no 发文字号 line, no date after the text


@pytest.mark.usefixtures("poppler")
def test_briefing_pdf_masthead(tmp_path: Path) -> None:
    pdf = tmp_path / "briefing.pdf"
    render_pdf(briefing(), pdf)
    first = [line.strip() for line in pages_of(pdf)[0] if line.strip()]
    assert first[0].replace(" ", "") == "示例工程实施进度简报"
    assert first[1] == "第6期"
    assert re.fullmatch(r"示例区民生办编\s{4,}2021年7月10日", first[2]), first[2]
    assert first[3].replace(" ", "") == "2021年1—6月示例工程实施进度情况"
    assert sum("2021年7月10日" in line for line in first) == 1
    assert red_pixels_in_top_third(pdf) > 200


def test_briefing_docx_and_text() -> None:
    import docx

    buffer = io.BytesIO()
    render_docx(briefing(), buffer)
    paragraphs = [p.text for p in docx.Document(io.BytesIO(buffer.getvalue())).paragraphs]
    texts = [t for t in paragraphs if t]
    assert texts[:3] == ["示例工程实施进度简报", "第6期", "示例区民生办编\t2021年7月10日"]
    assert sum("2021年7月10日" in t for t in paragraphs) == 1
    lines = render_text(briefing()).splitlines()
    assert (
        lines[1].strip("　") == "第6期"
        and lines[2].startswith("示例区民生办编")
        and lines[2].endswith("2021年7月10日")
    )


def test_a_document_without_issue_number_keeps_the_file_masthead() -> None:
    doc = briefing()
    doc.issue_number = ""
    rows = [row.kind for _, row in layout(doc).pages[0]]
    assert "issue" not in rows and "number" in rows and "right" in rows


def test_table_columns_keep_figures_whole_and_wrap_long_text() -> None:
    from documents.render import fit_widths

    assert fit_widths([10, 20], 60, 5) == [20, 40]  # narrower than the line: spread proportionally
    widths = fit_widths([10, 10, 10, 80], 60, 5)  # too wide: the figures keep their width, the text wraps
    assert widths == [10, 10, 10, 30]
    assert sum(fit_widths([30, 30, 30], 60, 5)) == pytest.approx(60)  # nothing narrow: all shrink alike
