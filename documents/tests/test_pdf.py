"""The PDF renderer read back with poppler (pdfinfo, pdftotext -layout, pdffonts, pdftoppm): A4, 22 lines on every
full page, 28 characters on every full line, "— n —" folios, the mapped fonts embedded, licensed fonts winning.

The samples and the grid checker are shared with test_docx.py (which runs them on LibreOffice's rendering)."""

from __future__ import annotations

import re
import shutil
import struct
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from reportlab.pdfbase.ttfonts import TTFont

from documents import fonts
from documents.model import Block, OfficialDocument
from documents.render import (
    CHARS,
    LINES,
    NO_LINE_END,
    NO_LINE_START,
    break_lines,
    nominal_measure,
    render_pdf,
    render_text,
    title_lines,
    tokenize,
)

ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts"
POPPLER = ("pdftotext", "pdfinfo", "pdffonts", "pdftoppm")

SENTENCES = [
    "各镇人民政府要把示例民生工程摆在突出位置，细化工作方案，明确责任分工，确保各项任务按期落地见效",
    "区直各部门要加强统筹协调，及时研究解决工作推进中遇到的困难和问题，形成上下联动、齐抓共管的工作格局",
    "要坚持尽力而为、量力而行，把有限的财力用在群众最关心最直接最现实的利益问题上，不断提升群众满意度",
    "示例项目实施单位要严格执行资金管理规定，专款专用，严禁截留挪用，主动接受纪检监察和审计部门的监督",
    "要广泛宣传民生工程政策内容和实施成效，引导群众积极参与项目建设和管理，营造全社会关心支持的良好氛围",
]
HEADINGS = ["一、总体要求", "二、主要任务", "三、保障措施", "四、工作要求"]
LEADS = ["（一）加强组织领导。", "（二）强化资金保障。", "（三）严格监督检查。", "（四）注重宣传引导。"]


def long_sample() -> OfficialDocument:
    """示例: a long synthetic notice (several full pages): headings, numbered items with a 楷体 lead, plain
    paragraphs; CJK only, apart from a few digits."""
    blocks: list[Block] = []
    for h, heading in enumerate(HEADINGS):
        blocks.append(Block("h1", heading))
        for i, lead in enumerate(LEADS):
            text = "，".join(SENTENCES[(h + i + k) % len(SENTENCES)] for k in range(3)) + "。"
            blocks.append(Block("para", text, lead=lead))
        blocks.append(Block("para", "；".join(SENTENCES[h:] + SENTENCES[:h]) + "。"))
    blocks.append(Block("para", "请各单位于2021年12月31日前将全年工作总结报送区民生办。"))
    return OfficialDocument(
        issuer_mark="示例区人民政府文件",
        title="示例区人民政府关于2021年实施示例民生工程的通知",
        blocks=blocks,
        doc_number="示政〔2021〕1号",
        recipients="各镇人民政府，各街道办事处，区政府各部门",
        signature="示例区人民政府",
        date="2021年6月2日",
        attachments=["示例民生工程实施方案", "示例民生工程目标任务分解表"],
        cc="区委各部门，区人大常委会办公室，区政协办公室，区监委，区法院、检察院，区人武部",
        printer="示例区人民政府办公室",
        print_date="2021年6月2日",
        is_sample=True,
    )


def short_sample() -> OfficialDocument:
    """示例: a one-page notice with every kind of block, a table and a two-line title."""
    return OfficialDocument(
        issuer_mark="示例区人民政府办公室文件",
        title="示例区人民政府办公室关于印发示例民生工程绩效评价办法的通知",
        blocks=[
            Block("para", "现将《示例民生工程绩效评价办法》印发给你们，请认真贯彻执行。"),
            Block("h1", "一、评价范围"),
            Block("h2", "（一）示例项目"),
            Block("h3", "1.示例子项"),
            Block("para", "按项目逐项评价。", lead="（二）评价方式。"),
            Block("table", rows=[["项目", "责任单位", "完成时限"], ["示例工程", "区民生办", "2021年12月"]]),
        ],
        doc_number="示政办〔2021〕7号",
        recipients="各镇人民政府",
        signature="示例区人民政府办公室",
        date="2021年6月2日",
        cc="区民生办",
        is_sample=True,
    )


