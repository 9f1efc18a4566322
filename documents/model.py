"""The structure of an official document (公文, GB/T 9704-2012), independent of any output format.

Producers (the annual notice, the 目标责任状, reports) build an ``OfficialDocument``; renderers in this app
write it as plain text, .docx or PDF.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

BlockKind = Literal["h1", "h2", "h3", "para", "table"]


@dataclass
class Block:
    """One paragraph of the body.

    ``h1`` 一级标题 (黑体, e.g. "一、新增6项民生工程"), ``h2``/``h3`` 二、三级标题 on a line of their own
    (楷体 / 仿宋加粗). A ``para`` may start with an inline heading ``lead`` (e.g. "（一）城市社区卫生机构和村卫生室标准化建设。")
    set in 楷体 and followed by ``text`` in 仿宋 — the way notices print numbered items. ``indent`` is the
    first-line indent in characters (2 for ordinary body paragraphs). ``rows`` holds cells for a ``table``.
    """

    kind: BlockKind
    text: str = ""
    lead: str = ""
    indent: int = 2
    rows: list[list[str]] = field(default_factory=list)


@dataclass
class OfficialDocument:
    issuer_mark: str  # 发文机关标志 (red), e.g. "杜集区人民政府文件"
    title: str  # 标题, e.g. "杜集区人民政府关于2021年实施33项民生工程的通知"
    blocks: list[Block]
    doc_number: str = ""  # 发文字号, e.g. "淮杜政〔2021〕21号"
    recipients: str = ""  # 主送机关, printed followed by "："
    signature: str = ""  # 发文机关署名
    date: str = ""  # 成文日期, Arabic numerals: "2021年6月2日"
    attachments: list[str] = field(default_factory=list)  # 附件说明
    cc: str = ""  # 抄送机关 (版记)
    printer: str = ""  # 印发机关 (版记)
    print_date: str = ""  # 印发日期 (版记)
    is_sample: bool = False  # 示例: prints a visible "示例" mark on every page
    # 简报 版头 (instead of the 文件格式's): when ``issue_number`` is set, the red ``issuer_mark`` is the 简报's name,
    # the 期号 is centred under it, the 编发单位 (``editor``) flush left and ``date`` flush right on the next line
    # above the red rule; the date is then not repeated after the text.
    issue_number: str = ""  # 期号, e.g. "第6期"
    editor: str = ""  # 编发单位, e.g. "杜集区民生工程领导小组办公室编"

    @property
    def is_briefing(self) -> bool:
        return bool(self.issue_number)
