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

from django.utils.translation import gettext as _

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
    """1 → 一, 10 → 十, 12 → 十二, 21 → 二十一 (enough for notices; 100 and more stay in Arabic numerals)."""
    if n >= 100:
        return str(n)
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


#: How an item's number is printed, written as the mark of item 1 ("（一）" restarts in each category).
ITEM_MARKS = ("（一）", "1.", "1、", "1．", "（1）", "(1)")
#: How a category heading is numbered ("" for a list without categories).
CATEGORY_MARKS = ("一、", "（一）", "")
#: Headings that open the notice's requirements rather than a category.
REQUIREMENT_HEADINGS = ("工作要求", "有关要求", "保障措施", "工作措施", "实施要求", "组织保障", "推进措施")


@dataclass
class Style:
    """How a category-grouped notice prints its list, so that the generator writes it back the same way."""

    categories: str = "一、"
    items: str = "（一）"
    across: bool = False  # items numbered across categories (1. … 5. | 6. …) rather than restarting
    leads: str = "（牵头单位：{}）"  # how 牵头单位 follow an item
    wrapper: str = ""  # a "一、" heading above "（一）" categories, e.g. "民生实事项目"
    category_counts: bool = False  # category headings state their count: "一、教育类（3项）"
    requirements: str = "工作要求"
    title: str = (
        ""  # the title as a template ({year}, {count}, {count_cn}, {noun}); "" = 关于Y年实施N项X的通知
    )

    @classmethod
    def from_dict(cls, value: dict[str, Any] | None) -> Style:
        known = {k: v for k, v in (value or {}).items() if k in cls.__dataclass_fields__}
        return cls(**known)


def mark(template: str, n: int) -> str:
    """The mark of item/category ``n`` in the style whose first mark is ``template`` ("1." → "5.", "（一）" → "（五）")."""
    if "1" in template:
        return template.replace("1", str(n))
    return template.replace("一", numeral(n)) if template else ""


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
    style: Style = field(default_factory=Style)
    signature: str = ""  # 发文机关署名 when the notice prints one above its date
    count_stated: bool = True  # the title states the count ("N项"); when not, ``count`` is what was found

    @property
    def title(self) -> str:
        if self.style.title:
            return self.style.title.format(
                year=self.year, count=self.count, count_cn=numeral(self.count), noun=self.noun
            )
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
                f"{mark(data.style.items, i)}{item.title}。{item.text}{lead_text(data.style, item.leads)}"
                for i, item in enumerate(items, start=1)
            ]
        out.append((heading, paragraphs))
    return out


def lead_text(style: Style, leads: list[str]) -> str:
    return style.leads.format("、".join(leads)) if leads else ""


def category_lines(data: NoticeData, start: int) -> tuple[list[tuple[str, str, str]], int]:
    """The category-grouped list as [(kind, lead, text)] — kind "h1" / "h2" (headings) or "para" (an item,
    ``lead`` its number and title) — and the number of the last "一、" heading (``start`` before it)."""
    style = data.style
    out: list[tuple[str, str, str]] = []
    h1, number, named = start, 0, 0
    if style.wrapper and data.categories:
        h1 += 1
        out.append(("h1", "", f"{numeral(h1)}、{style.wrapper}"))
    for name, items in data.categories:
        if not style.across:
            number = 0
        if name:
            named += 1
            count = f"（{len(items)}项）" if style.category_counts else ""
            if style.wrapper or style.categories != "一、":
                out.append(("h2", "", f"{mark(style.categories or '（一）', named)}{name}{count}"))
            else:
                h1 += 1
                out.append(("h1", "", f"{numeral(h1)}、{name}{count}"))
        for item in items:
            number += 1
            lead = f"{mark(style.items, number)}{item.title}{'。' if item.text else ''}"
            out.append(("para", lead, f"{item.text}{lead_text(style, item.leads)}"))
    return out, h1


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
    grouped, last = category_lines(data, len(sections))
    for _kind, lead, text in grouped:
        lines += [f"{lead}{text}", ""]
    if data.requirements:
        lines += [f"{numeral(last + 1)}、{data.style.requirements}", ""]
        for p in data.requirements.split("\n"):
            lines += [p, ""]
    if data.signature:
        lines.append(data.signature)
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
        problems.append(Problem(line, _("退出部分应以“N个项目不再列为……。”结尾")))
        return []
    items = []
    for segment in paragraph[: end.start()].split("，"):
        cut = min((segment.find(k) for k in REASON_STARTS if segment.find(k) > 0), default=-1)
        if cut <= 0:
            problems.append(
                Problem(line, _("无法从“{segment}”中分出项目名称和退出原因").format(segment=segment))
            )
            continue
        for name in segment[:cut].split("、"):
            items.append(Item(title=name, reason=segment[cut:]))
    if len(items) != int(end.group("n")):
        problems.append(
            Problem(
                line,
                _("退出段落称{stated}个项目，实际列出{found}个").format(
                    stated=end.group("n"), found=len(items)
                ),
                "warning",
            )
        )
    return items


