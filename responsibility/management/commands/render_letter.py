"""python manage.py render_letter YEAR ORG_NAME --format docx|pdf -o FILE"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q

from catalogue.models import Program
from documents.render import render_docx, render_pdf
from orgs.models import Organisation
from responsibility.letter_document import letter_document
from responsibility.models import Letter
from responsibility.selectors import unit_duties


class Command(BaseCommand):
    help = "生成某单位某年的目标责任状（Word 或 PDF）；尚未起草时按当前目标和资金生成预览"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("year", type=int)
        parser.add_argument("org_name", help="单位名称、简称或代码，如 石台镇")
        parser.add_argument("--format", choices=["docx", "pdf"], default="docx")
        parser.add_argument("-o", "--output", required=True)

    def handle(self, *args: Any, year: int, org_name: str, format: str, output: str, **options: Any) -> None:
        orgs = Organisation.objects.filter(Q(name=org_name) | Q(short_name=org_name) | Q(code=org_name))
        if orgs.count() != 1:
            raise CommandError(f"找不到唯一的单位“{org_name}”")
        org = orgs.get()
        try:
            program = Program.objects.get(year=year, is_sample=False)
        except (Program.DoesNotExist, Program.MultipleObjectsReturned) as exc:
            raise CommandError(f"找不到唯一的{year}年计划") from exc
        letter = Letter.objects.filter(program=program, organisation=org).first()
        if letter is None:  # a preview, not saved
            letter = Letter(
                program=program, organisation=org, snapshot=unit_duties(program=program, organisation=org)
            )
        with open(output, "wb") as fh:
            (render_docx if format == "docx" else render_pdf)(letter_document(letter), fh)
        self.stdout.write(f"已生成 {output}")
