"""python manage.py parse_notice FILE --json  (prints metadata, projects, changes and problems; saves nothing)"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from catalogue.notice import docx_text, parse_text


class Command(BaseCommand):
    help = "解析通知文本（.txt 或 .docx），打印识别出的计划、项目、变化和无法识别的内容；不写入数据库"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file")
        parser.add_argument("--json", action="store_true", help="以 JSON 输出")

    def handle(self, *args: Any, file: str, json: bool, **options: Any) -> None:
        if file.lower().endswith(".docx"):
            text = docx_text(file)
        else:
            with open(file, encoding="utf-8-sig") as fh:
                text = fh.read()
        parsed = parse_text(text)
        if json:
            self.stdout.write(parsed.to_json())
            return
        data = parsed.data
        if data:
            self.stdout.write(f"{data.issuer_name}{data.title}（{data.doc_number or '无文号'}）")
            for kind, items in data.sections.items():
                self.stdout.write(f"  {kind}: {len(items)}")
        for p in parsed.problems:
            self.stdout.write(f"  第{p.line}行 [{p.level}] {p.message}")