# --- reading a PDF back -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def poppler() -> None:
    missing = [tool for tool in POPPLER if shutil.which(tool) is None]
    if missing:
        pytest.fail(f"poppler-utils missing ({', '.join(missing)}): apt-get install poppler-utils")


def run(*command: str) -> str:
    return subprocess.run(command, capture_output=True, text=True, check=True, timeout=120).stdout


def pages_of(pdf: Path) -> list[list[str]]:
    """pdftotext -layout, per page: the non-empty lines, without the 示例 mark."""
    text = run("pdftotext", "-layout", str(pdf), "-")
    pages = [p for p in text.split("\f") if p.strip()]
    return [[line for line in page.splitlines() if line.strip() and line.strip() != "示例"] for page in pages]


def folio(line: str) -> int | None:
    match = re.fullmatch(r"—\s*(\d+)\s*—", line.strip())
    return int(match.group(1)) if match else None


def check_grid(pages: list[list[str]], headings: set[str]) -> dict[str, int]:
    """Every full page (not the first, which holds the 版头, nor the page where the body ends and the 附件说明,
    署名 and 版记 begin, nor any after it) has 22 body lines plus its folio (21 when a heading was kept with its
    paragraph on the next page); every line that does not end a paragraph is
    28 characters (an indented first line counts its 2-character indent) — 29 when a closing mark hangs in the
    margin, 27 when a character was pulled down for 避头尾. Lines with ASCII are skipped. Returns counts."""
    assert len(pages) >= 4, f"the long sample should fill at least 4 pages, got {len(pages)}"
    body: list[str] = []
    end = next(
        n for n, page in enumerate(pages, start=1) if any(line.strip().startswith("附件：") for line in page)
    )
    assert end >= 4, "the body should fill at least 2 full pages"
    for number, page in enumerate(pages, start=1):
        assert folio(page[-1]) == number, f"page {number} ends with {page[-1]!r}"
        lines = page[:-1]
        continues = number < end and not pages[number][0].strip().startswith("附件：")
        if number > 1 and continues:  # the body goes on on the next page: this page is full
            next_first = pages[number][0].strip().replace(" ", "")
            kept = len(lines) == LINES - 1 and next_first in headings
            assert len(lines) == LINES or kept, f"page {number}: {len(lines)} body lines\n" + "\n".join(lines)
        if number > 1:
            body += lines
    body = body[: next(k for k, line in enumerate(body) if line.strip().startswith("附件："))]
    counts = {"full": 0, "exact": 0, "pulled": 0, "hung": 0}
    for k, line in enumerate(body[:-1]):
        nxt = body[k + 1]
        if not nxt.startswith(" ") and line.strip().replace(" ", "") in headings:
            continue
        if nxt.startswith(" ") or folio(nxt) is not None:
            continue  # the last line of a paragraph
        text = line.strip().replace(" ", "")
        if re.search(r"[\x21-\x7e]", text):
            continue
        after = nxt.strip().replace(" ", "")
        cells = len(text) + (2 if line.startswith(" ") else 0)
        counts["full"] += 1
        if cells == CHARS:
            counts["exact"] += 1
        elif cells == CHARS + 1 and text[-1] in NO_LINE_START:
            counts["hung"] += 1
        elif cells == CHARS - 1 and (after[1:2] in NO_LINE_START or after[:1] in NO_LINE_END):
            counts["pulled"] += 1
        else:
            pytest.fail(f"a full line holds {cells} characters: {line!r} (next {nxt!r})")
    assert counts["full"] >= 60 and counts["exact"] >= counts["full"] * 0.8, counts
    return counts