TITLE_YEAR = re.compile(r"(?<!\d)(?P<year>(?:19|20)\d{2})年")
NOUN_END = r"(?=的|项目|清单|重点|主要|实施方案|工作方案|方案|计划|任务|$)"
COUNT_NOUN = re.compile(
    rf"(?P<count>\d+|[一二三四五六七八九十]+)[项大](?P<noun>[^\s的，、（）《》()]+?){NOUN_END}"
)
NOUN_ONLY = re.compile(
    rf"(?:实施|度)?(?P<place>[^\s的，、（）《》()]{{0,8}}?[省市区县](?=[^\s的]{{2}}))?(?P<noun>[^\s的，、（）《》()]+?){NOUN_END}"
)
TITLE_ENDS = ("通知", "清单", "方案", "计划", "安排", "任务")
CN = re.compile(r"^(?P<num>[一二三四五六七八九十]+)、(?P<body>.+)$")
PCN = re.compile(r"^(?P<open>[（(])(?P<num>[一二三四五六七八九十]+)[）)](?P<body>.+)$")
AR = re.compile(r"^(?P<num>\d{1,3})(?P<sep>[.、．])(?!\d)\s*(?P<body>.+)$")
PAR = re.compile(r"^(?P<open>[（(])(?P<num>\d{1,3})[）)]\s*(?P<body>.+)$")
LEAD_LABELS = "牵头单位|责任单位|牵头部门|责任部门|主责单位"
LEADS_TAIL = re.compile(
    rf"(?P<open>[（(【\[]?)(?P<label>{LEAD_LABELS})(?P<sep>：|:|】|\])(?P<names>[^（）()【】\[\]]*?)(?P<close>[）)]?)[。；;]?$"
)
CATEGORY_COUNT = re.compile(r"^(?P<name>.+?)[（(]共?(?P<n>\d+)项[）)]$")
SIGNATURE = re.compile(r"(政府|办公室|委员会|小组|局|厅|委|办)$")
#: Marks in the order they nest: a deeper mark is an item of the shallower one.
DEPTH = {"一、": 0, "（一）": 1, "(一)": 1, "1.": 2, "1、": 2, "1．": 2, "（1）": 3, "(1)": 3}


