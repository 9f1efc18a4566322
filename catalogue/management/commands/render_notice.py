"""python manage.py render_notice YEAR --format txt|docx|pdf -o FILE"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from catalogue.models import Program
from catalogue.notice import notice_document, notice_text


class Command(BaseCommand):
    help = "由年度计划生成通知（纯文本、Word 或 PDF）"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("year", type=int)
        parser.add_argument("--format", choices=["txt", "docx", "pdf"], default="txt")
        parser.add_argument("-o", "--output", required=True)
        parser.add_argument("--issuer", help="发文机关代码（该年有多个计划时）")

    def handle(
        self, *args: Any, year: int, format: str, output: str, issuer: str | None, **options: Any
    ) -> None:
        programs = Program.objects.filter(year=year, is_sample=False)
        if issuer:
            programs = programs.filter(issuer__code=issuer)
        if programs.count() != 1:
            raise CommandError(f"{year}年有{programs.count()}个计划，请用 --issuer 指定")
        program = programs.get()
        if format == "txt":
            with open(output, "w", encoding="utf-8") as fh:
                fh.write(notice_text(program))
        else:
            from documents import render as official

            render = official.render_docx if format == "docx" else official.render_pdf
            with open(output, "wb") as fh:
                render(notice_document(program), fh)
        self.stdout.write(f"已生成 {output}")
