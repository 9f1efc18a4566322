"""One renderer for official documents (公文, GB/T 9704-2012): .docx (editable in WPS/Word) and PDF.

Layout: A4; margins top 37 mm, bottom 35 mm, left 28 mm, right 26 mm (版心 156 × 225 mm); 22 lines × 28
characters; body 3号 (16 pt) 仿宋_GB2312; title 2号 (22 pt) 方正小标宋简体; 一级标题 黑体; 二级标题 (the
"（一）…。" lead of an item) 楷体_GB2312; red 发文机关标志 and red rule under the 发文字号; page numbers
"— n —" in 4号 宋体, odd pages right, even pages left; 版记 (抄送) ruled at the bottom of the last page.

The .docx names the official fonts and uses a line-only document grid plus −0.25 pt character spacing (Word's
character grid is mis-rendered by LibreOffice; this gives 28 characters per line in both). The PDF is drawn on
the exact grid with reportlab: each line holds 28 full-width characters (ASCII counts half); a character that
may not start a line (，。、；：？！）》」』” …) is kept on the previous line by pulling one character down, so
such a line holds 27.
"""

from __future__ import annotations

from typing import IO, Any

from documents.model import Block, OfficialDocument

MM = 72 / 25.4  # points per millimetre
PAGE_W, PAGE_H = 210, 297
TOP, BOTTOM, LEFT, RIGHT = 37, 35, 28, 26
LINES, CHARS = 22, 28
BODY_W, BODY_H = PAGE_W - LEFT - RIGHT, PAGE_H - TOP - BOTTOM  # 156 × 225 mm
LINE_PITCH = BODY_H / LINES  # mm
#: The .docx line pitch in twips, rounded down: 22 lines of 579 twips fit the 225 mm text block in Word and in
#: LibreOffice (580 twips would overflow it by 0.2 pt and LibreOffice would drop a line).
LINE_TWIPS = int(LINE_PITCH * 1440 / 25.4)
CHAR_PITCH = BODY_W / CHARS  # mm
RED = "FF0000"
BODY_PT, TITLE_PT, MARK_PT, FOLIO_PT, NOTE_PT = 16, 22, 30, 14, 14
NO_LINE_START = set("，。、；：？！）》」』”’%．,.;:?!)]}…—")
FONTS = {"body": "仿宋_GB2312", "title": "方正小标宋简体", "h1": "黑体", "h2": "楷体_GB2312", "folio": "宋体"}


# --- plain text -------------------------------------------------------------------------------------------


def render_text(doc: OfficialDocument) -> str:
    lines = [doc.issuer_mark, doc.doc_number, "", doc.title, ""]
    if doc.recipients:
        lines.append(f"{doc.recipients}：")
    for b in doc.blocks:
        lines.append(("　" * b.indent if b.kind != "h1" else "") + b.lead + b.text)
    lines += ["", doc.signature, doc.date]
    if doc.cc:
        lines.append(f"抄送：{doc.cc}")
    return "\n".join(line for line in lines if line is not None) + "\n"


# --- .docx ------------------------------------------------------------------------------------------------