def title_of(s: str) -> dict[str, Any] | None:
    """The parts of a notice's title line (year, count if stated, noun, issuer before 关于, the template), or None.

    A title without a year ("关于印发《××省暖民心行动方案》的通知") takes it from the 成文日期 (``year`` 0 here)."""
    if DOC_NUMBER.match(s) or s.endswith(("：", ":")) or numbered(s):
        return None
    year = TITLE_YEAR.search(s)
    if year is not None:
        start = year.end()
    elif (verb := re.search(r"关于(?:印发|实施|下达|做好|开展)?", s)) is not None and s.endswith(TITLE_ENDS):
        start = verb.end() + (1 if s[verb.end() : verb.end() + 1] == "《" else 0)
    else:
        return None
    counted = COUNT_NOUN.search(s, start)
    if not (s.endswith(TITLE_ENDS) or counted):
        return None
    issuer = s[: s.index("关于")] if "关于" in s[: year.start() if year else start] else ""
    skip = len(issuer)

    def lit(a: int, b: int) -> str:
        return s[a:b].replace("{", "{{").replace("}", "}}")

    parts = [lit(skip, year.start("year")), "{year}"] if year else []
    cursor = year.end("year") if year else skip
    if counted:
        count_text = counted["count"]
        count = int(count_text) if count_text.isdigit() else from_numeral(count_text)
        parts += [lit(cursor, counted.start("count")), "{count}" if count_text.isdigit() else "{count_cn}"]
        parts += [
            lit(counted.end("count"), counted.start("noun")),
            "{noun}",
            lit(counted.end("noun"), len(s)),
        ]
        noun = counted["noun"]
    else:
        found = NOUN_ONLY.match(s, start)
        if found is None:
            return None
        count, noun = 0, found["noun"]
        parts += [lit(cursor, found.start("noun")), "{noun}", lit(found.end("noun"), len(s))]
    template = "".join(parts)
    return {
        "year": int(year["year"]) if year else 0,
        "count": count,
        "count_stated": bool(counted),
        "noun": noun,
        "issuer": issuer,
        "template": "" if template == "关于{year}年实施{count}项{noun}的通知" else template,
    }


def numbered(s: str) -> tuple[str, int, str] | None:
    """(the style of the mark, its number, the rest) of a numbered line: "一、", "（一）", "1.", "（1）"…"""
    if m := CN.match(s):
        return "一、", from_numeral(m["num"]), m["body"]
    if m := PCN.match(s):
        return ("（一）" if m["open"] == "（" else "(一)"), from_numeral(m["num"]), m["body"]
    if m := AR.match(s):
        return f"1{m['sep']}", int(m["num"]), m["body"]
    if m := PAR.match(s):
        return ("（1）" if m["open"] == "（" else "(1)"), int(m["num"]), m["body"]
    return None


def split_leads(body: str) -> tuple[str, list[str], str]:
    """An item's text without its 牵头单位, the units, and the form they were printed in ("（牵头单位：{}）")."""
    m = LEADS_TAIL.search(body)
    if m is None or (not m["open"] and m.start() > 0 and body[m.start() - 1] not in "。；;，, "):
        return body, [], ""
    names = re.split(r"[；;]|[，,]?(?:配合|协同|参与|责任)(?:单位|部门)[：:]", m["names"])[0]  # 牵头 only
    units = [u.strip() for u in re.split(r"[、，,]", names) if u.strip()]
    template = f"{m['open']}{m['label']}{m['sep']}{{}}{m['close']}"
    return body[: m.start()].rstrip(), units, template


def split_item(body: str) -> tuple[str, str, list[str], str]:
    """(title, text, 牵头单位, their form) of an item: the title runs to the first "。" (or "：")."""
    rest, leads, form = split_leads(body)
    for stop in ("。", "：", ":"):
        if stop in rest:
            title, _, text = rest.partition(stop)
            return title.strip(), text.strip(), leads, form
    return rest.strip().rstrip("；;，,"), "", leads, form


