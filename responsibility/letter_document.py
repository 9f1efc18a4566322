"""A 目标责任状 as an official document, rendered by documents.render like the annual notice."""

from __future__ import annotations

from catalogue.models import Program
from core import numbers
from documents.model import Block, OfficialDocument
from responsibility.models import Letter

CHINESE = "一二三四五六七八九十"


def _numeral(n: int) -> str:
    if n <= 10:
        return CHINESE[n - 1]
    tens, ones = divmod(n, 10)
    return f"{CHINESE[tens - 1] if tens > 1 else ''}十{CHINESE[ones - 1] if ones else ''}"


def letter_document(letter: Letter) -> OfficialDocument:
    """Parties, the unit's projects with targets and funds, duties, assessment terms, signature blocks."""
    program: Program = letter.program
    duties = letter.snapshot or {}
    from responsibility.selectors import signatory_name

    unit = signatory_name(letter.organisation)
    noun = program.noun
    blocks: list[Block] = [
        Block("para", f"甲方：{program.issuer_name}", indent=0),
        Block("para", f"乙方：{unit}", indent=0),
        Block(
            "para",
            f"为确保{program.year}年{noun}各项目标任务全面完成，根据{program.issuer_name}关于{program.display_title}的通知"
            f"{'（' + program.doc_number + '）' if program.doc_number else ''}要求，按照党委领导、政府负责、财政牵头、部门主管、"
            f"镇（街道）实施的责任体系，甲乙双方签订本目标责任状。",
        ),
        Block("h1", "一、目标任务"),
    ]
    for i, project in enumerate(duties.get("projects", []), start=1):
        targets = "；".join(
            f"{t['indicator']}{t['direction']}{t['value']}{t['unit']}" for t in project.get("targets", [])
        )
        funds = "，".join(
            f"{source}{numbers.wan_text(amount).replace(',', '')}万元"
            for source, amount in project.get("funds", {}).items()
        )
        text = f"乙方为{project['role']}单位。" + (
            f"年度目标：{targets}。" if targets else "年度目标：按项目实施方案执行。"
        )
        if funds:
            text += f"资金安排：{funds}。"
        blocks.append(Block("para", text, lead=f"（{_numeral(i)}）{project['name']}。"))
    blocks += [
        Block("h1", "二、工作责任"),
        Block(
            "para",
            "乙方主要负责同志为第一责任人，分管负责同志为直接责任人。乙方应细化任务、明确时限，按月报送项目进度和资金"
            "拨付支出情况，确保资金按规定用途使用，配合特邀监督员开展监督，做好项目建后运行维护和宣传公示工作。",
        ),
        Block("h1", "三、考核奖惩"),
        Block(
            "para",
            f"甲方依据本责任状对乙方{program.year}年{noun}工作进行目标管理绩效考评，考评结果纳入年度综合考核；"
            "对工作推进不力、目标任务未完成的，予以通报、约谈。",
        ),
        Block("h1", "四、其他"),
        Block("para", "本责任状一式两份，甲乙双方各执一份，自签订之日起生效。"),
        Block("para", f"甲方（盖章）：{program.issuer_name}　　　　乙方（盖章）：{unit}", indent=0),
        Block("para", "负责人（签字）：　　　　　　　　负责人（签字）：", indent=0),
    ]
    date = (
        f"{letter.signed_date.year}年{letter.signed_date.month}月{letter.signed_date.day}日"
        if letter.signed_date
        else "　　年　　月　　日"
    )
    return OfficialDocument(
        issuer_mark=program.issuer_name,
        title=f"{program.year}年{noun}目标责任状",
        blocks=blocks,
        recipients="",
        signature="",
        date=date,
    )
