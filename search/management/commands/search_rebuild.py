from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from search.services import search_index_rebuild
from search.sources import SOURCES


class Command(BaseCommand):
    help = "重建搜索索引（jieba 分词）：批量导入、恢复备份或生成示例数据之后运行"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--kind", action="append", choices=[s.kind for s in SOURCES], help="只重建这一类")

    def handle(self, *args: Any, kind: list[str] | None = None, **options: Any) -> None:
        counts = search_index_rebuild(kinds=kind)
        for name, n in counts.items():
            self.stdout.write(f"{name}: {n}")
