"""python manage.py export_progress YEAR MONTH --format xlsx|pdf -o FILE"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from catalogue.models import Program
from reporting.exports import progress_pdf, progress_xlsx
from reporting.models import Period
from reporting.rollup import progress_table


class Command(BaseCommand):
    help = "导出某年某月的进度表（只计已确认数据）"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("year", type=int)
        parser.add_argument("month", type=int)
        parser.add_argument("--format", choices=["xlsx", "pdf"], default="xlsx")
        parser.add_argument("-o", "--output", required=True)
        parser.add_argument("--issuer", help="发文机关代码（默认：该年唯一的计划）")
        parser.add_argument("--per-unit", action="store_true", help="按单位展开")

    def handle(
        self,
        *args: Any,
        year: int,
        month: int,
        format: str,
        output: str,
        issuer: str | None,
        per_unit: bool,
        **options: Any,
    ) -> None:
        programs = Program.objects.filter(year=year)
        if issuer:
            programs = programs.filter(issuer__code=issuer)
        if programs.count() != 1:
            raise CommandError(f"{year}年有{programs.count()}个计划，请用 --issuer 指定")
        program = programs.get()
        period = Period.objects.filter(program=program, month=month).first()
        if period is None:
            raise CommandError(f"{year}年没有截至{month}月的报送期（请先设置报送期）")
        rows = progress_table(user=None, program=program, month=month, per_unit=per_unit)
        data = (progress_xlsx if format == "xlsx" else progress_pdf)(
            period=period, rows=rows, per_unit=per_unit
        )
        with open(output, "wb") as fh:
            fh.write(data)
        self.stdout.write(f"已导出 {output}（{len(rows)} 行，{len(data)} 字节）")
