"""A bulletin as a documents.model.OfficialDocument: 简报 (期号, 编发单位 in the 版头) or 通报 (文号, signature),
written from the bulletin's figure snapshot and its free-text parts. Rendered by documents.render."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from bulletins.models import Bulletin, Kind
from catalogue.notice import numeral
from core.numbers import wan_text
from documents.model import Block, OfficialDocument


def pct(value: Any) -> str:
    """ "0.8534" → "85.34%" (2 decimals); "—" when absent."""
    if value in (None, ""):
        return "—"
    return f"{Decimal(value) * 100:.2f}%"


def score_text(value: Any) -> str:
    return "—" if value in (None, "") else f"{Decimal(value):.2f}"


def months_text(year: int, month: int) -> str:
    return f"{year}年1月" if month == 1 else f"{year}年1—{month}月"


def date_text(value: Any) -> str:
    return f"{value.year}年{value.month}月{value.day}日" if value else ""


def editor_name(bulletin: Bulletin) -> str:
    return bulletin.editor.strip()


def bulletin_title(bulletin: Bulletin) -> str:
    f = bulletin.figures
    period = months_text(f["year"], f["month"])
    if bulletin.kind == Kind.BRIEFING:
        return f"{period}{f['noun']}实施进度情况"
    return f"{editor_name(bulletin)}关于{period}{f['noun']}实施进度情况的通报"


def overview_text(f: dict[str, Any]) -> str:
    o = f["overview"]
    text = (
        f"截至{f['month']}月底，{f['year']}年{o['projects']}项{f['noun']}中，已有确认数据的{o['measured']}项，"
        f"平均任务完成率{pct(o['completion'])}，序时进度{pct(f['schedule'])}；"
        f"达到序时进度的{o['on_schedule']}项，滞后于序时进度的{o['behind']}项。"
        f"资金计划{wan_text(o['budget'])}万元，到位{wan_text(o['arrived'])}万元，到位率{pct(o['arrival_rate'])}；"
        f"支出{wan_text(o['spent'])}万元，支出率{pct(o['spending_rate'])}。"
    )
    if o["findings"]:
        text += (
            f"监督发现的问题尚有{o['findings']}个未整改销号，其中{o['findings_overdue']}个已超过整改期限。"
        )
    return text


#: Short headings: seven columns of 4号 fit the 156 mm line only when none wraps.
RANK_HEAD = ["名次", "单位", "得分", "完成率", "到位率", "支出率", "按时率"]


def ranking_note() -> str:
    from reporting.rollup import WEIGHTS

    completion, arrival, spending, timely = (f"{w:g}" for w in WEIGHTS)
    return (
        f"注：得分＝任务完成率×{completion}＋资金到位率×{arrival}＋资金支出率×{spending}＋按时报送率×{timely}"
        "（各率以100%封顶，只计已确认的数据），得分相同的名次并列。"
    )


def ranking_rows(scores: list[dict[str, Any]]) -> list[list[str]]:
    rows = [RANK_HEAD]
    for s in scores:
        rows.append(
            [
                str(s["rank"]),
                s["name"],
                score_text(s["score"]),
                pct(s["completion"]),
                pct(s["arrival"]),
                pct(s["spending"]),
                pct(s["on_time"]),
            ]
        )
    return rows


def project_text(p: dict[str, Any], schedule: str) -> str:
    lead = f"牵头单位：{p['lead']}。" if p["lead"] else ""
    if p["completion"] is None and not Decimal(p["arrived"] or 0) and not Decimal(p["budget"] or 0):
        return f"{lead}尚无已确认的进度和资金数据。"
    text = (
        f"{lead}任务完成率{pct(p['completion'])}"
        + ("，滞后于序时进度" if p["behind"] else "")
        + f"；资金计划{wan_text(p['budget'])}万元，到位{wan_text(p['arrived'])}万元、到位率{pct(p['arrival_rate'])}，"
        f"支出{wan_text(p['spent'])}万元、支出率{pct(p['spending_rate'])}。"
    )
    if p["lagging"]:
        names = "、".join(f"{u['name']}（{pct(u['completion'])}）" for u in p["lagging"])
        text += f"滞后于序时进度的单位：{names}。"
    if p.get("no_data"):
        text += f"另有{p['no_data']}个单位尚无已确认的数据。"
    return text


#: The ranking of a city's districts (the province's cities): seven short columns, as RANK_HEAD.
TREE_RANK_HEAD = ["名次", "区县", "得分", "完成率", "到位率", "支出率", "确认率"]


def tree_noun(f: dict[str, Any]) -> str:
    return "区县" if f.get("level") == "city" else "市"


def tree_overview_text(f: dict[str, Any]) -> str:
    """The overall paragraph of a city's (the province's) bulletin: its districts' confirmed figures."""
    o = f["overview"]
    whole = "全市" if f.get("level") == "city" else "全省"
    text = (
        f"截至{f['month']}月底，{whole}{o['districts']}个区县中，已确认本月数据的{o['districts_reporting']}个，"
        f"平均任务完成率{pct(o['completion'])}，序时进度{pct(f['schedule'])}；"
        f"滞后于序时进度的{tree_noun(f)}{o['behind']}个。"
        f"资金计划{wan_text(o['budget'])}万元，到位{wan_text(o['arrived'])}万元，到位率{pct(o['arrival_rate'])}；"
        f"支出{wan_text(o['spent'])}万元，支出率{pct(o['spending_rate'])}。"
    )
    behind = [d["name"] for d in f["districts"] if d["behind"]]
    silent = [d["name"] for d in f["districts"] if not d["reporting"]]
    if behind:
        text += f"滞后于序时进度的{tree_noun(f)}：{'、'.join(behind)}。"
    if silent:
        text += f"尚无已确认数据的{tree_noun(f)}：{'、'.join(silent)}。"
    return text + "以上数据只计各区县民生办已确认的数据，未确认的数据不向上汇总。"


