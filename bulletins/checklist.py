"""The pre-issue checklist of a bulletin, like catalogue.checklist for the notice: what blocks issuing and what
the office should look at. One function, ``bulletin_checklist(bulletin)``, used by the page and by
``bulletins.services.bulletin_issue``."""

from __future__ import annotations

from django.utils.translation import gettext as _

from bulletins.models import Bulletin, Kind
from catalogue.checklist import BLOCK, WARN, Check, checklist_summary

__all__ = ["bulletin_checklist", "checklist_summary"]


def _label(part: str) -> str:
    return str(Bulletin._meta.get_field(part).verbose_name)


def bulletin_checklist(bulletin: Bulletin) -> list[Check]:
    """Blockers first, then warnings; an empty list means the bulletin is fit to issue."""
    checks: list[Check] = []
    number = "issue_number" if bulletin.kind == Kind.BRIEFING else "doc_number"
    required = [number, "editor", "issue_date"]
    for part in required:
        value = getattr(bulletin, part)
        if not (value.strip() if isinstance(value, str) else value):
            checks.append(Check(BLOCK, part, _("{part}未填写。").format(part=_label(part))))
    year = bulletin.period.program.year
    if bulletin.kind == Kind.CIRCULAR and bulletin.doc_number and f"〔{year}〕" not in bulletin.doc_number:
        checks.append(
            Check(
                WARN,
                "doc_number",
                _("发文字号“{number}”的年份不是{year}年。").format(number=bulletin.doc_number, year=year),
            )
        )
    if bulletin.issue_date and (bulletin.issue_date.year, bulletin.issue_date.month) <= (
        year,
        bulletin.period.month,
    ):
        checks.append(Check(WARN, "issue_date", _("印发日期早于或在统计月份之内，请核对。")))
    overview = bulletin.figures.get("overview", {})
    if not overview.get("measured"):
        checks.append(Check(WARN, "", _("本月还没有已确认的报表数据，简报中的完成率均为“—”。")))
    if not bulletin.next_steps.strip():
        checks.append(Check(WARN, "next_steps", _("下步工作未填写。")))
    return sorted(checks, key=lambda c: not c.blocks)
