"""The annual notice as text: written from a program and its changes, and read back into data.

The text layer is pure (``NoticeData`` → text → ``NoticeData``) so that the round trip can be tested with
generated programs; ``notice_data(program)`` reads the database and ``program_create_from_notice`` writes a
draft program from a parsed notice (nothing is saved before that call).

Conventions, taken from 淮杜政〔2021〕21号:
- sections in the order 新增, 退出, 调整实施, 继续实施, then 工作要求; empty sections are left out and the
  Chinese numbering closes up;
- 新增 and 调整实施 items print "（一）title。text"; 退出 is one paragraph grouping projects that share a
  reason, in order of first appearance ("A、B任务已完成，C已实现预期目标，N个项目不再列为{noun}。");
  继续实施 is one sentence ("继续实施A、B、…等N个项目。");
- headings print the count and the program noun ("一、新增6项民生工程").
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from typing import Any

NUMERALS = "一二三四五六七八九十"
KINDS = ("new", "exit", "adjust", "continue")
HEADINGS = {"new": "新增", "exit": "退出", "adjust": "调整实施", "continue": "继续实施"}
#: How the reason of a retired project begins (used to split "A、B任务已完成" into names and reason).
REASON_STARTS = (
    "任务已完成",
    "已完成",
    "已实现",
    "平稳过渡",
    "已纳入",
    "纳入",
    "并入",
    "因",
    "不再",
    "已达到",
    "已全面",
    "已转为",
)


def numeral(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 21 → 二十一 (enough for notices)."""
    if n <= 10:
        return NUMERALS[n - 1]
    tens, ones = divmod(n, 10)
    return f"{NUMERALS[tens - 1] if tens > 1 else ''}十{NUMERALS[ones - 1] if ones else ''}"


def from_numeral(text: str) -> int:
    if text == "十":
        return 10
    if "十" in text:
        tens, _, ones = text.partition("十")
        return (NUMERALS.index(tens) + 1 if tens else 1) * 10 + (NUMERALS.index(ones) + 1 if ones else 0)
    return NUMERALS.index(text) + 1


@dataclass
class Item:
    """One numbered item (新增 / 调整实施) or one name (退出 / 继续实施)."""

    title: str
    text: str = ""
    reason: str = ""  # 退出
    leads: list[str] = field(default_factory=list)  # "（牵头单位：…）" of category-grouped notices


@dataclass
class NoticeData:
    year: int
    count: int
    noun: str
    issuer_name: str
    doc_number: str = ""
    recipients: str = ""
    preamble: str = ""
    sections: dict[str, list[Item]] = field(default_factory=lambda: {k: [] for k in KINDS})
    requirements: str = ""
    date: str = ""  # "2021年6月2日"
    cc: str = ""
    categories: list[tuple[str, list[Item]]] = field(default_factory=list)  # other grouped lists (民生实事)

    @property
    def title(self) -> str:
        return f"关于{self.year}年实施{self.count}项{self.noun}的通知"

    def to_json(self) -> str:
        data = asdict(self)
        data["title"] = self.title
        return json.dumps(data, ensure_ascii=False, indent=2)


# --- writing ----------------------------------------------------------------------------------------------


def grouped_by_reason(items: list[Item]) -> list[Item]:
    """Retired projects in the order the notice prints them: grouped by reason, groups in order of first appearance."""
    groups: dict[str, list[Item]] = {}
    for item in items:
        groups.setdefault(item.reason, []).append(item)
    return [item for group in groups.values() for item in group]


def retire_clause(names: list[str], reason: str) -> str:
    """ "A、B任务已完成" when the reason is a predicate (it starts as the reference's do: 任务已完成, 已实现……,
    平稳过渡……, 因……); a reason that is a clause of its own ("秸秆综合利用已纳入常态化管理") is joined with
    "因", as the reference does inside its items ("文化信息共享工程因建设任务已完成……")."""
    joined = "、".join(names)
    reason = reason.strip().rstrip("。；;，,、 ")
    if not reason or reason.startswith(REASON_STARTS):
        return f"{joined}{reason}"
    return f"{joined}因{reason}"


def exit_paragraph(items: list[Item], noun: str) -> str:
    groups: dict[str, list[str]] = {}
    for item in items:
        groups.setdefault(item.reason, []).append(item.title)
    parts = [retire_clause(names, reason) for reason, names in groups.items()]
    return f"{'，'.join(parts)}，{len(items)}个项目不再列为{noun}。"


#: The parts of a notice the office writes (Program fields), in the order the notice prints them.
NOTICE_PARTS = ("doc_number", "doc_date", "recipients", "preamble", "requirements", "cc")
#: The parts roll-over drafts from the previous year's text (marked 待修改 until edited or checked).
DRAFTED_PARTS = ("preamble", "requirements")
TITLED = re.compile(r"《[^》]*》")