def tree_ranking_rows(districts: list[dict[str, Any]], noun: str) -> list[list[str]]:
    rows = [[noun if h == "区县" else h for h in TREE_RANK_HEAD]]
    for d in districts:
        rows.append(
            [
                str(d["rank"]),
                d["name"],
                score_text(d["score"]) if d["reporting"] else "—",
                pct(d["completion"]),
                pct(d["arrival"]),
                pct(d["spending"]),
                pct(d["confirmed_rate"]),
            ]
        )
    return rows


def tree_ranking_note() -> str:
    from reporting.governments import WEIGHTS

    completion, arrival, spending, confirmed = (f"{w:g}" for w in WEIGHTS)
    return (
        f"注：得分＝任务完成率×{completion}＋资金到位率×{arrival}＋资金支出率×{spending}＋确认率×{confirmed}"
        "（各率以100%封顶；确认率＝已确认报表÷应报报表），得分相同的名次并列。"
    )


def district_text(d: dict[str, Any]) -> str:
    """One district's progress in a city's bulletin, with its projects behind 序时."""
    if not d["reporting"]:
        return f"本月尚无已确认的数据（应报报表{d['owed']}份，已确认0份）。"
    text = (
        f"综合排名第{d['rank']}位，任务完成率{pct(d['completion'])}"
        + ("，滞后于序时进度" if d["behind"] else "，达到序时进度")
        + f"；资金到位率{pct(d['arrival'])}，支出率{pct(d['spending'])}；"
        f"已确认报表{d['confirmed']}份，应报{d['owed']}份。"
    )
    if d.get("districts", 1) > 1:
        text += f"所辖{d['districts']}个区县中已确认数据的{d['districts_reporting']}个。"
    if d["lagging"]:
        names = "、".join(f"{p['name']}（{pct(p['completion'])}）" for p in d["lagging"])
        text += f"滞后于序时进度的项目：{names}。"
    return text


