"""python manage.py backup [--output FILE]: the database and every uploaded file in one checked .tar.gz."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand

from core.backup import backup_write


class Command(BaseCommand):
    help = "备份：数据库（每个模型一个 JSON）、全部上传文件和清单（行数、SHA-256）写入一个 .tar.gz 文件"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--output", "-o", type=Path, help="备份文件路径（默认 var/backups/minsheng-时间.tar.gz）"
        )

    def handle(self, *args: Any, output: Path | None = None, **options: Any) -> None:
        path, manifest = backup_write(output=output)
        rows = sum(manifest["tables"].values())
        self.stdout.write(
            self.style.SUCCESS(
                f"已备份 {len(manifest['tables'])} 个表共 {rows} 行、{len(manifest['files'])} 个上传文件：{path}"
            )
        )