# --- tests --------------------------------------------------------------------------------------------------


def test_long_document_is_on_the_grid(poppler: None, tmp_path: Path) -> None:
    doc = long_sample()
    pdf = tmp_path / "long.pdf"
    render_pdf(doc, pdf)

    info = run("pdfinfo", str(pdf))
    assert re.search(r"Page size:\s+595\.2\d* x 841\.8\d* pts \(A4\)", info), info
    assert f"Title:           {doc.title}" in info

    pages = pages_of(pdf)
    counts = check_grid(pages, set(HEADINGS))
    assert counts["exact"] > 100

    first = [line.strip() for line in pages[0]]
    assert first[0].replace(" ", "") == doc.issuer_mark
    assert first[1].replace(" ", "") == doc.doc_number
    # folios: odd pages at the right, even pages at the left (one character in)
    assert pages[0][-1].startswith(" " * 20) and not pages[1][-1].startswith(" " * 4)
    assert "— 1 —" in pages[0][-1] and "— 2 —" in pages[1][-1]
    # 版记 at the bottom of the last page: 抄送 … then 印发机关 … 印发日期, just above the folio
    last = [line.strip() for line in pages[-1]]
    assert last[-3].startswith("抄送：区委各部门") or last[-4].startswith("抄送：区委各部门"), last
    assert re.fullmatch(r"示例区人民政府办公室\s+2021年6月2日印发", last[-2])
    assert "示例区人民政府" in last and "2021年6月2日" in last
    assert any(line.startswith("附件：1.示例民生工程实施方案") for line in last), last

    # the mapped fonts, embedded, and nothing else
    expected = {
        TTFont("probe", f.path, subfontIndex=f.index).face.name.decode()
        for f in map(fonts.resolve, fonts.OFFICIAL_FONTS)
    }
    rows = run("pdffonts", str(pdf)).splitlines()[2:]
    embedded = {row.split()[0].split("+", 1)[-1].rsplit("-", 1)[0] for row in rows}
    assert rows and all(" yes " in row for row in rows), rows
    assert embedded <= expected and len(embedded) >= 3, (embedded, expected)

    ARTIFACTS.mkdir(exist_ok=True)
    run(
        "pdftoppm",
        "-png",
        "-r",
        "60",
        "-f",
        "1",
        "-l",
        "1",
        "-singlefile",
        str(pdf),
        str(ARTIFACTS / "official-document-page1"),
    )
    assert (ARTIFACTS / "official-document-page1.png").stat().st_size > 10_000
    assert red_pixels_in_top_third(pdf) > 200, "the 发文机关标志 and the rule under the 发文字号 are red"


