"""Run before the web server starts (make serve): jobs left running by a process that has ended are marked 已中断."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db import DatabaseError

from jobs.services import jobs_interrupt_dead


class Command(BaseCommand):
    help = "把处理进程已结束的后台任务标记为“已中断”（服务启动前运行）"

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            count = jobs_interrupt_dead()
        except DatabaseError:
            self.stderr.write("数据库尚未建好（请先运行 migrate），跳过后台任务检查。")
            return
        if count:
            self.stdout.write(f"已将 {count} 个中断的后台任务标记为“已中断”。")
