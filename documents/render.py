"""One renderer for official documents (公文, GB/T 9704-2012): plain text, .docx and PDF.

Public API: ``render_text(doc) -> str``, ``render_docx(doc, path_or_file)``, ``render_pdf(doc, path_or_file)``;
``doc`` is a format-independent ``documents.model.OfficialDocument``. The layout numbers and the font mapping are
described in docs/official-documents.md.

Layout: A4; margins top 37, bottom 35, left 28, right 26 mm (版心 156 × 225 mm); 22 lines × 28 characters.
Page 1 follows the 文件格式 版头 on the same grid: 3 empty lines, the red 发文机关标志 (3 lines high, so its top
edge is 35 mm below the 版心), 2 empty lines, the 发文字号, the red rule 4 mm below it, 1 more line, the title
(2号 方正小标宋简体, 1–2 lines), 1 empty line, the 主送机关, then the body.

- PDF (reportlab): every line is drawn at its exact grid position: line pitch 225/22 mm, character pitch
  156/28 mm (a 16 pt character in a 15.79 pt cell — the same −0.25 pt as the .docx). Lines are broken here:
  28 full-width cells per line, an ASCII run takes half cells (at least its natural width) and is never split.
  避头尾: a closing mark that would start a line hangs in the right margin when it is alone (that line then
  holds 29 characters, like Word's 允许标点溢出边界); otherwise the last character is pulled down with it, and an
  opening mark is never left at a line end (those lines hold 27, spread over the full width).
- .docx (python-docx, XML where it has no API): the same page, a line-only document grid (linePitch 579 twips)
  with exact line spacing 579 twips and −0.25 pt character spacing; Word/LibreOffice break the lines.
"""

from __future__ import annotations

import math
import unicodedata
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import IO, Any

from documents.model import Block, OfficialDocument

# --- the numbers ------------------------------------------------------------------------------------------