def render_docx(doc: OfficialDocument, target: str | IO[bytes]) -> None:
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt, RGBColor, Twips

    document = docx.Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(PAGE_W), Mm(PAGE_H)
    section.top_margin, section.bottom_margin = Mm(TOP), Mm(BOTTOM)
    section.left_margin, section.right_margin = Mm(LEFT), Mm(RIGHT)
    section.footer_distance = Mm(28 - 7 - 4)  # folio 7 mm below the text block
    grid = section._sectPr.find(qn("w:docGrid"))
    if grid is None:
        grid = OxmlElement("w:docGrid")
        section._sectPr.append(grid)
    grid.set(qn("w:type"), "lines")
    grid.set(qn("w:linePitch"), str(LINE_TWIPS))

    def font(run: Any, name: str, size: float, color: str | None = None, spacing: bool = True) -> None:
        run.font.size = Pt(size)
        run.font.name = "Times New Roman"
        rpr = run._element.get_or_add_rPr()
        fonts = rpr.find(qn("w:rFonts"))
        if fonts is None:
            fonts = OxmlElement("w:rFonts")
            rpr.insert(0, fonts)
        fonts.set(qn("w:eastAsia"), name)
        if color:
            run.font.color.rgb = RGBColor.from_string(color)
        if spacing:
            space = OxmlElement("w:spacing")
            space.set(qn("w:val"), "-5")  # −0.25 pt, in twentieths of a point
            rpr.append(space)

    def paragraph(align: Any = None, indent_chars: int = 0, exact: bool = True) -> Any:
        p = document.add_paragraph()
        fmt = p.paragraph_format
        fmt.space_before = fmt.space_after = Pt(0)
        fmt.widow_control = False  # every page holds its 22 lines
        if exact:
            fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
            fmt.line_spacing = Twips(LINE_TWIPS)
        if align is not None:
            p.alignment = align
        if indent_chars:
            fmt.first_line_indent = Pt(BODY_PT * indent_chars)
        return p

    def border(p: Any, side: str, color: str, size: int) -> None:
        ppr = p._p.get_or_add_pPr()
        borders = OxmlElement("w:pBdr")
        line = OxmlElement(f"w:{side}")
        for key, value in (("val", "single"), ("sz", str(size)), ("space", "1"), ("color", color)):
            line.set(qn(f"w:{key}"), value)
        borders.append(line)
        ppr.append(borders)

    style = document.styles["Normal"]
    style.font.size = Pt(BODY_PT)
    style.element.get_or_add_rPr()
    mark = paragraph(WD_ALIGN_PARAGRAPH.CENTER, exact=False)
    font(mark.add_run(doc.issuer_mark), FONTS["title"], MARK_PT, RED, spacing=False)
    if doc.is_sample:
        font(paragraph(WD_ALIGN_PARAGRAPH.CENTER).add_run("（示例）"), FONTS["h1"], BODY_PT, RED)
    paragraph()
    number = paragraph(WD_ALIGN_PARAGRAPH.CENTER)
    font(number.add_run(doc.doc_number), FONTS["body"], BODY_PT)
    border(number, "bottom", RED, 18)  # the red separator rule under the 发文字号
    paragraph()
    title = paragraph(WD_ALIGN_PARAGRAPH.CENTER, exact=False)
    font(title.add_run(doc.title), FONTS["title"], TITLE_PT, spacing=False)
    paragraph()
    if doc.recipients:
        font(paragraph().add_run(f"{doc.recipients}："), FONTS["body"], BODY_PT)
    for block in doc.blocks:
        _docx_block(block, paragraph, font)
    paragraph()
    if doc.signature:
        sig = paragraph(WD_ALIGN_PARAGRAPH.RIGHT)
        sig.paragraph_format.right_indent = Pt(BODY_PT * 4)
        font(sig.add_run(doc.signature), FONTS["body"], BODY_PT)
    if doc.date:
        date = paragraph(WD_ALIGN_PARAGRAPH.RIGHT)
        date.paragraph_format.right_indent = Pt(BODY_PT * 4)
        font(date.add_run(doc.date), FONTS["body"], BODY_PT)
    if doc.cc or doc.printer:
        _docx_colophon(document, doc, paragraph, font, border, OxmlElement, qn)
    _docx_folios(document, section, font, OxmlElement, qn, WD_ALIGN_PARAGRAPH)
    document.core_properties.title = doc.title
    document.save(target)


def _docx_block(block: Block, paragraph: Any, font: Any) -> None:
    p = paragraph(indent_chars=block.indent)
    if block.kind == "h1":
        font(p.add_run(block.text), FONTS["h1"], BODY_PT)
    elif block.kind == "h2":
        font(p.add_run(block.text), FONTS["h2"], BODY_PT)
    else:
        if block.lead:
            font(p.add_run(block.lead), FONTS["h2"], BODY_PT)
        font(p.add_run(block.text), FONTS["body"], BODY_PT)


