"""Print the counts of one year's program as one JSON object."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from catalogue.models import Program
from catalogue.stats import program_stats


class Command(BaseCommand):
    help = "输出某年度计划的项目数和变化情况（新增、调整、继续、退出），一个JSON对象。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("year", type=int, help="年度，如 2021")
        parser.add_argument("--issuer", help="发文机关代码（同一年度有多个计划时必填），如 gov")

    def handle(self, *args: Any, **options: Any) -> None:
        programs = Program.objects.filter(year=options["year"]).select_related("issuer")
        if options["issuer"]:
            programs = programs.filter(issuer__code=options["issuer"])
        found = list(programs[:2])
        if not found:
            raise CommandError(f"未找到{options['year']}年度计划。")
        if len(found) > 1:
            codes = "、".join(programs.values_list("issuer__code", flat=True))
            raise CommandError(f"{options['year']}年度有多个计划（发文机关：{codes}），请用 --issuer 指定。")
        self.stdout.write(json.dumps(program_stats(program=found[0]), ensure_ascii=False))
