"""The .docx renderer read back with python-docx (page, grid, fonts, colours, footers, 版记) and, where LibreOffice
is installed, rendered by LibreOffice and checked on the same grid as the PDF (22 lines, 28 characters)."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import docx
import pytest
from docx.oxml.ns import qn
from docx.shared import Mm

from documents.render import CHAR_SPACING_PT, LINE_PITCH_TWIPS, render_docx
from documents.tests.test_pdf import HEADINGS, LEADS, check_grid, long_sample, pages_of, short_sample

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


def east_asia(run: Any) -> str:
    return run._r.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia"))


def paragraph(document: Any, text: str) -> Any:
    return next(p for p in document.paragraphs if text in p.text)


def run_spacing(run: Any) -> int | None:
    spacing = run._r.rPr.find(qn("w:spacing"))
    return None if spacing is None else int(spacing.get(qn("w:val")))


@pytest.fixture(scope="module")
def long_docx(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("docx") / "long.docx"
    render_docx(long_sample(), path)
    return path


def test_page_and_grid(long_docx: Path) -> None:
    document = docx.Document(str(long_docx))
    section = document.sections[0]
    assert (round(section.page_width.mm, 1), round(section.page_height.mm, 1)) == (210.0, 297.0)
    margins = (section.top_margin, section.bottom_margin, section.left_margin, section.right_margin)
    for margin, expected in zip(margins, (37, 35, 28, 26), strict=True):
        assert abs(margin.mm - expected) < 0.1, (margin.mm, expected)
    grid = section._sectPr.find(qn("w:docGrid"))
    assert (
        grid.get(qn("w:type")) == "lines"
    )  # a line-only grid: no character grid (LibreOffice mis-renders it)
    pitch = int(grid.get(qn("w:linePitch")))
    assert abs(pitch - Mm(225 / 22).twips) <= 1 and pitch * 22 <= Mm(225).twips < pitch * 23
    body = paragraph(document, LEADS[0])
    spacing = body._p.pPr.find(qn("w:spacing"))
    assert spacing.get(qn("w:line")) == str(LINE_PITCH_TWIPS) and spacing.get(qn("w:lineRule")) == "exact"
    indent = body._p.pPr.find(qn("w:ind"))
    assert indent.get(qn("w:firstLineChars")) == "200"  # 2 characters
    assert document.core_properties.title == long_sample().title


def test_fonts_named_by_their_official_names(long_docx: Path) -> None:
    document = docx.Document(str(long_docx))
    doc = long_sample()
    mark = paragraph(document, doc.issuer_mark).runs[0]
    assert east_asia(mark) == "方正小标宋简体" and str(mark.font.color.rgb) == "FF0000"  # red 发文机关标志
    number = paragraph(document, doc.doc_number)
    rule = number._p.pPr.find(qn("w:pBdr")).find(qn("w:bottom"))
    assert rule.get(qn("w:color")) == "FF0000" and rule.get(qn("w:val")) == "single"  # the red rule
    assert east_asia(number.runs[0]) == "仿宋_GB2312"
    title = next(p for p in document.paragraphs if p.text.replace("\n", "") == doc.title)
    assert {east_asia(r) for r in title.runs} == {"方正小标宋简体"}
    assert {r.font.size.pt for r in title.runs} == {22}
    assert title._p.findall(".//" + qn("w:br")), "the two-line title is broken explicitly"
    heading = paragraph(document, HEADINGS[0])
    assert east_asia(heading.runs[0]) == "黑体"
    item = paragraph(document, LEADS[0])
    lead, text = item.runs[0], item.runs[1]
    assert lead.text == LEADS[0] and east_asia(lead) == "楷体_GB2312"
    assert east_asia(text) == "仿宋_GB2312" and text.font.size.pt == 16
    assert run_spacing(text) == run_spacing(lead) == int(CHAR_SPACING_PT * 20) == -5  # −0.25 pt
    assert text.font.name == "Times New Roman"  # digits and Latin letters
    recipients = paragraph(document, doc.recipients)
    assert recipients.text == doc.recipients + "："
    date = paragraph(document, doc.date)
    assert date._p.pPr.find(qn("w:jc")).get(qn("w:val")) == "right"
    assert date._p.pPr.find(qn("w:ind")).get(qn("w:right")) == str(4 * 320)  # 4 characters of right indent


def test_folios_odd_right_even_left(long_docx: Path) -> None:
    document = docx.Document(str(long_docx))
    settings = document.settings.element
    assert settings.find(qn("w:evenAndOddHeaders")) is not None
    section = document.sections[0]
    for footer, side in ((section.footer, "right"), (section.even_page_footer, "left")):
        p = footer.paragraphs[0]
        assert p._p.pPr.find(qn("w:jc")).get(qn("w:val")) == side
        instructions = "".join(t.text for t in p._p.iter(qn("w:instrText")))
        assert instructions.strip() == "PAGE"
        kinds = [f.get(qn("w:fldCharType")) for f in p._p.iter(qn("w:fldChar"))]
        assert kinds == ["begin", "separate", "end"]
        text = "".join(t.text for t in p._p.iter(qn("w:t")))
        assert text.startswith("— ") and text.endswith(" —")
        assert {east_asia(r) for r in p.runs} == {"宋体"} and {r.font.size.pt for r in p.runs} == {14}
    header = section.header.paragraphs[0]
    assert header.text == "示例" and str(header.runs[0].font.color.rgb) == "FF0000"


def test_colophon_at_the_end(long_docx: Path) -> None:
    document = docx.Document(str(long_docx))
    body = document.element.body
    blocks = [child for child in body if child.tag in (qn("w:p"), qn("w:tbl"))]
    colophon = blocks[-2]
    assert colophon.tag == qn("w:tbl") and blocks[-1].tag == qn("w:p")
    position = colophon.find(qn("w:tblPr")).find(qn("w:tblpPr"))
    assert position.get(qn("w:vertAnchor")) == "margin" and position.get(qn("w:tblpYSpec")) == "bottom"
    table = document.tables[-1]
    cc, printer = (row.cells[0].text for row in table.rows)
    assert cc.startswith("抄送：区委各部门") and cc.endswith("区人武部。")
    assert printer == "示例区人民政府办公室\t2021年6月2日印发"
    borders = colophon.find(qn("w:tblPr")).find(qn("w:tblBorders"))
    sizes = {side: borders.find(qn(f"w:{side}")).get(qn("w:sz")) for side in ("top", "insideH", "bottom")}
    assert sizes == {"top": "8", "insideH": "6", "bottom": "8"}  # 0.35 / 0.25 / 0.35 mm


def test_short_document_to_a_stream() -> None:
    stream = io.BytesIO()
    render_docx(short_sample(), stream)
    document = docx.Document(io.BytesIO(stream.getvalue()))
    table = document.tables[0]
    assert [c.text for c in table.rows[0].cells] == ["项目", "责任单位", "完成时限"]
    assert east_asia(table.rows[0].cells[0].paragraphs[0].runs[0]) == "黑体"
    h3 = paragraph(document, "1.示例子项")
    assert h3.runs[0].font.bold and east_asia(h3.runs[0]) == "仿宋_GB2312"
    h2 = paragraph(document, "（一）示例项目")
    assert east_asia(h2.runs[0]) == "楷体_GB2312"
    assert document.tables[-1].rows[0].cells[0].text == "抄送：区民生办。"


def test_libreoffice_renders_the_docx_on_the_grid(long_docx: Path, tmp_path: Path) -> None:
    """design.md's claim, checked: with a line-only grid and −0.25 pt spacing LibreOffice sets 22 × 28."""
    if SOFFICE is None:
        if os.environ.get("CI"):
            pytest.fail(
                "LibreOffice is missing: scripts/system-packages.sh --test installs libreoffice-writer-nogui"
            )
        pytest.skip("SKIPPED: LibreOffice (soffice) is not installed (Debian: libreoffice-writer-nogui)")
    subprocess.run(
        [SOFFICE, f"-env:UserInstallation=file://{tmp_path / 'profile'}", "--headless", "--convert-to", "pdf",
         "--outdir", str(tmp_path), str(long_docx)],
        check=True, capture_output=True, timeout=240,
    )  # fmt: skip
    pages = pages_of(tmp_path / "long.pdf")
    counts = check_grid(pages, set(HEADINGS))
    assert counts["exact"] > 100
    assert pages[-1][-2].strip().startswith("示例区人民政府办公室"), "the 版记 ends the last page"