def year_pattern(year: int) -> re.Pattern[str]:
    return re.compile(rf"(?<!\d){year}(?!\d)")


def count_pattern(noun: str) -> re.Pattern[str]:
    """ "33项民生工程" — a count stated in the text (outside 《》, which name other documents)."""
    return re.compile(rf"(?<!\d)(\d+)项{re.escape(noun)}")


def draft_text(text: str, *, old_year: int, new_year: int, old_count: int, new_count: int, noun: str) -> str:
    """Last year's text for this year: the year replaced everywhere, the program's count where the text states
    it (a count inside 《》 belongs to another document and stays)."""
    text = year_pattern(old_year).sub(str(new_year), text)
    pattern = count_pattern(noun)

    def counts(segment: str) -> str:
        return pattern.sub(lambda m: f"{new_count}项{noun}" if int(m[1]) == old_count else m[0], segment)

    out, last = [], 0
    for m in TITLED.finditer(text):
        out += [counts(text[last : m.start()]), m[0]]
        last = m.end()
    out.append(counts(text[last:]))
    return "".join(out)


def section_lines(data: NoticeData) -> list[tuple[str, list[str]]]:
    """[(heading, paragraphs)] for 一 to the section before 工作要求."""
    out = []
    n = 0
    for kind in KINDS:
        items = data.sections.get(kind) or []
        if not items:
            continue
        n += 1
        heading = f"{numeral(n)}、{HEADINGS[kind]}{len(items)}项{data.noun}"
        if kind == "exit":
            paragraphs = [exit_paragraph(items, data.noun)]
        elif kind == "continue":
            paragraphs = [f"继续实施{'、'.join(i.title for i in items)}等{len(items)}个项目。"]
        else:
            paragraphs = [
                f"（{numeral(i)}）{item.title}。{item.text}" for i, item in enumerate(items, start=1)
            ]
        out.append((heading, paragraphs))
    return out


def render_text(data: NoticeData) -> str:
    lines = ["", data.doc_number, "", data.issuer_name, "", data.title, ""]
    if data.recipients:
        lines += [f"{data.recipients}：", ""]
    if data.preamble:
        lines += [f"    {data.preamble}", ""]
    sections = section_lines(data)
    for heading, paragraphs in sections:
        lines += [heading, ""]
        for p in paragraphs:
            lines += [p, ""]
    if data.requirements:
        lines += [f"{numeral(len(sections) + 1)}、工作要求", ""]
        for p in data.requirements.split("\n"):
            lines += [p, ""]
    if data.date:
        lines.append(data.date)
    if data.cc:
        lines.append(f"抄送：{data.cc}")
    return "\n".join(lines) + "\n"


# --- reading ----------------------------------------------------------------------------------------------

DOC_NUMBER = re.compile(r"^\S{1,12}〔\d{4}〕[1-9]\d*号$")
TITLE = re.compile(r"^(?P<issuer>.*?)关于(?P<year>\d{4})年实施(?P<count>\d+)项(?P<noun>.+?)的通知$")
HEADING = re.compile(r"^(?P<num>[一二三四五六七八九十]+)、(?P<body>.+)$")
KIND_HEADING = re.compile(r"^(?P<kind>新增|退出|调整实施|继续实施)(?P<n>\d+)项(?P<noun>.*)$")
ITEM = re.compile(r"^（(?P<num>[一二三四五六七八九十]+)）(?P<title>[^。]+?)。(?P<text>.*)$")
LEADS = re.compile(r"（牵头单位：(?P<leads>[^）]+)）。?$")
CONTINUE = re.compile(r"^继续实施(?P<names>.+)等(?P<n>\d+)个项目。$")
EXIT_END = re.compile(r"，(?P<n>\d+)个项目不再列为(?P<noun>.+?)。$")
DATE = re.compile(r"^\d{4}年\d{1,2}月\d{1,2}日$")


@dataclass
class Problem:
    line: int
    message: str
    level: str = "error"


@dataclass
class ParsedNotice:
    data: NoticeData | None
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.data is not None and not any(p.level == "error" for p in self.problems)

    def to_json(self) -> str:
        body = json.loads(self.data.to_json()) if self.data else None
        return json.dumps(
            {"notice": body, "problems": [asdict(p) for p in self.problems]}, ensure_ascii=False, indent=2
        )