def _parse_grouped(lines: list[tuple[int, str]], data: NoticeData, problems: list[Problem]) -> None:
    """A notice listing items under categories (or none), items numbered in one of ``ITEM_MARKS``."""
    marks = [(n, s, numbered(s)) for n, s in lines]
    present = {m[0] for _, _, m in marks if m and m[0] in DEPTH}
    if not present:
        for n, s in lines:
            problems.append(Problem(n, _("无法识别的条目：{text}").format(text=s[:30])))
        return
    # the deepest mark numbers the items, the one above it the categories, anything above that a wrapper
    by_depth = sorted(present, key=lambda k: DEPTH[k])
    item_depth = DEPTH[by_depth[-1]]
    item_style = next(m[0] for _, _, m in marks if m and DEPTH[m[0]] == item_depth)
    shallower = [k for k in by_depth if DEPTH[k] < item_depth]
    category_depth = DEPTH[shallower[-1]] if shallower else None
    style = data.style
    style.items = item_style
    style.categories = (
        next((m[0] for _, _, m in marks if m and DEPTH[m[0]] == category_depth), "")
        if category_depth is not None
        else ""
    )
    style.across = False
    style.leads = "（牵头单位：{}）"
    category: list[Item] | None = None
    expected_item = expected_category = 1
    seen_categories = 0
    last: Item | None = None
    leads_forms: list[str] = []
    counted: list[tuple[int, str, int, list[Item]]] = []
    for n, s, m in marks:
        if m is None:
            rest, leads, form = split_leads(s)
            if leads and not rest and last is not None and not last.leads:
                last.leads = leads  # "牵头单位：…" on a line of its own under its item
                leads_forms.append(form)
            else:
                problems.append(Problem(n, _("无法识别的条目：{text}").format(text=s[:30])))
            continue
        kind, number, body = m
        depth = DEPTH.get(kind, -1)
        if depth == item_depth and kind == item_style:
            if category is None:
                category = []
                data.categories.append(("", category))
            if not category and number == 1:
                expected_item = 1  # numbering restarts in each category
            elif not category and seen_categories >= 2 and number == expected_item:
                style.across = True
            if number != expected_item:
                problems.append(
                    Problem(
                        n,
                        _("序号为{number}，按顺序应为{expected}").format(
                            number=number, expected=expected_item
                        ),
                        "warning",
                    )
                )
            title, text, leads, form = split_item(body)
            last = Item(title=title, text=text, leads=leads)
            if form:
                leads_forms.append(form)
            category.append(last)
            expected_item = number + 1
        elif category_depth is not None and depth == category_depth:
            seen_categories += 1
            if number != expected_category:
                problems.append(
                    Problem(
                        n,
                        _("类别序号为{number}，按顺序应为{expected}").format(
                            number=number, expected=expected_category
                        ),
                        "warning",
                    )
                )
            expected_category = number + 1
            name = body.rstrip("：:")
            if c := CATEGORY_COUNT.match(name):
                name = c["name"]
                style.category_counts = True
            category = []
            if c:
                counted.append((n, name, int(c["n"]), category))
            data.categories.append((name, category))
            last = None
        elif (
            depth >= 0
            and depth < (category_depth if category_depth is not None else item_depth)
            and not style.wrapper
        ):
            style.wrapper = body
        else:
            problems.append(Problem(n, _("无法识别的条目：{text}").format(text=s[:30])))
    if leads_forms:
        style.leads = max(set(leads_forms), key=leads_forms.count)
    for line, name, stated, items in counted:
        if stated != len(items):
            problems.append(
                Problem(
                    line,
                    _("“{name}”称{stated}项，实际列出{found}项").format(
                        name=name, stated=stated, found=len(items)
                    ),
                    "warning",
                )
            )


