"""python manage.py restore FILE [--force]: bring back a backup into an empty (migrated) install."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from core.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = "从备份文件恢复（先 migrate；数据库必须为空，除非加 --force；先核对校验和，数据库部分整体成功或整体撤销）"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--force", action="store_true", help="数据库已有数据时先清空再恢复")

    def handle(self, *args: Any, file: Path, force: bool = False, **options: Any) -> None:
        try:
            manifest = backup_restore(path=file, force=force)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(manifest["tables"].values())
        self.stdout.write(
            self.style.SUCCESS(
                f"已恢复 {len(manifest['tables'])} 个表共 {rows} 行、{len(manifest['files'])} 个上传文件"
                f"（备份时间 {manifest['created_at']}）"
            )
        )
