"""The pre-publish checklist of a program's notice: what blocks publishing and what the office must confirm.

One function, ``notice_checklist(program)``, used by the notice page, the publish page and
``catalogue.services.program_publish`` (which refuses blockers and needs an explicit confirmation of warnings).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from catalogue.models import ChangeKind, Program
from catalogue.notice import NOTICE_PARTS, TITLED, count_pattern, year_pattern

BLOCK, WARN = "block", "warn"
#: Parts that may not be empty when the notice is issued.
REQUIRED_PARTS = ("doc_number", "doc_date", "preamble")
#: Free-text parts searched for the previous year and for stated counts.
TEXT_PARTS = ("recipients", "preamble", "requirements", "cc")


@dataclass(frozen=True)
class Check:
    level: str  # BLOCK or WARN
    part: str  # a Program field of NOTICE_PARTS, or "" for the notice's body (projects and their changes)
    message: str

    @property
    def blocks(self) -> bool:
        return self.level == BLOCK


def part_label(part: str) -> str:
    return str(Program._meta.get_field(part).verbose_name)


def _excerpt(text: str, start: int, end: int, width: int = 12) -> str:
    before = ("…" if start > width else "") + text[max(0, start - width) : start]
    after = text[end : end + width] + ("…" if end + width < len(text) else "")
    return f"{before}{text[start:end]}{after}".replace("\n", " ")


def _previous_year(text: str, year: int) -> str | None:
    m = year_pattern(year).search(text)
    return _excerpt(text, m.start(), m.end()) if m else None


def notice_checklist(program: Program) -> list[Check]:
    """Blockers first, then warnings; an empty list means the notice is fit to issue."""
    checks: list[Check] = []
    previous = program.year - 1
    for part in REQUIRED_PARTS:
        value = getattr(program, part)
        if not (value.strip() if isinstance(value, str) else value):
            checks.append(Check(BLOCK, part, _("{part}未填写。").format(part=part_label(part))))

    if program.doc_number and f"〔{program.year}〕" not in program.doc_number:
        checks.append(
            Check(
                WARN,
                "doc_number",
                _("发文字号“{number}”的年份不是{year}年。").format(
                    number=program.doc_number, year=program.year
                ),
            )
        )
    if program.doc_date and program.doc_date.year < program.year:
        checks.append(
            Check(
                WARN,
                "doc_date",
                _("成文日期在{date_year}年，早于计划年度{year}年，请核对。").format(
                    date_year=program.doc_date.year, year=program.year
                ),
            )
        )
    for part in TEXT_PARTS:
        excerpt = _previous_year(getattr(program, part) or "", previous)
        if excerpt:
            checks.append(
                Check(
                    WARN,
                    part,
                    _("{part}仍写有上一年度“{previous}”：{excerpt}").format(
                        part=part_label(part), previous=previous, excerpt=excerpt
                    ),
                )
            )

    count = program.projects.count()
    pattern = count_pattern(program.noun)
    for part in ("preamble", "requirements"):
        text = TITLED.sub("", getattr(program, part) or "")  # 《…》 names another document and its count
        for m in pattern.finditer(text):
            if int(m[1]) != count:
                checks.append(
                    Check(
                        WARN,
                        part,
                        _("{part}称“{stated}”，本年度计划有{count}个项目。").format(
                            part=part_label(part), stated=m[0], count=count
                        ),
                    )
                )

    if program.title:  # a title typed by hand does not follow the count by itself
        for m in pattern.finditer(program.title):
            if int(m[1]) != count:
                checks.append(
                    Check(
                        WARN,
                        "",
                        _("标题称“{stated}”，本年度计划有{count}个项目。").format(stated=m[0], count=count),
                    )
                )

    changes = list(program.changes.prefetch_related("sources").select_related("result"))
    placed = {c.result_id for c in changes if c.result_id}
    if count and len(placed) != count:
        checks.append(
            Check(
                WARN,
                "",
                _("通知各部分列出{placed}个项目，本年度计划有{count}个项目。").format(
                    placed=len(placed), count=count
                ),
            )
        )
    for change in changes:
        if change.kind == ChangeKind.EXIT:
            names = "、".join(s.name for s in change.sources.all())
            if not change.reason.strip():
                checks.append(Check(WARN, "", _("退出项目“{names}”没有写明原因。").format(names=names)))
            elif excerpt := _previous_year(change.reason, previous):
                checks.append(
                    Check(
                        WARN,
                        "",
                        _("退出项目“{names}”的原因仍写有“{previous}”：{excerpt}").format(
                            names=names, previous=previous, excerpt=excerpt
                        ),
                    )
                )
        elif change.kind in (ChangeKind.NEW, ChangeKind.ADJUST):
            text = f"{change.printed_title}。{change.printed_text or (change.result.summary if change.result else '')}"
            if excerpt := _previous_year(text, previous):
                checks.append(
                    Check(
                        WARN,
                        "",
                        _("{kind}项目“{name}”的表述仍写有“{previous}”：{excerpt}").format(
                            kind=change.get_kind_display(),
                            name=change.printed_title or (change.result.name if change.result else ""),
                            previous=previous,
                            excerpt=excerpt,
                        ),
                    )
                )

    for part in program.notice_pending or []:
        if part in NOTICE_PARTS:
            checks.append(
                Check(
                    WARN,
                    part,
                    _("{part}由{previous}年的文本起草，尚待修改（修改后或勾选“已核对”后不再提示）。").format(
                        part=part_label(part), previous=previous
                    ),
                )
            )
    return sorted(checks, key=lambda c: not c.blocks)


def checklist_summary(checks: list[Check]) -> dict[str, Any]:
    blockers = [c for c in checks if c.blocks]
    return {"checks": checks, "blockers": blockers, "warnings": [c for c in checks if not c.blocks]}