def _docx_colophon(
    document: Any, doc: OfficialDocument, paragraph: Any, font: Any, border: Any, element: Any, qn: Any
) -> None:
    """版记 at the bottom of the last page: paragraphs in a frame anchored to the bottom margin, ruled."""
    from docx.shared import Pt

    lines = []
    if doc.cc:
        lines.append(f"抄送：{doc.cc}")
    if doc.printer:
        lines.append(f"{doc.printer}　　{doc.print_date}印发")
    for i, text in enumerate(lines):
        p = paragraph()
        p.paragraph_format.left_indent = Pt(NOTE_PT)
        p.paragraph_format.first_line_indent = Pt(0)
        frame = element("w:framePr")
        for key, value in (
            ("w", str(round(BODY_W * 56.6929))),
            ("hAnchor", "margin"),
            ("vAnchor", "margin"),
            ("xAlign", "center"),
            ("yAlign", "bottom"),
            ("wrap", "notBeside"),
        ):
            frame.set(qn(f"w:{key}"), value)
        p._p.get_or_add_pPr().insert(0, frame)
        if i == 0:
            border(p, "top", "000000", 8)
        border(p, "bottom", "000000", 8 if i == len(lines) - 1 else 4)
        font(p.add_run(text), FONTS["body"], NOTE_PT)


def _docx_folios(document: Any, section: Any, font: Any, element: Any, qn: Any, align: Any) -> None:
    """ "— n —" page numbers: odd pages right, even pages left (evenAndOddHeaders)."""
    document.settings.odd_and_even_pages_header_footer = True
    for footer, where in ((section.footer, align.RIGHT), (section.even_page_footer, align.LEFT)):
        p = footer.paragraphs[0]
        p.alignment = where
        font(p.add_run("— "), FONTS["folio"], FOLIO_PT, spacing=False)
        field = element("w:fldSimple")
        field.set(qn("w:instr"), "PAGE")
        run = element("w:r")
        text = element("w:t")
        text.text = "1"
        run.append(text)
        field.append(run)
        p._p.append(field)
        font(p.add_run(" —"), FONTS["folio"], FOLIO_PT, spacing=False)


# --- PDF --------------------------------------------------------------------------------------------------


def _width(ch: str) -> float:
    return 0.5 if ord(ch) < 0x2E80 and ch not in "“”‘’—…" else 1.0


def wrap(text: str, first_indent: int = 0, width: int = CHARS) -> list[str]:
    """Break text into grid lines of ``width`` full-width characters (ASCII counts half), with 避头尾."""
    lines: list[str] = []
    current, used = "　" * first_indent, float(first_indent)
    for ch in text:
        w = _width(ch)
        if used + w > width:
            if ch in NO_LINE_START and current:
                carry = current[-1]
                lines.append(current[:-1])
                current, used = carry, _width(carry)
            else:
                lines.append(current)
                current, used = "", 0.0
        current += ch
        used += w
    if current:
        lines.append(current)
    return lines