def paragraphs(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def bulletin_document(bulletin: Bulletin) -> OfficialDocument:
    f = bulletin.figures
    blocks: list[Block] = []
    sections = 0

    def heading(text: str) -> None:
        nonlocal sections
        sections += 1
        blocks.append(Block("h1", f"{numeral(sections)}、{text}"))

    blocks += [Block("para", p) for p in paragraphs(bulletin.opening)]
    heading("总体进展")
    if f.get("level"):  # a city's (the province's) bulletin: its lower governments
        noun = tree_noun(f)
        blocks.append(Block("para", tree_overview_text(f)))
        if f["districts"]:
            heading(f"{noun}排名")
            blocks.append(Block("table", rows=tree_ranking_rows(f["districts"], noun)))
            blocks.append(Block("para", tree_ranking_note()))
            heading(f"各{noun}进展")
            for n, d in enumerate(f["districts"], start=1):
                blocks.append(Block("para", district_text(d), lead=f"（{numeral(n)}）{d['name']}。"))
        return _finish(bulletin, blocks, heading)
    blocks.append(Block("para", overview_text(f)))
    if f["towns"]:
        heading("镇街排名")
        blocks.append(Block("table", rows=ranking_rows(f["towns"])))
    if f["departments"]:
        heading("部门排名")
        blocks.append(Block("table", rows=ranking_rows(f["departments"])))
    if f["towns"] or f["departments"]:
        blocks.append(Block("para", ranking_note()))
    heading("项目进展")
    for n, p in enumerate(f["projects"], start=1):
        blocks.append(Block("para", project_text(p, f["schedule"]), lead=f"（{numeral(n)}）{p['name']}。"))
    heading("监督发现问题整改")
    if f["findings"]:
        for n, item in enumerate(f["findings"], start=1):
            where = f"{item['project']}：" if item["project"] else ""
            late = "，已逾期" if item["overdue"] else ""
            blocks.append(
                Block(
                    "para",
                    f"{where}{item['description'].rstrip('。')}（整改责任单位：{item['unit']}，"
                    f"整改期限：{item['deadline']}{late}）。",
                    lead=f"{n}．",
                )
            )
    else:
        blocks.append(Block("para", "截至本月底，监督发现的问题均已整改销号。"))
    return _finish(bulletin, blocks, heading)


def _finish(bulletin: Bulletin, blocks: list[Block], heading: Any) -> OfficialDocument:
    f = bulletin.figures
    briefing = bulletin.kind == Kind.BRIEFING
    if bulletin.analysis.strip():
        heading("存在问题")
        blocks += [Block("para", p) for p in paragraphs(bulletin.analysis)]
    if bulletin.next_steps.strip():
        heading("下步工作")
        blocks += [Block("para", p) for p in paragraphs(bulletin.next_steps)]
    program = bulletin.period.program
    editor = editor_name(bulletin)
    return OfficialDocument(
        issuer_mark=f"{f['noun']}实施进度简报" if briefing else f"{editor}文件",
        title=bulletin_title(bulletin),
        blocks=blocks,
        doc_number="" if briefing else bulletin.doc_number,
        recipients=bulletin.recipients,
        signature="" if briefing else editor,
        date=date_text(bulletin.issue_date),
        cc=bulletin.cc,
        is_sample=program.is_sample,
        issue_number=(bulletin.issue_number or "第　期") if briefing else "",
        editor=(editor if editor.endswith("编") else f"{editor}编") if briefing and editor else "",
    )


def bulletin_filename(bulletin: Bulletin, ext: str) -> str:
    number = bulletin.issue_number if bulletin.kind == Kind.BRIEFING else bulletin.doc_number
    title = bulletin_title(bulletin)
    return f"{title}{f'（{number}）' if number else ''}.{ext}"