def parse_text(text: str) -> ParsedNotice:
    """Read a notice; every non-empty line that cannot be placed is reported with its line number.

    Two shapes are read: the change sections of 淮杜政〔2021〕21号 (新增 / 退出 / 调整实施 / 继续实施), and a list
    grouped by categories (or not) with items numbered "（一）", "1.", "1、", "1．" or "（1）", restarting or
    across categories, 牵头单位 in brackets — the 民生实事 and 暖民心行动 lists. Counts stated in the title, a
    heading or the opening are compared with the items found: a mismatch is a warning, never corrected."""
    lines = [
        (n, raw.strip().replace("\u3000", "").strip()) for n, raw in enumerate(text.splitlines(), start=1)
    ]
    lines = [(n, s) for n, s in lines if s]
    problems: list[Problem] = []
    data: NoticeData | None = None
    doc_number = issuer = ""
    i = 0
    while i < len(lines):
        n, s = lines[i]
        t = title_of(s)
        if t is None and i + 1 < len(lines) and TITLE_YEAR.search(s) and not DOC_NUMBER.match(s):
            t = title_of(s + lines[i + 1][1])  # a title broken over two lines
            if t is not None:
                i += 1
        if DOC_NUMBER.match(s):
            doc_number = s
        elif t is not None:
            title_line = n
            data = NoticeData(
                year=t["year"],
                count=t["count"],
                noun=t["noun"],
                issuer_name=(t["issuer"] or issuer).strip(),
                doc_number=doc_number,
                count_stated=t["count_stated"],
            )
            data.style.title = t["template"]
            i += 1
            break
        elif not issuer and not numbered(s):
            issuer = s.removesuffix("文件")
        else:
            problems.append(Problem(n, _("标题之前无法识别的内容：{text}").format(text=s[:30])))
        i += 1
    if data is None:
        problems.append(
            Problem(lines[-1][0] if lines else 0, _("没有找到标题（如“关于……年实施N项……的通知”）"))
        )
        return ParsedNotice(None, problems)
    preamble: list[str] = []
    preamble_line = lines[i][0] if i < len(lines) else 0
    while i < len(lines) and not numbered(lines[i][1]):
        n, s = lines[i]
        if s.endswith("：") and not data.recipients and not preamble:
            data.recipients = s[:-1]
        elif DATE.match(s) or s.startswith("抄送："):
            break
        else:
            preamble_line = preamble_line if preamble else n
            preamble.append(s)
        i += 1
    data.preamble = "".join(preamble)
    body = lines[i:]
    # the end: 抄送, 成文日期 and the 署名 above it
    cc_at = next((k for k, (_, s) in enumerate(body) if s.startswith("抄送：")), len(body))
    data.cc = "".join([body[cc_at][1][3:], *(s for _, s in body[cc_at + 1 :])]) if cc_at < len(body) else ""
    body = body[:cc_at]
    date_at = next((k for k in range(len(body) - 1, -1, -1) if DATE.match(body[k][1])), None)
    if date_at is not None:
        data.date = body[date_at][1]
        for n, s in body[date_at + 1 :]:
            problems.append(Problem(n, _("成文日期之后无法识别的内容：{text}").format(text=s[:30])))
        if date_at > 0 and SIGNATURE.search(body[date_at - 1][1]) and not numbered(body[date_at - 1][1]):
            data.signature = body[date_at - 1][1]
            data.issuer_name = data.issuer_name or data.signature
            date_at -= 1
        body = body[:date_at]
    if not data.year:
        if data.date:
            data.year = int(data.date[:4])
        else:
            problems.append(Problem(title_line, _("标题没有年度，也没有找到成文日期")))
    # the requirements: from a "N、工作要求" heading on
    req_at = next(
        (
            k
            for k, (_, s) in enumerate(body)
            if (h := CN.match(s)) is not None and h["body"].startswith(REQUIREMENT_HEADINGS)
        ),
        len(body),
    )
    if req_at < len(body):
        data.style.requirements = CN.match(body[req_at][1])["body"]
        data.requirements = "\n".join(s for _, s in body[req_at + 1 :])
    listing = body[:req_at]
    if any((h := CN.match(s)) is not None and KIND_HEADING.match(h["body"]) for _, s in listing):
        _parse_sections(listing, data, problems)
    else:
        _parse_grouped(listing, data, problems)
    total = sum(len(data.sections[k]) for k in ("new", "adjust", "continue")) + sum(
        len(c) for _, c in data.categories
    )
    if not data.count_stated:
        data.count = total
    elif total != data.count:
        problems.append(
            Problem(
                title_line,
                _("标题称{stated}项，正文列出{found}项").format(stated=data.count, found=total),
                "warning",
            )
        )
    for stated in _stated_counts(data.preamble, data.noun):
        if stated != total:
            problems.append(
                Problem(
                    preamble_line,
                    _("开头语称{stated}项{noun}，正文列出{found}项").format(
                        stated=stated, noun=data.noun, found=total
                    ),
                    "warning",
                )
            )
    problems.sort(key=lambda p: p.line)  # in the order of the text
    return ParsedNotice(data, problems)