def red_pixels_in_top_third(pdf: Path) -> int:
    """Count clearly red pixels in the top third of page 1 (pdftoppm's binary PPM, read without PIL)."""
    data = subprocess.run(
        ["pdftoppm", "-r", "30", "-f", "1", "-l", "1", "-singlefile", str(pdf)],
        capture_output=True,
        check=True,
    ).stdout
    match = re.match(rb"P6\s+(\d+)\s+(\d+)\s+255\s", data)
    assert match, data[:20]
    width, height = int(match.group(1)), int(match.group(2))
    pixels = data[match.end() :]
    red = 0
    for offset in range(0, width * (height // 3) * 3, 3):
        r, g, b = pixels[offset], pixels[offset + 1], pixels[offset + 2]
        red += r > 200 and g < 90 and b < 90
    return red


def test_short_document(poppler: None, tmp_path: Path) -> None:
    """The 版头 takes the top of page 1, so even a short notice reaches page 2, where the 版记 sits at the bottom."""
    doc = short_sample()
    pdf = tmp_path / "short.pdf"
    with pdf.open("wb") as stream:  # a file object works as well as a path
        render_pdf(doc, stream)
    pages = pages_of(pdf)
    assert len(pages) == 2
    first = [line.strip().replace(" ", "") for line in pages[0]]
    assert first[0] == doc.issuer_mark and first[1] == doc.doc_number
    # a title too long for one line of 2号 is broken in two, before "关于"
    assert first[2:4] == ["示例区人民政府办公室", "关于印发示例民生工程绩效评价办法的通知"]
    assert first[4] == "各镇人民政府："
    assert first[5] + first[6] == "现将《示例民生工程绩效评价办法》印发给你们，请认真贯彻执行。"
    assert first[7:11] == ["一、评价范围", "（一）示例项目", "1.示例子项", "（二）评价方式。按项目逐项评价。"]
    last = [line.strip().replace(" ", "") for line in pages[1]]
    body = first[:-1] + last
    assert "项目责任单位完成时限" in body and "示例工程区民生办2021年12月" in body
    assert last[-4:] == ["示例区人民政府办公室", "2021年6月2日", "抄送：区民生办。", "—2—"]
    assert folio(pages[0][-1]) == 1 and not pages[1][-1].startswith("    ")  # page 2: folio at the left
    assert "Pages:           2" in run("pdfinfo", str(pdf))
    run("pdftoppm", "-png", "-r", "60", "-singlefile", "-f", "2", "-l", "2", str(pdf), str(tmp_path / "p2"))


def lines_of(text: str) -> list[str]:
    tokens = tokenize([(c, "body") for c in text], 8, 16, nominal_measure)
    return [line.text for line in break_lines(tokens, CHARS * 2)]


def test_line_breaking_rules() -> None:
    """28 cells a line; ASCII half a cell and never split; 避头尾 by hanging one mark (29) or pulling one down (27)."""
    full = "字" * 28
    assert lines_of(full + "后") == [full, "后"]
    assert lines_of(full + "，后") == [full + "，", "后"]  # a lone closing mark hangs in the margin
    assert lines_of(full + "。”后") == ["字" * 27, "字。”后"]  # two marks: the last character goes down
    assert lines_of("字" * 27 + "（注）") == ["字" * 27, "（注）"]  # an opening mark never ends a line
    assert lines_of("字" * 26 + "2021年") == ["字" * 26 + "2021", "年"]  # 4 digits = 2 cells
    assert lines_of("字" * 27 + "2021年") == ["字" * 27, "2021年"]  # a number is not split
    assert title_lines("杜集区人民政府关于2021年实施33项民生工程的通知") == [
        "杜集区人民政府",
        "关于2021年实施33项民生工程的通知",
    ]
    assert title_lines("示例区人民政府文件") == ["示例区人民政府文件"]


def test_plain_text() -> None:
    text = render_text(short_sample())
    lines = text.splitlines()
    assert lines[0] == "【示例】"
    assert "示例区人民政府办公室文件" in text and "示政办〔2021〕7号" in text
    assert "各镇人民政府：" in lines
    assert "　　现将《示例民生工程绩效评价办法》印发给你们，请认真贯彻执行。" in lines
    assert "　　（二）评价方式。按项目逐项评价。" in lines
    assert "项目\t责任单位\t完成时限" in lines
    assert any(line.strip("　 ") == "2021年6月2日" for line in lines)
    assert "　抄送：区民生办。" in lines


# --- fonts --------------------------------------------------------------------------------------------------


def test_official_names_resolve_to_truetype_substitutes() -> None:
    for official in fonts.OFFICIAL_FONTS:
        font = fonts.resolve(official)
        assert Path(font.path).suffix.lower() in (".ttf", ".ttc"), font
        assert font.licensed or font.family in fonts.substitutes()[official], font
    assert fonts.resolve("楷体_GB2312").licensed or "UKai" in fonts.resolve("楷体_GB2312").family
    conf = fonts.fontconfig_file().read_text(encoding="utf-8")
    assert "<include" in conf and str(fonts.CONF) in conf and "<dir>" in conf


def test_licensed_font_in_font_dir_wins(poppler: None, tmp_path: Path, settings: object) -> None:
    """A TrueType font whose family is 仿宋_GB2312, placed in MINSHENG_FONT_DIR, is used instead of the substitute
    — both by the folder scan and by fontconfig (the <dir> plus <accept> mapping), and it is embedded."""
    folder = tmp_path / "fonts"
    folder.mkdir()
    base = fonts.resolve("宋体")
    licensed = folder / "fangsong-licensed.ttf"
    licensed.write_bytes(
        renamed_font(Path(base.path).read_bytes(), base.index, "仿宋_GB2312", "FangSong_GB2312")
    )
    settings.MINSHENG_FONT_DIR = str(folder)  # type: ignore[attr-defined]

    font = fonts.resolve("仿宋_GB2312")
    assert font.licensed and font.path == str(licensed), font
    matched = fonts._match("仿宋_GB2312", str(folder))
    assert matched and matched[0] == str(licensed), matched
    assert not fonts.resolve("楷体_GB2312").licensed  # the others keep their substitutes

    pdf = tmp_path / "licensed.pdf"
    render_pdf(short_sample(), pdf)
    assert "FangSong_GB2312" in run("pdffonts", str(pdf))


def test_missing_font_is_a_clear_chinese_error(
    tmp_path: Path, settings: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without the system font folders (as on a machine without the Debian font packages) nothing is found."""
    monkeypatch.setattr(fonts, "SYSTEM_CONF", str(tmp_path / "no-system-fonts.conf"))
    settings.MINSHENG_FONT_DIR = str(tmp_path / "empty")  # type: ignore[attr-defined]
    with pytest.raises(fonts.FontMissing) as error:
        fonts.resolve("楷体_GB2312")
    message = str(error.value)
    assert (
        "找不到字体“楷体_GB2312”" in message
        and "fonts-arphic-ukai" in message
        and "apt-get install" in message
    )
    with pytest.raises(fonts.FontMissing):
        render_pdf(short_sample(), tmp_path / "never.pdf")


def renamed_font(data: bytes, index: int, family_zh: str, family_en: str) -> bytes:
    """A standalone TrueType file made from face ``index`` of a font (or collection) with new family names —
    stands in for a licensed font in the tests."""
    start = struct.unpack(">I", data[12 + 4 * index : 16 + 4 * index])[0] if data[:4] == b"ttcf" else 0
    version, count = struct.unpack(">IH", data[start : start + 6])
    tables = {}
    for i in range(count):
        tag, _, offset, length = struct.unpack(">4sIII", data[start + 12 + 16 * i : start + 28 + 16 * i])
        tables[tag] = data[offset : offset + length]
    records = [  # (platform, encoding, language, name id, text): Windows, Unicode BMP
        (3, 1, 0x0409, 1, family_en),
        (3, 1, 0x0409, 2, "Regular"),
        (3, 1, 0x0409, 4, family_en),
        (3, 1, 0x0409, 6, family_en),
        (3, 1, 0x0804, 1, family_zh),
        (3, 1, 0x0804, 2, "Regular"),
        (3, 1, 0x0804, 4, family_zh),
    ]
    strings = b""
    header = b""
    for platform, encoding, language, name_id, text in records:
        raw = text.encode("utf-16-be")
        header += struct.pack(">6H", platform, encoding, language, name_id, len(raw), len(strings))
        strings += raw
    tables[b"name"] = struct.pack(">3H", 0, len(records), 6 + 12 * len(records)) + header + strings
    tags = sorted(tables)
    out = struct.pack(">IHHHH", version, len(tags), 0, 0, 0)
    offset = 12 + 16 * len(tags)
    directory, body = b"", b""
    for tag in tags:
        table = tables[tag]
        padded = table + b"\0" * (-len(table) % 4)
        checksum = sum(struct.unpack(f">{len(padded) // 4}I", padded)) & 0xFFFFFFFF
        directory += struct.pack(">4sIII", tag, checksum, offset + len(body), len(table))
        body += padded
    return out + directory + body