def render_pdf(doc: OfficialDocument, target: str | IO[bytes]) -> None:
    from reportlab.lib.colors import black, red
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    from documents.fonts import resolve_font_file

    names = {}
    for role, official in FONTS.items():
        path, index = resolve_font_file(official)
        name = f"MS-{official}"
        if name not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont(name, path, subfontIndex=index))
        names[role] = name
    pdf = canvas.Canvas(target, pagesize=(PAGE_W * MM, PAGE_H * MM))
    pdf.setTitle(doc.title)
    pdf.setAuthor(doc.signature or doc.issuer_mark)
    page = {"n": 1, "row": 0}

    def baseline(row: int) -> float:
        return (PAGE_H - TOP - LINE_PITCH * row - LINE_PITCH * 0.78) * MM

    def folio() -> None:
        n = page["n"]
        text = f"— {n} —"
        pdf.setFont(names["folio"], FOLIO_PT)
        pdf.setFillColor(black)
        y = (BOTTOM - 7 - 4) * MM
        if n % 2:
            pdf.drawRightString((PAGE_W - RIGHT - CHAR_PITCH) * MM, y, text)
        else:
            pdf.drawString((LEFT + CHAR_PITCH) * MM, y, text)

    def new_page() -> None:
        folio()
        pdf.showPage()
        page["n"] += 1
        page["row"] = 0

    def grid_line(text: str, role: str = "body", color: Any = black, lead: int = 0) -> None:
        """Draw one grid line; the first ``lead`` characters in the 二级标题 font."""
        if page["row"] >= LINES:
            new_page()
        y = baseline(page["row"])
        x = LEFT
        pdf.setFillColor(color)
        for i, ch in enumerate(text):
            pdf.setFont(names["h2" if i < lead else role], BODY_PT)
            if ch != "　":
                pdf.drawString(x * MM, y, ch)
            x += CHAR_PITCH * _width(ch)
        page["row"] += 1

    def centered(text: str, role: str, size: float, color: Any, rows: int = 1) -> None:
        if page["row"] + rows > LINES:
            new_page()
        pdf.setFont(names[role], size)
        pdf.setFillColor(color)
        y = baseline(page["row"] + rows - 1)
        pdf.drawCentredString((LEFT + BODY_W / 2) * MM, y, text)
        page["row"] += rows

    centered(doc.issuer_mark, "title", MARK_PT, red, rows=2)
    if doc.is_sample:
        centered("（示例）", "h1", BODY_PT, red)
    page["row"] += 1
    centered(doc.doc_number, "body", BODY_PT, black)
    rule_y = baseline(page["row"] - 1) - 4 * MM
    pdf.setStrokeColor(red)
    pdf.setLineWidth(1.5)
    pdf.line(LEFT * MM, rule_y, (PAGE_W - RIGHT) * MM, rule_y)
    page["row"] += 1
    for part in wrap(doc.title, width=20):
        centered(part, "title", TITLE_PT, black)
    page["row"] += 1
    if doc.recipients:
        for line in wrap(f"{doc.recipients}："):
            grid_line(line)
    for block in doc.blocks:
        role = "h1" if block.kind == "h1" else ("h2" if block.kind == "h2" else "body")
        lines = wrap(block.lead + block.text, first_indent=block.indent)
        lead = block.indent + len(block.lead)
        for i, line in enumerate(lines):
            grid_line(line, role, lead=lead if i == 0 else max(0, lead - sum(len(x) for x in lines[:i])))
    page["row"] += 1
    for text in (doc.signature, doc.date):
        if text:
            width = sum(_width(c) for c in text)
            grid_line("　" * int(CHARS - 4 - width) + text)
    if doc.cc or doc.printer:
        cc_lines = wrap(f"抄送：{doc.cc}", width=CHARS - 2) if doc.cc else []
        needed = len(cc_lines) + (1 if doc.printer else 0)
        if page["row"] + needed > LINES:
            new_page()
        start = LINES - needed
        pdf.setStrokeColor(black)
        top = baseline(start) + LINE_PITCH * 0.78 * MM
        pdf.setLineWidth(1)
        pdf.line(LEFT * MM, top, (PAGE_W - RIGHT) * MM, top)
        pdf.setFillColor(black)
        for i, line in enumerate(cc_lines):
            pdf.setFont(names["body"], NOTE_PT)
            pdf.drawString((LEFT + NOTE_PT / MM) * MM, baseline(start + i), line)
        if doc.printer:
            pdf.setFont(names["body"], NOTE_PT)
            pdf.drawString((LEFT + NOTE_PT / MM) * MM, baseline(LINES - 1), doc.printer)
            pdf.drawRightString(
                (PAGE_W - RIGHT - NOTE_PT / MM) * MM, baseline(LINES - 1), f"{doc.print_date}印发"
            )
        bottom = baseline(LINES - 1) - LINE_PITCH * 0.22 * MM
        pdf.line(LEFT * MM, bottom, (PAGE_W - RIGHT) * MM, bottom)
    folio()
    pdf.showPage()
    pdf.save()