def _stated_counts(text: str, noun: str) -> list[int]:
    """Counts of the program stated in running text ("实施33项民生工程"), outside 《》 (other documents' titles)."""
    outside = TITLED.sub("", text)
    return sorted({int(m[1]) for m in count_pattern(noun).finditer(outside)})


def _parse_sections(lines: list[tuple[int, str]], data: NoticeData, problems: list[Problem]) -> None:
    """The change sections of 淮杜政〔2021〕21号: 新增 / 退出 / 调整实施 / 继续实施 (categories may follow)."""
    kind = None
    declared: dict[str, tuple[int, int]] = {}
    category: list[Item] | None = None
    items_seen: list[str] = []
    for n, s in lines:
        heading = HEADING.match(s)
        if heading and (m := KIND_HEADING.match(heading["body"])):
            kind = {v: k for k, v in HEADINGS.items()}[m["kind"]]
            declared[kind] = (n, int(m["n"]))
            category = None
            continue
        if heading:
            kind, category = "category", []
            data.categories.append((heading["body"], category))
            continue
        if kind in ("new", "adjust", "category"):
            item = numbered(s)
            if item is None or item[0] == "一、" or (kind != "category" and "。" not in item[2]):
                problems.append(Problem(n, _("无法识别的条目：{text}").format(text=s[:30])))
                continue
            if not items_seen:
                data.style.items = item[0]
            items_seen.append(item[0])
            title, text, leads, form = split_item(item[2])
            if form:
                data.style.leads = form
            entry = Item(title=title, text=text, leads=leads)
            (category if kind == "category" and category is not None else data.sections[kind]).append(entry)
        elif kind == "exit":
            data.sections["exit"] += _split_exit(s, n, problems)
        elif kind == "continue":
            m = CONTINUE.match(s)
            if m is None:
                problems.append(
                    Problem(n, _("继续实施部分应为“继续实施A、B等N个项目。”：{text}").format(text=s[:30]))
                )
                continue
            names = m["names"].split("、")
            data.sections["continue"] += [Item(title=name) for name in names]
            if len(names) != int(m["n"]):
                problems.append(
                    Problem(
                        n,
                        _("继续实施句称{stated}个项目，实际列出{found}个").format(
                            stated=m["n"], found=len(names)
                        ),
                        "warning",
                    )
                )
        else:
            problems.append(Problem(n, _("无法归入任何部分的内容：{text}").format(text=s[:30])))
    for kind, (line, count) in declared.items():
        listed = len(data.sections[kind])
        if listed != count:
            problems.append(
                Problem(
                    line,
                    _("标题称{section}{stated}项，实际列出{found}项").format(
                        section=HEADINGS[kind], stated=count, found=listed
                    ),
                    "warning",
                )
            )


def docx_text(file: Any) -> str:
    """The paragraphs of a .docx as lines (python-docx)."""
    import docx

    return "\n".join(p.text for p in docx.Document(file).paragraphs)


NOTICE_MAX_BYTES = 5 * 1024 * 1024
#: The longest notice text read (a 50-item provincial notice is about 20 000 characters).
NOTICE_MAX_CHARS = 200_000