def _split_exit(paragraph: str, line: int, problems: list[Problem]) -> list[Item]:
    end = EXIT_END.search(paragraph)
    if not end:
        problems.append(Problem(line, "退出部分应以“N个项目不再列为……。”结尾"))
        return []
    items = []
    for segment in paragraph[: end.start()].split("，"):
        cut = min((segment.find(k) for k in REASON_STARTS if segment.find(k) > 0), default=-1)
        if cut <= 0:
            problems.append(Problem(line, f"无法从“{segment}”中分出项目名称和退出原因"))
            continue
        for name in segment[:cut].split("、"):
            items.append(Item(title=name, reason=segment[cut:]))
    if len(items) != int(end.group("n")):
        problems.append(Problem(line, f"退出段落称{end.group('n')}个项目，实际列出{len(items)}个", "warning"))
    return items


def parse_text(text: str) -> ParsedNotice:
    """Read a notice; every non-empty line that cannot be placed is reported with its line number."""
    lines = [(n, raw.strip().replace("\u3000", "")) for n, raw in enumerate(text.splitlines(), start=1)]
    lines = [(n, s) for n, s in lines if s]
    problems: list[Problem] = []
    data: NoticeData | None = None
    doc_number = issuer = ""
    i = 0
    while i < len(lines):
        n, s = lines[i]
        if DOC_NUMBER.match(s):
            doc_number = s
        elif (m := TITLE.match(s)) is not None:
            data = NoticeData(
                year=int(m["year"]),
                count=int(m["count"]),
                noun=m["noun"],
                issuer_name=(m["issuer"] or issuer).strip(),
                doc_number=doc_number,
            )
            i += 1
            break
        elif not issuer and not HEADING.match(s):
            issuer = s
        else:
            problems.append(Problem(n, f"标题之前无法识别的内容：{s[:30]}"))
        i += 1
    if data is None:
        problems.append(Problem(lines[-1][0] if lines else 0, "没有找到标题（“关于……年实施N项……的通知”）"))
        return ParsedNotice(None, problems)
    preamble: list[str] = []
    while i < len(lines) and not HEADING.match(lines[i][1]):
        n, s = lines[i]
        if s.endswith("：") and not data.recipients and not preamble:
            data.recipients = s[:-1]
        else:
            preamble.append(s)
        i += 1
    data.preamble = "".join(preamble)
    kind = None
    declared: dict[str, tuple[int, int]] = {}
    category: list[Item] | None = None
    requirements: list[str] = []
    cc_lines: list[str] = []
    while i < len(lines):
        n, s = lines[i]
        i += 1
        if cc_lines:
            cc_lines.append(s)
            continue
        if s.startswith("抄送："):
            cc_lines.append(s[3:])
            continue
        if DATE.match(s):
            data.date = s
            continue
        heading = HEADING.match(s)
        if heading and (m := KIND_HEADING.match(heading["body"])):
            kind = {v: k for k, v in HEADINGS.items()}[m["kind"]]
            declared[kind] = (n, int(m["n"]))
            category = None
            continue
        if heading and heading["body"].startswith("工作要求"):
            kind = "requirements"
            continue
        if heading and kind != "requirements":
            kind, category = "category", []
            data.categories.append((heading["body"], category))
            continue
        if kind == "requirements":
            requirements.append(s)
        elif kind in ("new", "adjust", "category"):
            item = ITEM.match(s)
            if item is None:
                problems.append(Problem(n, f"无法识别的条目：{s[:30]}"))
                continue
            leads = LEADS.search(s)
            title, body = item["title"], item["text"]
            if leads:
                body = body[: body.rfind("（牵头单位：")] if "（牵头单位：" in body else body
                if "（牵头单位：" in title:
                    title = title[: title.find("（牵头单位：")]
            entry = Item(title=title, text=body, leads=leads["leads"].split("、") if leads else [])
            (category if kind == "category" and category is not None else data.sections[kind]).append(entry)
        elif kind == "exit":
            data.sections["exit"] += _split_exit(s, n, problems)
        elif kind == "continue":
            m = CONTINUE.match(s)
            if m is None:
                problems.append(Problem(n, f"继续实施部分应为“继续实施A、B等N个项目。”：{s[:30]}"))
                continue
            names = m["names"].split("、")
            data.sections["continue"] += [Item(title=name) for name in names]
            if len(names) != int(m["n"]):
                problems.append(Problem(n, f"继续实施句称{m['n']}个项目，实际列出{len(names)}个", "warning"))
        else:
            problems.append(Problem(n, f"无法归入任何部分的内容：{s[:30]}"))
    data.requirements = "\n".join(requirements)
    data.cc = "".join(cc_lines)
    for kind, (line, count) in declared.items():
        listed = len(data.sections[kind])
        if listed != count:
            problems.append(
                Problem(line, f"第{line}行：标题称{HEADINGS[kind]}{count}项，实际列出{listed}项", "warning")
            )
    total = sum(len(data.sections[k]) for k in ("new", "adjust", "continue")) + sum(
        len(c) for _, c in data.categories
    )
    if total and total != data.count:
        problems.append(Problem(0, f"标题称{data.count}项，正文列出{total}项", "warning"))
    return ParsedNotice(data, problems)