MM = 72 / 25.4  # points per millimetre
PAGE_W_MM, PAGE_H_MM = 210, 297
TOP_MM, BOTTOM_MM, LEFT_MM, RIGHT_MM = 37, 35, 28, 26
BODY_W_MM, BODY_H_MM = PAGE_W_MM - LEFT_MM - RIGHT_MM, PAGE_H_MM - TOP_MM - BOTTOM_MM  # 156 × 225
LINES, CHARS = 22, 28
LINE_PITCH_MM = BODY_H_MM / LINES  # 10.227 mm
CHAR_PITCH_MM = BODY_W_MM / CHARS  # 5.571 mm
LINE_PITCH_TWIPS = int(BODY_H_MM / 25.4 * 1440 / LINES)  # 579: 22 × 579 ≤ the 版心 height, 23 lines are not
BODY_PT, TITLE_PT, FOLIO_PT, NOTE_PT, TABLE_PT, SAMPLE_PT = 16, 22, 14, 14, 14, 18  # 3号, 2号, 4号 …
CHAR_SPACING_PT = -0.25
MARK_HEIGHT_MM, MARK_CHAR_MAX_MM = 22, 15  # 发文机关标志: at most 22 mm high, 15 mm wide per character
RULE_GAP_MM, FOLIO_GAP_MM = 4, 7
RED = "FF0000"
TITLE_HALVES = int(BODY_W_MM * MM // TITLE_PT) * 2  # 20 characters of 2号 on a line
CJK_BASELINE = 0.38  # the ideographic em box spans −0.12 … 0.88 em around the baseline: centre it in the cell

#: role → official font name. "bold" is 仿宋 emboldened (三级标题).
FONTS = {
    "body": "仿宋_GB2312",
    "bold": "仿宋_GB2312",
    "title": "方正小标宋简体",
    "hei": "黑体",
    "kai": "楷体_GB2312",
    "song": "宋体",
    "latin": "宋体",  # ASCII runs (the .docx names Times New Roman): the 宋体 face's Latin glyphs, half a cell
    "latin_bold": "宋体",
}
BOLD_ROLES = {"bold", "latin_bold"}
HEADING_ROLE = {"h1": "hei", "h2": "kai", "h3": "bold", "para": "body"}

#: 避头: may not start a line. 避尾: may not end a line.
NO_LINE_START = set("，。、；：？！）》」』”’〕】〗〉…—·%‰,.;:?!)]}")
NO_LINE_END = set("（《「『“‘〔【〖〈([{")
HANGABLE = set("，。、；：？！）》」』”’〕】〗〉,.;:?!)]}")  # a single one of these may hang in the margin
OPENING = NO_LINE_END
CLOSING = set("，。、；：？！）》」』”’〕】〗〉")


def is_full_width(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in ("W", "F", "A")


def text_halves(text: str) -> int:
    """Nominal width in half cells: a full-width character 2, an ASCII character 1."""
    return sum(2 if is_full_width(c) else 1 for c in text)


# --- line breaking (shared by the PDF and the tests) --------------------------------------------------------

Measure = Callable[[str, str, float], float]  # (text, role, size) → width in points


def nominal_measure(text: str, role: str, size: float) -> float:
    return text_halves(text) * size / 2


@dataclass
class Token:
    """An unbreakable unit: one full-width character, or a run of ASCII characters in one role."""

    text: str
    role: str
    halves: int
    x: float = 0.0  # left edge of its cells (points from the 版心's left edge), set by place()

    @property
    def first(self) -> str:
        return self.text[0]


@dataclass
class Line:
    tokens: list[Token]
    indent: int  # half cells
    justify: bool = False
    hang: bool = False  # the last token hangs in the right margin

    @property
    def text(self) -> str:
        return "".join(t.text for t in self.tokens)


def tokenize(glyphs: list[tuple[str, str]], half: float, size: float, measure: Measure) -> list[Token]:
    tokens: list[Token] = []
    glyphs = [
        (c, r) for c, r in glyphs if unicodedata.category(c) != "Cc"
    ]  # no line breaks or tabs in a line
    i = 0
    while i < len(glyphs):
        ch, role = glyphs[i]
        if is_full_width(ch) or ch.isspace():
            tokens.append(Token(ch, role, 2 if is_full_width(ch) else 1))
            i += 1
            continue
        j = i
        while j < len(glyphs) and not is_full_width(glyphs[j][0]) and not glyphs[j][0].isspace():
            if glyphs[j][1] != role:
                break
            j += 1
        run = "".join(c for c, _ in glyphs[i:j])
        latin = "latin_bold" if role in BOLD_ROLES else "latin"
        natural = measure(run, latin, size)
        tokens.append(Token(run, latin, max(len(run), math.ceil(natural / (half * 1.03)))))
        i = j
    return tokens


def break_lines(
    tokens: list[Token], capacity: int, first_indent: int = 0, rest_indent: int = 0
) -> list[Line]:
    """Break tokens into lines of ``capacity`` half cells, with 避头尾 (see the module docstring)."""
    lines: list[Line] = []
    i, indent = 0, first_indent
    while i < len(tokens):
        room, used, j = capacity - indent, 0, i
        while j < len(tokens) and used + tokens[j].halves <= room:
            used += tokens[j].halves
            j += 1
        if j == i:  # a single token wider than the line: split it
            token = tokens[i]
            cut = max(1, room)
            tokens[i : i + 1] = [
                Token(token.text[:cut], token.role, cut),
                Token(token.text[cut:], token.role, max(1, token.halves - cut)),
            ]
            continue
        hang = False
        if j < len(tokens):
            nxt = tokens[j]
            following = tokens[j + 1] if j + 1 < len(tokens) else None
            if nxt.first in NO_LINE_START:
                if (
                    len(nxt.text) == 1
                    and nxt.first in HANGABLE
                    and (following is None or following.first not in NO_LINE_START)
                ):
                    j, hang = j + 1, True
                else:
                    while j - 1 > i and tokens[j].first in NO_LINE_START:
                        j -= 1
            if not hang:
                while j - 1 > i and tokens[j - 1].text[-1] in NO_LINE_END:
                    j -= 1
        last = j >= len(tokens)
        lines.append(Line(tokens[i:j], indent, justify=not last and not hang, hang=hang))
        i, indent = j, rest_indent
    return lines


def place(line: Line, capacity: int, half: float) -> None:
    """Set each token's x: on the grid; a short line that is not a paragraph's last is spread (两端对齐)."""
    tokens = line.tokens[:-1] if line.hang else line.tokens
    used = sum(t.halves for t in tokens)
    extra = (capacity - line.indent - used) * half if line.justify and len(tokens) > 1 else 0.0
    gap = extra / (len(tokens) - 1) if extra > 0 else 0.0
    x = line.indent * half
    for token in tokens:
        token.x = x
        x += token.halves * half + gap
    if line.hang:
        line.tokens[-1].x = x - gap


def title_lines(title: str, limit: int = TITLE_HALVES) -> list[str]:
    """The title on one line, or on two lines broken 词意完整 in a 梯形 (the first line not longer)."""
    if text_halves(title) <= limit:
        return [title]
    best: tuple[float, int] | None = None
    for p in range(1, len(title)):
        a, b = title[:p], title[p:]
        if text_halves(a) > limit or text_halves(b) > limit:
            continue
        if b[0] in NO_LINE_START or a[-1] in NO_LINE_END or (a[-1].isascii() and b[0].isascii()):
            continue
        wa, wb = text_halves(a), text_halves(b)
        score = abs(wa - wb) + (6 if wa > wb else 0)
        if a[-1].isdigit() or b[0].isdigit():
            score += 12  # "2021年", "33项" stay whole
        if b.startswith("关于"):
            score -= 40
        if b.startswith(("的通知", "的意见", "的决定", "的报告", "的请示", "的函")):
            score += 20
        if best is None or score < best[0]:
            best = (score, p)
    if best is not None:
        return [title[: best[1]], title[best[1] :]]
    tokens = tokenize([(c, "title") for c in title], 1, 2, nominal_measure)
    return [line.text for line in break_lines(tokens, limit)]


def attachment_lines(doc: OfficialDocument) -> list[tuple[str, int, int]]:
    """(text, first-line indent, continuation indent) in half cells for the 附件说明."""
    out = []
    many = len(doc.attachments) > 1
    for n, name in enumerate(doc.attachments, start=1):
        number = f"{n}." if many else ""
        if n == 1:
            out.append((f"附件：{number}{name}", 4, 10 + text_halves(number)))
        else:
            out.append((f"{number}{name}", 10, 10 + text_halves(number)))
    return out


def signature_starts(doc: OfficialDocument) -> tuple[int, int]:
    """Start (half cells) of the 署名 and of the 成文日期: the date right with 4 characters of right indent,
    the signature centred over it."""
    date_w, sig_w = text_halves(doc.date), text_halves(doc.signature)
    date_start = CHARS * 2 - 8 - (date_w or sig_w)
    sig_start = date_start + ((date_w or sig_w) - sig_w) // 2
    sig_start = max(0, min(sig_start, CHARS * 2 - sig_w))
    return sig_start, date_start


def closing_date(doc: OfficialDocument) -> str:
    """The 成文日期 printed after the text (a 简报 prints its date in the 版头 instead)."""
    return "" if doc.is_briefing else doc.date


def print_date_text(doc: OfficialDocument) -> str:
    return (
        doc.print_date if not doc.print_date or doc.print_date.endswith("印发") else f"{doc.print_date}印发"
    )


def cc_text(doc: OfficialDocument) -> str:
    cc = doc.cc.strip().removeprefix("抄送：").removeprefix("抄送:")
    return cc if not cc or cc.endswith("。") else f"{cc}。"


def recipients_text(doc: OfficialDocument) -> str:
    return doc.recipients.rstrip("：:") + "："


# --- plain text ---------------------------------------------------------------------------------------------


def render_text(doc: OfficialDocument) -> str:
    """The document as plain text: one paragraph per line, headings centred / indented with full-width spaces."""
    width = CHARS * 2

    def centred(text: str) -> str:
        return "　" * max(0, (width - text_halves(text)) // 4) + text

    def at(text: str, start: int) -> str:
        return "　" * (start // 2) + " " * (start % 2) + text

    rule = "─" * CHARS
    out: list[str] = []
    if doc.is_sample:
        out += ["【示例】", ""]
    if doc.is_briefing:
        out.append(centred(doc.issuer_mark))
        out.append(centred(doc.issue_number))
        gap = max(2, width - text_halves(doc.editor) - text_halves(doc.date))
        out += [f"{doc.editor}{'　' * (gap // 2)}{doc.date}", rule, ""]
    if doc.issuer_mark and not doc.is_briefing:
        out.append(centred(doc.issuer_mark))
    if doc.doc_number and not doc.is_briefing:
        out.append(centred(doc.doc_number))
    if (doc.issuer_mark or doc.doc_number) and not doc.is_briefing:
        out += [rule, ""]
    out += [centred(line) for line in title_lines(doc.title)]
    out.append("")
    if doc.recipients:
        out.append(recipients_text(doc))
    for block in doc.blocks:
        if block.kind == "table":
            out += ["\t".join(cell for cell in row) for row in block.rows]
        else:
            out.append("　" * block.indent + block.lead + block.text)
    if doc.attachments:
        out.append("")
        out += [at(text, first) for text, first, _ in attachment_lines(doc)]
    if doc.signature or closing_date(doc):
        sig_start, date_start = signature_starts(doc)
        out.append("")
        if doc.signature:
            out.append(at(doc.signature, sig_start))
        if closing_date(doc):
            out.append(at(doc.date, date_start))
    if doc.cc or doc.printer or doc.print_date:
        out += ["", rule]
        if doc.cc:
            out.append(f"　抄送：{cc_text(doc)}")
        if doc.printer or doc.print_date:
            date = print_date_text(doc)
            gap = max(2, width - 4 - text_halves(doc.printer) - text_halves(date))
            out.append(f"　{doc.printer}{'　' * (gap // 2)}{date}")
        out.append(rule)
    return "\n".join(out).rstrip() + "\n"


# --- the page model (PDF) -----------------------------------------------------------------------------------


@dataclass
class Row:
    """One or more grid lines of the flow."""

    kind: str  # blank | mark | number | title | text | table
    height: int = 1
    line: Line | None = None
    text: str = ""
    role: str = "body"
    start: int = 0  # half cells, for right-placed text (signature, date)
    cells: list[list[Line]] = field(default_factory=list)
    widths: list[float] = field(default_factory=list)
    header: bool = False
    keep_with_next: bool = False


@dataclass
class Layout:
    pages: list[list[tuple[int, Row]]]  # (first grid line, row)
    colophon: list[Line]  # 抄送 lines (版记), on the last page
    printer: bool


def layout(doc: OfficialDocument, measure: Measure = nominal_measure) -> Layout:
    """Rows on the grid, paginated. ``measure`` gives natural widths (the PDF passes the embedded fonts')."""
    half = BODY_W_MM * MM / CHARS / 2
    capacity = CHARS * 2
    rows: list[Row] = []

    def text_rows(glyphs: list[tuple[str, str]], first: int, rest: int, keep: bool = False) -> list[Row]:
        lines = break_lines(tokenize(glyphs, half, BODY_PT, measure), capacity, first, rest)
        out = []
        for line in lines:
            place(line, capacity, half)
            out.append(Row("text", line=line, keep_with_next=keep))
        return out

    if doc.is_briefing:  # 简报: 1 empty line, the name (3 lines), 期号, 编发单位 + date over the red rule
        rows += [Row("blank"), Row("mark", height=3, text=doc.issuer_mark)]
        rows += [Row("issue", text=doc.issue_number), Row("editor", text=doc.editor), Row("blank")]
    else:
        if doc.issuer_mark:
            rows += [Row("blank") for _ in range(3)] + [Row("mark", height=3, text=doc.issuer_mark)]
            rows += [Row("blank"), Row("blank")]
        if doc.issuer_mark or doc.doc_number:
            rows += [Row("number", text=doc.doc_number), Row("blank"), Row("blank")]
    rows += [Row("title", text=text) for text in title_lines(doc.title)]
    rows.append(Row("blank"))
    if doc.recipients:
        rows += text_rows([(c, "body") for c in recipients_text(doc)], 0, 0)
    for block in doc.blocks:
        if block.kind == "table":
            rows += _table_rows(block, measure)
            continue
        role = HEADING_ROLE.get(block.kind, "body")
        glyphs = [(c, "kai") for c in block.lead] + [(c, role) for c in block.text]
        if glyphs:
            rows += text_rows(glyphs, block.indent * 2, 0, keep=block.kind in ("h1", "h2", "h3"))
    if doc.attachments:  # the 附件说明 is kept together
        rows.append(Row("blank", keep_with_next=True))
        for text, first, rest in attachment_lines(doc):
            rows += text_rows([(c, "body") for c in text], first, rest, keep=True)
        rows[-1].keep_with_next = False
    if doc.signature or closing_date(doc):
        if rows:
            rows[-1].keep_with_next = True  # the signature never stands alone on a page
        sig_start, date_start = signature_starts(doc)
        rows.append(Row("blank", keep_with_next=True))
        if doc.signature:
            rows.append(
                Row("right", text=doc.signature, start=sig_start, keep_with_next=bool(closing_date(doc)))
            )
        if closing_date(doc):
            rows.append(Row("right", text=doc.date, start=date_start))

    pages: list[list[tuple[int, Row]]] = [[]]
    used = 0
    for i, row in enumerate(rows):
        chain = row.height
        j = i
        while rows[j].keep_with_next and j + 1 < len(rows):
            j += 1
            chain += rows[j].height
        if used and (used + row.height > LINES or (chain <= LINES and used + chain > LINES)):
            pages.append([])
            used = 0
        if not used and len(pages) > 1 and row.kind == "blank":
            continue  # no empty line at the top of a page
        pages[-1].append((used, row))
        used += min(row.height, LINES)

    colophon: list[Line] = []
    has_printer = bool(doc.printer or doc.print_date)
    if doc.cc:
        note_half = NOTE_PT / 2
        note_capacity = int((BODY_W_MM * MM - 2 * NOTE_PT) // NOTE_PT) * 2
        tokens = tokenize([(c, "body") for c in "抄送：" + cc_text(doc)], note_half, NOTE_PT, measure)
        colophon = break_lines(tokens, note_capacity, 0, 6)
        for line in colophon:
            place(line, note_capacity, note_half)
    needed = len(colophon) + has_printer
    if needed and used > LINES - needed:
        pages.append([])
    return Layout(pages, colophon, has_printer)


def fit_widths(natural: list[float], total: float, minimum: float) -> list[float]:
    """Column widths filling ``total``: each column as wide as its text (at least ``minimum``), spread
    proportionally when the table is narrower than the line. When it is wider, the columns narrower than a fair
    share keep their width and the wider ones share what is left equally (max-min fair), so that short figures
    never wrap and long text does; only if even that does not fit, everything shrinks proportionally."""
    wanted = [max(minimum, w) for w in natural]
    if sum(wanted) <= total:
        return [w * total / sum(wanted) for w in wanted]
    fixed: dict[int, float] = {}
    while len(fixed) < len(wanted):
        free = [i for i in range(len(wanted)) if i not in fixed]
        share = (total - sum(fixed.values())) / len(free)
        narrow = [i for i in free if wanted[i] <= share]
        if not narrow:
            if share < minimum:
                break
            return [fixed.get(i, share) for i in range(len(wanted))]
        fixed.update({i: wanted[i] for i in narrow})
    return [w * total / sum(wanted) for w in wanted]


def _table_rows(block: Block, measure: Measure) -> list[Row]:
    if not block.rows:
        return []
    columns = max(len(r) for r in block.rows)
    total = BODY_W_MM * MM
    pad = TABLE_PT / 2
    natural = [
        max([measure(r[c], "body", TABLE_PT) for r in block.rows if c < len(r)] + [2 * TABLE_PT]) + 2 * pad
        for c in range(columns)
    ]
    widths = fit_widths(natural, total, 3 * TABLE_PT)
    half = TABLE_PT / 2
    out = []
    for n, cells in enumerate(block.rows):
        role = "hei" if n == 0 else "body"
        lines_per_cell = []
        for c in range(columns):
            text = cells[c] if c < len(cells) else ""
            capacity = max(2, int((widths[c] - 2 * pad) // half))
            lines = break_lines(tokenize([(ch, role) for ch in text], half, TABLE_PT, measure), capacity)
            for line in lines:
                line.justify = False
                place(line, capacity, half)
            lines_per_cell.append(lines)
        height = min(LINES, max(1, *(len(lines) for lines in lines_per_cell)))
        out.append(
            Row(
                "table",
                height=height,
                cells=lines_per_cell,
                widths=widths,
                header=n == 0,
                keep_with_next=n == 0,
            )
        )
    return out


# --- PDF ----------------------------------------------------------------------------------------------------


@dataclass
class _PdfFont:
    name: str  # registered with reportlab
    licensed: bool


def _pdf_fonts() -> dict[str, _PdfFont]:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    from documents.fonts import resolve

    out = {}
    for role, official in FONTS.items():
        font = resolve(official)
        name = f"MS-{Path(font.path).stem}-{font.index}-{zlib.crc32(font.path.encode()):08x}"
        if name not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont(name, font.path, subfontIndex=font.index))
        out[role] = _PdfFont(name, font.licensed)
    return out


@lru_cache(maxsize=65536)
def _width(text: str, font: str, size: float) -> float:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    return stringWidth(text, font, size)


def render_pdf(doc: OfficialDocument, path_or_file: str | Path | IO[bytes]) -> None:
    """Write ``doc`` as a PDF (A4, GB/T 9704 grid, fonts resolved by documents.fonts and embedded)."""
    from reportlab.pdfgen.canvas import Canvas

    fonts = _pdf_fonts()

    def measure(text: str, role: str, size: float) -> float:
        return _width(text, fonts[role].name, size)

    plan = layout(doc, measure)
    target = str(path_or_file) if isinstance(path_or_file, Path) else path_or_file
    pdf = Canvas(
        target,
        pagesize=(PAGE_W_MM * MM, PAGE_H_MM * MM),
        pageCompression=1,
        initialFontName=fonts["body"].name,  # no stray Helvetica in the page resources
        lang="zh-CN",
    )
    pdf.setTitle(doc.title)
    pdf.setAuthor(doc.signature or doc.issuer_mark)
    pdf.setSubject(doc.doc_number)
    pdf.setCreator("民生工程管理系统")
    painter = _Painter(pdf, fonts)
    for number, page in enumerate(plan.pages, start=1):
        if doc.is_sample:
            painter.sample_mark()
        for line_no, row in page:
            painter.row(row, line_no, doc)
        if number == len(plan.pages):
            painter.colophon(plan, doc)
        painter.folio(number)
        pdf.showPage()
    pdf.save()


class _Painter:
    def __init__(self, pdf: Any, fonts: dict[str, _PdfFont]) -> None:
        self.pdf = pdf
        self.fonts = fonts
        self.left = LEFT_MM * MM
        self.right = (PAGE_W_MM - RIGHT_MM) * MM
        self.top = (PAGE_H_MM - TOP_MM) * MM
        self.pitch = LINE_PITCH_MM * MM

    def baseline(self, line_no: int, size: float, height: int = 1) -> float:
        return self.top - (line_no + height / 2) * self.pitch - CJK_BASELINE * size

    # a line of grid-placed tokens, one text object, each glyph moved to its cell with Tc (character spacing)
    def tokens(
        self, line: Line, x0: float, y: float, size: float, half: float, color: str = "#000000"
    ) -> None:
        glyphs: list[tuple[str, str, float]] = []  # (char, role, pen x)
        for token in line.tokens:
            font = self.fonts[token.role].name
            if len(token.text) == 1 and is_full_width(token.text):
                advance = _width(token.text, font, size)
                cell = token.halves * half
                if advance >= cell - 0.01:
                    offset = (cell - advance) / 2
                elif token.text in OPENING:
                    offset = cell - advance
                elif token.text in CLOSING:
                    offset = 0.0
                else:
                    offset = (cell - advance) / 2
                glyphs.append((token.text, token.role, x0 + token.x + offset))
            else:
                natural = _width(token.text, font, size)
                pen = x0 + token.x + (token.halves * half - natural) / 2
                for ch in token.text:
                    glyphs.append((ch, token.role, pen))
                    pen += _width(ch, font, size)
        self.glyphs(glyphs, y, size, color)

    def glyphs(self, glyphs: list[tuple[str, str, float]], y: float, size: float, color: str) -> None:
        if not glyphs:
            return
        pdf = self.pdf
        pdf.saveState()
        pdf.setFillColor(color)
        text = pdf.beginText(glyphs[0][2], y)
        bold = any(role in BOLD_ROLES for _, role, _ in glyphs)
        if bold:
            pdf.setStrokeColor(color)
            pdf.setLineWidth(size * 0.03)
            text.setTextRenderMode(2)
        current_font, current_tc = "", None
        for i, (ch, role, x) in enumerate(glyphs):
            font = self.fonts[role].name
            if font != current_font:
                text.setFont(font, size)
                current_font = font
            advance = _width(ch, font, size)
            tc = glyphs[i + 1][2] - x - advance if i + 1 < len(glyphs) else 0.0
            if current_tc is None or abs(tc - current_tc) > 1e-3:
                text.setCharSpace(round(tc, 3))
                current_tc = tc
            text.textOut(ch)
        pdf.drawText(text)
        pdf.restoreState()

    def centred(
        self, text: str, role: str, size: float, y: float, color: str = "#000000", scale: float = 1.0
    ) -> None:
        """Centred text with natural spacing; the free substitute of 小标宋 is emboldened a little."""
        pdf = self.pdf
        font = self.fonts[role]
        width = _width(text, font.name, size) * scale
        pdf.saveState()
        pdf.setFillColor(color)
        obj = pdf.beginText((self.left + self.right) / 2 - width / 2, y)
        obj.setFont(font.name, size)
        if scale != 1.0:
            obj.setHorizScale(scale * 100)
        if role == "title" and not font.licensed:
            pdf.setStrokeColor(color)
            pdf.setLineWidth(size * 0.025)
            obj.setTextRenderMode(2)
        obj.textOut(text)
        pdf.drawText(obj)
        pdf.restoreState()

    def row(self, row: Row, line_no: int, doc: OfficialDocument) -> None:
        half = (self.right - self.left) / CHARS / 2
        if row.kind == "mark":
            size = MARK_HEIGHT_MM * MM
            per_char = min(MARK_CHAR_MAX_MM, BODY_W_MM * 0.95 / max(1, len(row.text))) * MM
            natural = _width(row.text, self.fonts["title"].name, size) / max(1, len(row.text))
            y = self.baseline(line_no, size, row.height)
            self.centred(row.text, "title", size, y, "#" + RED, scale=min(1.0, per_char / natural))
        elif row.kind == "number":
            y = self.baseline(line_no, BODY_PT)
            if row.text:
                self.centred(row.text, "body", BODY_PT, y)
            rule_y = y - 0.12 * BODY_PT - RULE_GAP_MM * MM
            self.pdf.saveState()
            self.pdf.setStrokeColor("#" + RED)
            self.pdf.setLineWidth(1.5)
            self.pdf.line(self.left, rule_y, self.right, rule_y)
            self.pdf.restoreState()
        elif row.kind == "issue":
            self.centred(row.text, "body", BODY_PT, self.baseline(line_no, BODY_PT))
        elif row.kind == "editor":  # 简报: 编发单位 left, date right, the red rule under them
            y = self.baseline(line_no, BODY_PT)
            font = self.fonts["body"].name
            if row.text:
                self.glyphs(self._natural(row.text, self.left, BODY_PT), y, BODY_PT, "#000000")
            if doc.date:
                x = self.right - _width(doc.date, font, BODY_PT)
                self.glyphs(self._natural(doc.date, x, BODY_PT), y, BODY_PT, "#000000")
            rule_y = y - 0.12 * BODY_PT - RULE_GAP_MM * MM
            self.pdf.saveState()
            self.pdf.setStrokeColor("#" + RED)
            self.pdf.setLineWidth(1.5)
            self.pdf.line(self.left, rule_y, self.right, rule_y)
            self.pdf.restoreState()
        elif row.kind == "title":
            self.centred(row.text, "title", TITLE_PT, self.baseline(line_no, TITLE_PT))
        elif row.kind == "text" and row.line is not None:
            self.tokens(row.line, self.left, self.baseline(line_no, BODY_PT), BODY_PT, half)
        elif row.kind == "right":
            tokens = tokenize([(c, "body") for c in row.text], half, BODY_PT, self.measure)
            line = Line(tokens, row.start)
            place(line, CHARS * 2, half)
            self.tokens(line, self.left, self.baseline(line_no, BODY_PT), BODY_PT, half)
        elif row.kind == "table":
            self.table(row, line_no)

    def measure(self, text: str, role: str, size: float) -> float:
        return _width(text, self.fonts[role].name, size)

    def table(self, row: Row, line_no: int) -> None:
        pdf = self.pdf
        top = self.top - line_no * self.pitch
        bottom = top - row.height * self.pitch
        x = self.left
        pdf.saveState()
        pdf.setLineWidth(0.5)
        for c, width in enumerate(row.widths):
            for k, line in enumerate(row.cells[c][: row.height]):
                y = self.baseline(line_no + k, TABLE_PT)
                self.tokens(line, x + TABLE_PT / 2, y, TABLE_PT, TABLE_PT / 2)
            pdf.line(x, top, x, bottom)
            x += width
        pdf.line(self.right, top, self.right, bottom)
        pdf.line(self.left, top, self.right, top)
        pdf.line(self.left, bottom, self.right, bottom)
        pdf.restoreState()

    def colophon(self, plan: Layout, doc: OfficialDocument) -> None:
        """版记: first and last rule 0.35 mm, the one between 0.25 mm; the last rule on the 版心's bottom edge."""
        needed = len(plan.colophon) + plan.printer
        if not needed:
            return
        pdf = self.pdf
        start = LINES - needed
        bottom = self.top - LINES * self.pitch
        for k, line in enumerate(plan.colophon):
            self.tokens(line, self.left + NOTE_PT, self.baseline(start + k, NOTE_PT), NOTE_PT, NOTE_PT / 2)
        if plan.printer:
            y = self.baseline(LINES - 1, NOTE_PT)
            font = self.fonts["body"].name
            if doc.printer:
                self.glyphs(self._natural(doc.printer, self.left + NOTE_PT), y, NOTE_PT, "#000000")
            date = print_date_text(doc)
            if date:
                x = self.right - NOTE_PT - _width(date, font, NOTE_PT)
                self.glyphs(self._natural(date, x), y, NOTE_PT, "#000000")
        pdf.saveState()
        pdf.setStrokeColor("#000000")
        pdf.setLineWidth(0.35 * MM)
        pdf.line(self.left, self.top - start * self.pitch, self.right, self.top - start * self.pitch)
        pdf.line(self.left, bottom + 0.175 * MM, self.right, bottom + 0.175 * MM)
        if plan.printer and plan.colophon:
            pdf.setLineWidth(0.25 * MM)
            y = self.top - (LINES - 1) * self.pitch
            pdf.line(self.left, y, self.right, y)
        pdf.restoreState()

    def _natural(self, text: str, x: float, size: float = NOTE_PT) -> list[tuple[str, str, float]]:
        font = self.fonts["body"].name
        out = []
        for ch in text:
            out.append((ch, "body", x))
            x += _width(ch, font, size)
        return out

    def folio(self, number: int) -> None:
        """'— n —' in 4号宋体, the 一字线 7 mm below the 版心; odd pages right, even pages left, 1 character in."""
        text = f"— {number} —"
        font = self.fonts["song"].name
        y = (BOTTOM_MM - FOLIO_GAP_MM) * MM - 0.33 * FOLIO_PT
        width = _width(text, font, FOLIO_PT)
        x = self.right - FOLIO_PT - width if number % 2 else self.left + FOLIO_PT
        self.pdf.saveState()
        self.pdf.setFillColor("#000000")
        self.pdf.setFont(font, FOLIO_PT)
        self.pdf.drawString(x, y, text)
        self.pdf.restoreState()

    def sample_mark(self) -> None:
        """示例: a red boxed mark in the top margin of every page."""
        pdf = self.pdf
        font = self.fonts["hei"].name
        width = _width("示例", font, SAMPLE_PT)
        box_w, box_h = width + SAMPLE_PT, SAMPLE_PT * 1.6
        x1 = self.right
        y0 = (PAGE_H_MM - 12) * MM - box_h
        pdf.saveState()
        pdf.setStrokeColor("#" + RED)
        pdf.setFillColor("#" + RED)
        pdf.setLineWidth(1.2)
        pdf.rect(x1 - box_w, y0, box_w, box_h, stroke=1, fill=0)
        pdf.setFont(font, SAMPLE_PT)
        pdf.drawString(x1 - box_w + SAMPLE_PT / 2, y0 + box_h / 2 - CJK_BASELINE * SAMPLE_PT, "示例")
        pdf.restoreState()


# --- .docx --------------------------------------------------------------------------------------------------

TWIPS_PER_PT = 20
CHAR_TWIPS = BODY_PT * TWIPS_PER_PT  # one 3号 character: 320 twips


def render_docx(doc: OfficialDocument, path_or_file: str | Path | IO[bytes]) -> None:
    """Write ``doc`` as .docx naming the official fonts (see the module docstring for the grid)."""
    import docx

    document = docx.Document()
    writer = _DocxWriter(document)
    writer.setup(doc)
    writer.body(doc)
    document.core_properties.title = doc.title
    document.core_properties.subject = doc.doc_number
    document.core_properties.author = doc.signature or doc.issuer_mark
    document.core_properties.language = "zh-CN"
    document.save(str(path_or_file) if isinstance(path_or_file, Path) else path_or_file)


def _el(tag: str, **attrs: Any) -> Any:
    """A new WordprocessingML element: a copy of a cached prototype (python-docx's OxmlElement parses a string
    each time, ten times slower than copying; documents hold thousands of these)."""
    return _prototype(tag, tuple((k, str(v)) for k, v in attrs.items())).__copy__()  # lxml: a deep copy


@lru_cache(maxsize=4096)
def _prototype(tag: str, attrs: tuple[tuple[str, str], ...]) -> Any:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    element = OxmlElement(tag)
    for key, value in attrs:
        element.set(qn(f"w:{key}"), value)
    return element


class _DocxWriter:
    def __init__(self, document: Any) -> None:
        self.document = document
        self._rpr_cache: dict[Any, Any] = {}

    # -- document set-up: styles, page, grid, headers and footers
    def setup(self, doc: OfficialDocument) -> None:
        from docx.oxml.ns import qn
        from docx.shared import Mm

        document = self.document
        styles = document.styles.element
        defaults = styles.find(qn("w:docDefaults"))
        if defaults is not None:
            styles.remove(defaults)
        rpr = _el("w:rPr")
        rpr.append(self._fonts("仿宋_GB2312"))
        rpr.append(_el("w:sz", val=BODY_PT * 2))
        rpr.append(_el("w:szCs", val=BODY_PT * 2))
        rpr.append(_el("w:lang", val="en-US", eastAsia="zh-CN", bidi="ar-SA"))
        ppr = _el("w:pPr")
        ppr.append(_el("w:widowControl", val=0))
        ppr.append(
            _el("w:autoSpaceDE", val=0)
        )  # no extra space between Chinese and Latin: digits stay half cells
        ppr.append(_el("w:autoSpaceDN", val=0))
        ppr.append(_el("w:spacing", before=0, after=0, line=LINE_PITCH_TWIPS, lineRule="exact"))
        ppr.append(_el("w:jc", val="both"))
        defaults = _el("w:docDefaults")
        holder = _el("w:rPrDefault")
        holder.append(rpr)
        defaults.append(holder)
        holder = _el("w:pPrDefault")
        holder.append(ppr)
        defaults.append(holder)
        styles.insert(0, defaults)
        normal = document.styles["Normal"].element
        for child in list(normal):
            if child.tag in (qn("w:pPr"), qn("w:rPr")):
                normal.remove(child)
        nppr = _el("w:pPr")
        nppr.append(_el("w:widowControl", val=0))
        nppr.append(_el("w:autoSpaceDE", val=0))
        nppr.append(_el("w:autoSpaceDN", val=0))
        nppr.append(_el("w:spacing", before=0, after=0, line=LINE_PITCH_TWIPS, lineRule="exact"))
        nppr.append(_el("w:jc", val="both"))
        normal.append(nppr)
        nrpr = _el("w:rPr")
        nrpr.append(self._fonts("仿宋_GB2312"))
        nrpr.append(_el("w:spacing", val=int(CHAR_SPACING_PT * 20)))
        nrpr.append(_el("w:sz", val=BODY_PT * 2))
        nrpr.append(_el("w:szCs", val=BODY_PT * 2))
        normal.append(nrpr)

        section = document.sections[0]
        section.page_width, section.page_height = Mm(PAGE_W_MM), Mm(PAGE_H_MM)
        section.top_margin, section.bottom_margin = Mm(TOP_MM), Mm(BOTTOM_MM)
        section.left_margin, section.right_margin = Mm(LEFT_MM), Mm(RIGHT_MM)
        section.header_distance = Mm(15)
        section.footer_distance = Mm(
            BOTTOM_MM - FOLIO_GAP_MM - 3
        )  # the folio's 一字线 about 7 mm below the 版心
        sect = section._sectPr
        grid = sect.find(qn("w:docGrid"))
        if grid is not None:
            sect.remove(grid)
        sect.append(_el("w:docGrid", type="lines", linePitch=LINE_PITCH_TWIPS))

        settings = document.settings.element
        settings_el = settings.find(qn("w:evenAndOddHeaders"))
        if settings_el is None:
            document.settings.odd_and_even_pages_header_footer = True
        lang = settings.find(qn("w:themeFontLang"))
        if lang is not None:
            lang.set(qn("w:eastAsia"), "zh-CN")

        for footer, odd in ((section.footer, True), (section.even_page_footer, False)):
            footer.is_linked_to_previous = False
            p = footer.paragraphs[0]
            self._ppr(
                p,
                jc="right" if odd else "left",
                right=FOLIO_PT * TWIPS_PER_PT if odd else 0,
                left=0 if odd else FOLIO_PT * TWIPS_PER_PT,
                line=int(FOLIO_PT * 1.25 * TWIPS_PER_PT),
                snap=False,
            )
            self._run(p, "— ", "宋体", FOLIO_PT, spacing=False)
            self._field(p, "PAGE", "宋体", FOLIO_PT)
            self._run(p, " —", "宋体", FOLIO_PT, spacing=False)
        if doc.is_sample:
            for header in (section.header, section.even_page_header):
                header.is_linked_to_previous = False
                p = header.paragraphs[0]
                self._ppr(p, jc="right", line=int(SAMPLE_PT * 1.6 * TWIPS_PER_PT), snap=False)
                self._run(p, "示例", "黑体", SAMPLE_PT, color=RED, spacing=False, border=RED)

    # -- the flow
    def body(self, doc: OfficialDocument) -> None:
        from docx.enum.text import WD_BREAK

        blank = self.blank
        if doc.is_briefing:
            self.briefing_head(doc)
        if doc.issuer_mark and not doc.is_briefing:
            for _ in range(3):
                blank()
            p = self.paragraph(jc="center", line=3 * LINE_PITCH_TWIPS, first=0, snap=False)
            size = MARK_HEIGHT_MM * MM
            per_char = min(MARK_CHAR_MAX_MM, BODY_W_MM * 0.95 / max(1, len(doc.issuer_mark)))
            scale = round(min(100, per_char / MARK_HEIGHT_MM * 100))
            self._run(p, doc.issuer_mark, "方正小标宋简体", size, color=RED, spacing=False, scale=scale)
            blank()
            blank()
        if (doc.issuer_mark or doc.doc_number) and not doc.is_briefing:
            # the red rule: a bottom border 4 mm under the 发文字号; the next line is shortened by the border's
            # space and width so that the title stays on the grid
            rule_space_pt, rule_pt = 5, 1.5
            p = self.paragraph(
                jc="center", first=0, border=("bottom", RED, rule_pt, rule_space_pt), snap=False
            )
            self._run(p, doc.doc_number, "仿宋_GB2312", BODY_PT)
            blank(LINE_PITCH_TWIPS - int((rule_space_pt + rule_pt) * TWIPS_PER_PT), snap=False)
            blank()
        p = self.paragraph(jc="center", first=0, snap=False)
        for n, text in enumerate(title_lines(doc.title)):
            if n:
                p.runs[-1].add_break(WD_BREAK.LINE)
            self._run(p, text, "方正小标宋简体", TITLE_PT, spacing=False)
        blank()
        if doc.recipients:
            p = self.paragraph(first=0)
            self._run(p, recipients_text(doc), "仿宋_GB2312", BODY_PT)
        for block in doc.blocks:
            self.block(block)
        if doc.attachments:
            blank()
            for text, first, rest in attachment_lines(doc):
                p = self.paragraph(left=rest * CHAR_TWIPS // 2, hanging=(rest - first) * CHAR_TWIPS // 2)
                self._run(p, text, "仿宋_GB2312", BODY_PT)
        if doc.signature or closing_date(doc):
            blank(keep=True)
            sig_start, date_start = signature_starts(doc)
            if doc.signature:
                right = CHARS * 2 - sig_start - text_halves(doc.signature)
                p = self.paragraph(
                    jc="right", first=0, right=right * CHAR_TWIPS // 2, keep=bool(closing_date(doc))
                )
                self._run(p, doc.signature, "仿宋_GB2312", BODY_PT)
            if closing_date(doc):
                p = self.paragraph(jc="right", first=0, right=4 * CHAR_TWIPS)
                self._run(p, doc.date, "仿宋_GB2312", BODY_PT)
        if doc.cc or doc.printer or doc.print_date:
            self.colophon(doc)

    def briefing_head(self, doc: OfficialDocument) -> None:
        """简报 版头: an empty line, the red name (3 lines), the 期号 centred, then 编发单位 left and the date at a
        right tab on the line that carries the red rule (the PDF's rows ``mark``, ``issue``, ``editor``)."""
        self.blank()
        p = self.paragraph(jc="center", line=3 * LINE_PITCH_TWIPS, first=0, snap=False)
        size = MARK_HEIGHT_MM * MM
        per_char = min(MARK_CHAR_MAX_MM, BODY_W_MM * 0.95 / max(1, len(doc.issuer_mark)))
        scale = round(min(100, per_char / MARK_HEIGHT_MM * 100))
        self._run(p, doc.issuer_mark, "方正小标宋简体", size, color=RED, spacing=False, scale=scale)
        p = self.paragraph(jc="center", first=0)
        self._run(p, doc.issue_number, "仿宋_GB2312", BODY_PT)
        rule_space_pt, rule_pt = 5, 1.5
        p = self.paragraph(
            jc="left",
            first=0,
            border=("bottom", RED, rule_pt, rule_space_pt),
            tab_right=int(BODY_W_MM / 25.4 * 1440),
            snap=False,
        )
        self._run(p, doc.editor, "仿宋_GB2312", BODY_PT, spacing=False)
        if doc.date:
            self._run(p, "\t" + doc.date, "仿宋_GB2312", BODY_PT, spacing=False)
        self.blank(LINE_PITCH_TWIPS - int((rule_space_pt + rule_pt) * TWIPS_PER_PT), snap=False)

    def block(self, block: Block) -> None:
        if block.kind == "table":
            self.table(block)
            return
        heading = block.kind in ("h1", "h2", "h3")
        p = self.paragraph(first=block.indent, keep=heading)
        font = {"h1": "黑体", "h2": "楷体_GB2312"}.get(block.kind, "仿宋_GB2312")
        if block.lead:
            self._run(p, block.lead, "楷体_GB2312", BODY_PT)
        if block.text:
            self._run(p, block.text, font, BODY_PT, bold=block.kind == "h3")

    def table(self, block: Block) -> None:
        from docx.oxml.ns import qn

        if not block.rows:
            return
        columns = max(len(r) for r in block.rows)
        natural = [
            max([text_halves(r[c]) for r in block.rows if c < len(r)] + [4]) + 2 for c in range(columns)
        ]
        total = int(BODY_W_MM / 25.4 * 1440)
        widths = [
            int(w) for w in fit_widths([n * TABLE_PT * 10 for n in natural], total, 3 * 2 * TABLE_PT * 10)
        ]
        table = self.document.add_table(rows=len(block.rows), cols=columns)
        self._table_props(
            table,
            total,
            borders={"top": 4, "left": 4, "bottom": 4, "right": 4, "insideH": 4, "insideV": 4},
            margins=(0, 80),
        )
        grid = table._tbl.tblGrid
        for col, width in zip(grid.findall(qn("w:gridCol")), widths, strict=False):
            col.set(qn("w:w"), str(width))
        grid_cells = table._cells  # once: Table.cell() rebuilds the whole grid on every call (quadratic)
        for r, cells in enumerate(block.rows):
            for c in range(columns):
                cell = grid_cells[r * columns + c]
                tcpr = cell._tc.get_or_add_tcPr()
                for old in tcpr.findall(qn("w:tcW")):
                    tcpr.remove(old)
                tcpr.insert(0, _el("w:tcW", w=widths[c], type="dxa"))
                p = cell.paragraphs[0]
                self._ppr(p, jc="center" if r == 0 else "left", line=LINE_PITCH_TWIPS, keep=r == 0)
                text = cells[c] if c < len(cells) else ""
                self._run(p, text, "黑体" if r == 0 else "仿宋_GB2312", TABLE_PT, spacing=False)

    def colophon(self, doc: OfficialDocument) -> None:
        """版记: a one-column floating table at the bottom of the 版心 (w:tblpPr vertAnchor="margin"
        tblpYSpec="bottom"; horizontally at the left margin measured from the page edge — LibreOffice keeps a
        floating table that is as wide as the text area as a frame only when it is positioned relative to the
        page), ruled 0.35 / 0.25 / 0.35 mm with table borders. When the nominal layout (the PDF's grid) leaves no
        room under the text, a page break comes first."""
        from docx.enum.text import WD_BREAK
        from docx.oxml.ns import qn

        if not layout(doc).pages[-1]:
            p = self.paragraph(first=0, line=20, snap=False)
            p.add_run().add_break(WD_BREAK.PAGE)
        rows = (["cc"] if doc.cc else []) + (["printer"] if doc.printer or doc.print_date else [])
        width = int(BODY_W_MM / 25.4 * 1440)
        table = self.document.add_table(rows=len(rows), cols=1)
        self._table_props(
            table, width, borders={"top": 8, "bottom": 8, "insideH": 6}, margins=(0, 0), floating=True
        )
        table._tbl.tblGrid.findall(qn("w:gridCol"))[0].set(qn("w:w"), str(width))
        note = NOTE_PT * TWIPS_PER_PT
        for r, kind in enumerate(rows):
            cell = table.cell(r, 0)
            tcpr = cell._tc.get_or_add_tcPr()
            for old in tcpr.findall(qn("w:tcW")):
                tcpr.remove(old)
            tcpr.insert(0, _el("w:tcW", w=width, type="dxa"))
            p = cell.paragraphs[0]
            if kind == "cc":
                self._ppr(p, jc="both", left=4 * note, hanging=3 * note, right=note, snap=False)
                self._run(p, "抄送：" + cc_text(doc), "仿宋_GB2312", NOTE_PT, spacing=False)
            else:
                self._ppr(p, jc="left", left=note, right=note, tab_right=width - note, snap=False)
                self._run(p, doc.printer, "仿宋_GB2312", NOTE_PT, spacing=False)
                if doc.print_date:
                    self._run(p, "\t" + print_date_text(doc), "仿宋_GB2312", NOTE_PT, spacing=False)
        # a document ends with a paragraph: a 1 pt one, so that it never makes a page of its own
        self.paragraph(first=0, line=20, snap=False)

    # -- building blocks
    def blank(self, line: int = LINE_PITCH_TWIPS, keep: bool = False, snap: bool = True) -> Any:
        return self.paragraph(first=0, line=line, keep=keep, snap=snap)

    def paragraph(self, **kwargs: Any) -> Any:
        p = self.document.add_paragraph()
        self._ppr(p, **kwargs)
        return p

    def _ppr(
        self,
        p: Any,
        *,
        jc: str = "both",
        first: int = 0,
        left: int = 0,
        right: int = 0,
        hanging: int = 0,
        line: int = LINE_PITCH_TWIPS,
        keep: bool = False,
        border: tuple[str, str, float, float] | None = None,
        tab_right: int | None = None,
        snap: bool = True,
        frame: dict[str, Any] | None = None,
    ) -> None:
        """Paragraph properties in schema order. ``first`` is the first-line indent in characters."""
        ppr = p._p.get_or_add_pPr()
        for child in list(ppr):
            ppr.remove(child)
        if keep:
            ppr.append(_el("w:keepNext"))
        if frame:
            ppr.append(_el("w:framePr", **frame))
        ppr.append(_el("w:widowControl", val=0))
        if border:
            side, color, width_pt, space_pt = border
            borders = _el("w:pBdr")
            borders.append(
                _el(f"w:{side}", val="single", sz=int(width_pt * 8), space=int(space_pt), color=color)
            )
            ppr.append(borders)
        if tab_right is not None:
            tabs = _el("w:tabs")
            tabs.append(_el("w:tab", val="right", pos=tab_right))
            ppr.append(tabs)
        ppr.append(_el("w:autoSpaceDE", val=0))
        ppr.append(_el("w:autoSpaceDN", val=0))
        if (
            not snap
        ):  # lines taller than the grid pitch (title, 发文机关标志) would take two grid lines in LibreOffice
            ppr.append(_el("w:snapToGrid", val=0))
        ppr.append(_el("w:spacing", before=0, after=0, line=line, lineRule="exact"))
        ind: dict[str, Any] = {}
        if left:
            ind["left"] = left
        if right:
            ind["right"] = right
        if hanging:
            ind["hanging"] = hanging
        elif first:
            ind["firstLineChars"] = first * 100
            ind["firstLine"] = first * CHAR_TWIPS
        if ind:
            ppr.append(_el("w:ind", **ind))
        ppr.append(_el("w:jc", val=jc))

    def _fonts(self, east_asia: str) -> Any:
        return _el(
            "w:rFonts",
            ascii="Times New Roman",
            hAnsi="Times New Roman",
            eastAsia=east_asia,
            cs="Times New Roman",
            hint="eastAsia",
        )

    def _rpr(self, font: str, size: float, **kwargs: Any) -> Any:
        """Run properties: a copy of the element built once per distinct set of properties."""
        key = (font, size, tuple(sorted(kwargs.items())))
        proto = self._rpr_cache.get(key)
        if proto is None:
            proto = self._rpr_cache[key] = self._rpr_build(font, size, **kwargs)
        return proto.__copy__()

    def _rpr_build(
        self,
        font: str,
        size: float,
        *,
        color: str | None = None,
        bold: bool = False,
        spacing: bool = True,
        scale: int | None = None,
        border: str | None = None,
    ) -> Any:
        rpr = _el("w:rPr")
        rpr.append(self._fonts(font))
        if bold:
            rpr.append(_el("w:b"))
            rpr.append(_el("w:bCs"))
        if color:
            rpr.append(_el("w:color", val=color))
        if spacing:
            rpr.append(_el("w:spacing", val=int(CHAR_SPACING_PT * 20)))  # −0.25 pt in twentieths of a point
        if scale and scale != 100:
            rpr.append(_el("w:w", val=scale))
        half_points = round(size * 2)
        rpr.append(_el("w:sz", val=half_points))
        rpr.append(_el("w:szCs", val=half_points))
        if border:
            rpr.append(_el("w:bdr", val="single", sz=8, space=2, color=border))
        return rpr

    def _run(self, p: Any, text: str, font: str, size: float, **kwargs: Any) -> Any:
        run = p.add_run(text)
        old = run._r.find("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}rPr")
        if old is not None:
            run._r.remove(old)
        run._r.insert(0, self._rpr(font, size, **kwargs))
        return run

    def _field(self, p: Any, instruction: str, font: str, size: float) -> None:
        for kind, text in (
            ("begin", None),
            ("instr", f" {instruction} "),
            ("separate", None),
            ("text", "1"),
            ("end", None),
        ):
            run = _el("w:r")
            run.append(self._rpr(font, size, spacing=False))
            if kind == "instr":
                instr = _el("w:instrText")
                instr.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
                instr.text = text
                run.append(instr)
            elif kind == "text":
                t = _el("w:t")
                t.text = text
                run.append(t)
            else:
                run.append(_el("w:fldChar", fldCharType=kind))
            p._p.append(run)

    def _table_props(
        self,
        table: Any,
        width: int,
        *,
        borders: dict[str, int],
        margins: tuple[int, int],
        floating: bool = False,
    ) -> None:
        from docx.oxml.ns import qn

        tbl = table._tbl
        old = tbl.find(qn("w:tblPr"))
        tblpr = _el("w:tblPr")
        if floating:
            tblpr.append(
                _el(
                    "w:tblpPr",
                    leftFromText=0,
                    rightFromText=0,
                    topFromText=0,
                    bottomFromText=0,
                    vertAnchor="margin",
                    horzAnchor="page",
                    tblpX=round(LEFT_MM / 25.4 * 1440),
                    tblpYSpec="bottom",
                )
            )
            tblpr.append(_el("w:tblOverlap", val="never"))
        tblpr.append(_el("w:tblW", w=width, type="dxa"))
        tblpr.append(_el("w:jc", val="center"))
        tblpr.append(_el("w:tblInd", w=0, type="dxa"))
        box = _el("w:tblBorders")
        for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
            size = borders.get(side)
            if size:
                box.append(_el(f"w:{side}", val="single", sz=size, space=0, color="000000"))
            else:
                box.append(_el(f"w:{side}", val="nil"))
        tblpr.append(box)
        tblpr.append(_el("w:tblLayout", type="fixed"))
        cell_margins = _el("w:tblCellMar")
        vertical, horizontal = margins
        for side, value in (
            ("top", vertical),
            ("left", horizontal),
            ("bottom", vertical),
            ("right", horizontal),
        ):
            cell_margins.append(_el(f"w:{side}", w=value, type="dxa"))
        tblpr.append(cell_margins)
        if old is not None:
            tbl.replace(old, tblpr)
        else:
            tbl.insert(0, tblpr)