def notice_upload_text(upload: Any) -> str:
    """The text of an uploaded notice: a Word .docx (checked by content) or a plain-text file (UTF-8 or GB18030).

    Raises ValidationError in Chinese for anything else (an image, a damaged or macro-enabled document, …)."""
    from django.core.exceptions import ValidationError

    from core.uploads import checked_upload, sniff

    name = upload.name or "文件"
    if upload.size > NOTICE_MAX_BYTES:
        raise ValidationError(
            _("文件“{name}”超过{limit}MB的限制").format(name=name, limit=NOTICE_MAX_BYTES // 1024 // 1024)
        )
    head = upload.read(8)
    upload.seek(0)
    if sniff(head) == "zip" or name.lower().endswith(".docx"):
        clean, _kind = checked_upload(upload, allowed=("docx",), max_bytes=NOTICE_MAX_BYTES)
        try:
            return docx_text(clean)
        except Exception as exc:  # noqa: BLE001 — python-docx fails in many ways on a damaged file
            raise ValidationError(
                _("文件“{name}”无法读取：请上传 Word（.docx）文档或文本文件").format(name=name)
            ) from exc
    data = upload.read()
    if b"\x00" in data or sniff(data[:8]):
        raise ValidationError(_("文件“{name}”不是文本文件或 Word（.docx）文档").format(name=name))
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ValidationError(_("文件“{name}”不是 UTF-8 或 GB18030 编码的文本文件").format(name=name))


# --- the database side ------------------------------------------------------------------------------------


def notice_data(program: Any) -> NoticeData:
    from catalogue.models import ChangeKind

    changes = list(
        program.changes.select_related("result").prefetch_related("sources").order_by("order", "id")
    )
    printed = {
        c.result_id: c for c in changes if c.result_id and c.kind in (ChangeKind.NEW, ChangeKind.ADJUST)
    }
    categories: list[tuple[str, list[Item]]] = []
    for category in program.categories.order_by("order").prefetch_related("projects__lead_department"):
        items = []
        for project in sorted(category.projects.all(), key=lambda p: p.order):
            change = printed.get(project.pk)
            leads = [u for u in project.lead_names.split("、") if u] or (
                [project.lead_department.name] if project.lead_department else []
            )
            items.append(
                Item(
                    (change.printed_title if change else "") or project.name,
                    (change.printed_text if change else "") or project.summary,
                    leads=leads,
                )
            )
        categories.append((category.name, items))
    grouped = {c.result_id for c in changes if c.result_id and c.result.category_id}
    sections: dict[str, list[Item]] = {k: [] for k in KINDS}
    for change in changes:
        if change.result_id in grouped:
            continue  # printed in its category
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
        categories=categories,
        style=Style.from_dict(program.notice_style),
    )


def notice_text(program: Any) -> str:
    return render_text(notice_data(program))


def _item_block(paragraph: str) -> Any:
    """A numbered item "（一）Title。Text" as a paragraph whose number and title are its 楷体 lead."""
    from documents.model import Block

    item = numbered(paragraph)
    if item is None or item[0] == "一、" or "。" not in item[2]:
        return Block("para", paragraph)
    title, _, text = item[2].partition("。")
    return Block("para", text, lead=f"{mark(item[0], item[1])}{title}。")


def notice_document(program: Any) -> Any:
    """The notice as a documents.model.OfficialDocument (for .docx and PDF)."""
    from documents.model import Block, OfficialDocument

    data = notice_data(program)
    blocks = [Block("para", data.preamble)] if data.preamble else []
    sections = section_lines(data)
    for heading, paragraphs in sections:
        blocks.append(Block("h1", heading, indent=2))
        blocks += [_item_block(p) for p in paragraphs]
    grouped, last = category_lines(data, len(sections))
    for kind, lead, text in grouped:
        blocks.append(Block("para", text, lead=lead) if kind == "para" else Block(kind, text, indent=2))
    if data.requirements:
        blocks.append(Block("h1", f"{numeral(last + 1)}、{data.style.requirements}", indent=2))
        blocks += [_item_block(p) for p in data.requirements.split("\n")]
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