def docx_text(file: Any) -> str:
    """The paragraphs of a .docx as lines (python-docx)."""
    import docx

    return "\n".join(p.text for p in docx.Document(file).paragraphs)


NOTICE_MAX_BYTES = 5 * 1024 * 1024


def notice_upload_text(upload: Any) -> str:
    """The text of an uploaded notice: a Word .docx (checked by content) or a plain-text file (UTF-8 or GB18030).

    Raises ValidationError in Chinese for anything else (an image, a damaged or macro-enabled document, …)."""
    from django.core.exceptions import ValidationError

    from core.uploads import checked_upload, sniff

    name = upload.name or "文件"
    if upload.size > NOTICE_MAX_BYTES:
        raise ValidationError(f"文件“{name}”超过{NOTICE_MAX_BYTES // 1024 // 1024}MB的限制")
    head = upload.read(8)
    upload.seek(0)
    if sniff(head) == "zip" or name.lower().endswith(".docx"):
        clean, _ = checked_upload(upload, allowed=("docx",), max_bytes=NOTICE_MAX_BYTES)
        try:
            return docx_text(clean)
        except Exception as exc:  # noqa: BLE001 — python-docx fails in many ways on a damaged file
            raise ValidationError(f"文件“{name}”无法读取：请上传 Word（.docx）文档或文本文件") from exc
    data = upload.read()
    if b"\x00" in data or sniff(data[:8]):
        raise ValidationError(f"文件“{name}”不是文本文件或 Word（.docx）文档")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ValidationError(f"文件“{name}”不是 UTF-8 或 GB18030 编码的文本文件")


# --- the database side ------------------------------------------------------------------------------------


def notice_data(program: Any) -> NoticeData:
    from catalogue.models import ChangeKind

    changes = program.changes.select_related("result").prefetch_related("sources").order_by("order", "id")
    sections: dict[str, list[Item]] = {k: [] for k in KINDS}
    for change in changes:
        if change.kind == ChangeKind.NEW:
            sections["new"].append(
                Item(change.printed_title or change.result.name, change.printed_text or change.result.summary)
            )
        elif change.kind == ChangeKind.ADJUST:
            sections["adjust"].append(
                Item(change.printed_title or change.result.name, change.printed_text or change.result.summary)
            )
        elif change.kind == ChangeKind.CONTINUE:
            sections["continue"].append(Item(change.result.name))
        else:
            sections["exit"] += [Item(s.name, reason=change.reason) for s in change.sources.all()]
    date = (
        f"{program.doc_date.year}年{program.doc_date.month}月{program.doc_date.day}日"
        if program.doc_date
        else ""
    )
    return NoticeData(
        year=program.year,
        count=program.projects.count(),
        noun=program.noun,
        issuer_name=program.issuer_name,
        doc_number=program.doc_number,
        recipients=program.recipients,
        preamble=program.preamble,
        sections=sections,
        requirements=program.requirements,
        date=date,
        cc=program.cc,
    )


def notice_text(program: Any) -> str:
    return render_text(notice_data(program))


def notice_document(program: Any) -> Any:
    """The notice as a documents.model.OfficialDocument (for .docx and PDF)."""
    from documents.model import Block, OfficialDocument

    data = notice_data(program)
    blocks = [Block("para", data.preamble)] if data.preamble else []
    sections = section_lines(data)
    for heading, paragraphs in sections:
        blocks.append(Block("h1", heading, indent=2))
        for p in paragraphs:
            item = ITEM.match(p)
            blocks.append(
                Block("para", item["text"], lead=f"（{item['num']}）{item['title']}。")
                if item
                else Block("para", p)
            )
    if data.requirements:
        blocks.append(Block("h1", f"{numeral(len(sections) + 1)}、工作要求", indent=2))
        for p in data.requirements.split("\n"):
            item = ITEM.match(p)
            blocks.append(
                Block("para", item["text"], lead=f"（{item['num']}）{item['title']}。")
                if item
                else Block("para", p)
            )
    return OfficialDocument(
        issuer_mark=f"{data.issuer_name}文件",
        title=f"{data.issuer_name}{data.title}",
        blocks=blocks,
        doc_number=data.doc_number,
        recipients=data.recipients,
        signature=data.issuer_name,
        date=data.date,
        cc=data.cc,
    )
