"""The official-document renderer read back: .docx with python-docx, PDF with poppler (pdfinfo, pdftotext, pdffonts)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn
from docx.shared import Mm

from documents.model import Block, OfficialDocument
from documents.official import CHARS, LINES, NO_LINE_START, render_docx, render_pdf, wrap

pytestmark = pytest.mark.django_db
POPPLER = all(
    subprocess.run(["which", t], capture_output=True).returncode == 0
    for t in ("pdftotext", "pdfinfo", "pdffonts")
)


def sample(paragraphs: int = 30) -> OfficialDocument:
    """A long sample (示例) document: numbered items, headings, plain paragraphs."""
    text = "为做好示例工作，各单位要按照统一部署，认真落实各项任务，确保按期完成年度目标，切实增进群众获得感和满意度"
    blocks = [Block("h1", "一、示例工作安排")]
    for i in range(paragraphs):
        blocks.append(
            Block(
                "para",
                text * 2 + "。",
                lead=f"（{'一二三四五六七八九十'[i % 10]}）示例事项。" if i % 3 == 0 else "",
            )
        )
    return OfficialDocument(
        issuer_mark="示例区人民政府文件",
        title="示例区人民政府关于示例工作的通知",
        blocks=blocks,
        doc_number="示政〔2021〕3号",
        recipients="各镇人民政府",
        signature="示例区人民政府",
        date="2021年6月2日",
        cc="区委各部门，区人大常委会办公室。",
        is_sample=True,
    )


def test_docx_layout(tmp_path: Path) -> None:
    path = tmp_path / "a.docx"
    render_docx(sample(), str(path))
    document = docx.Document(str(path))
    section = document.sections[0]
    assert (round(section.page_width.mm, 1), round(section.page_height.mm, 1)) == (210.0, 297.0)
    margins = [section.top_margin, section.bottom_margin, section.left_margin, section.right_margin]
    assert [abs(m.mm - e) < 0.1 for m, e in zip(margins, (37, 35, 28, 26), strict=True)] == [True] * 4
    grid = section._sectPr.find(qn("w:docGrid"))
    assert (
        grid.get(qn("w:type")) == "lines" and abs(int(grid.get(qn("w:linePitch"))) - Mm(225 / 22).twips) <= 1
    )
    fonts = {}
    for p in document.paragraphs:
        for run in p.runs:
            fonts.setdefault(run._element.rPr.rFonts.get(qn("w:eastAsia")), []).append(run.text)
    assert "示例区人民政府关于示例工作的通知" in fonts["方正小标宋简体"]
    assert "一、示例工作安排" in fonts["黑体"] and "（一）示例事项。" in fonts["楷体_GB2312"]
    assert any("认真落实" in t for t in fonts["仿宋_GB2312"])
    mark = next(p for p in document.paragraphs if p.text == "示例区人民政府文件")
    assert str(mark.runs[0].font.color.rgb) == "FF0000"
    number = next(p for p in document.paragraphs if p.text == "示政〔2021〕3号")
    assert number._p.pPr.find(qn("w:pBdr")).find(qn("w:bottom")).get(qn("w:color")) == "FF0000"
    assert document.settings.odd_and_even_pages_header_footer
    for footer, align in ((section.footer, "right"), (section.even_page_footer, "left")):
        xml = footer.paragraphs[0]._p.xml
        assert 'w:instr="PAGE"' in xml and "— " in footer.paragraphs[0].text and align in xml
    cc = next(p for p in document.paragraphs if p.text.startswith("抄送："))
    frame = cc._p.pPr.find(qn("w:framePr"))
    assert frame.get(qn("w:yAlign")) == "bottom"
    body_run = next(r for p in document.paragraphs for r in p.runs if "认真落实" in r.text)
    assert body_run._element.rPr.find(qn("w:spacing")).get(qn("w:val")) == "-5"


def test_wrap_keeps_28_and_obeys_line_start_rules() -> None:
    text = "示" * 28 + "，" + "例" * 40
    lines = wrap(text)
    assert lines[0] == "示" * 27 and lines[1].startswith("示，")
    assert all(line[0] not in NO_LINE_START for line in lines)
    assert len(wrap("例" * 56)) == 2 and wrap("例" * 56)[0] == "例" * 28


@pytest.mark.skipif(not POPPLER, reason="SKIPPED: poppler-utils (pdftotext) is not installed")
def test_pdf_grid(tmp_path: Path) -> None:
    path = tmp_path / "a.pdf"
    render_pdf(sample(40), str(path))
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    assert "595.276 x 841.89 pts (A4)" in info
    pages = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
    assert pages >= 3
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    assert "UMing" in fonts and "UKai" in fonts and "ZenHei" in fonts
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    page_texts = text.split("\f")[:pages]
    for number, page in enumerate(page_texts, start=1):
        rows = [r.strip() for r in page.splitlines() if r.strip()]
        assert rows[-1] == f"— {number} —"
        if 1 < number < pages:  # full pages: exactly 22 text lines (plus the page number)
            assert len(rows) - 1 == LINES, f"page {number} has {len(rows) - 1} lines"
            body = [r.replace(" ", "") for r in rows[:-1]]
            full = [r for r in body if len(r) >= CHARS - 1]
            assert full, "no full line"
            for line in full:
                assert len(line) == CHARS or (len(line) == CHARS - 1), line
            assert sum(len(line) == CHARS for line in full) >= len(full) * 0.8
    assert "抄送：区委各部门" in page_texts[-1]
    subprocess.run(
        ["pdftoppm", "-png", "-r", "50", "-f", "1", "-l", "1", str(path), str(tmp_path / "p")], check=True
    )
