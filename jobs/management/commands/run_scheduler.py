"""``manage.py run_scheduler``: starts the scheduled jobs when due (jobs.schedule) and sweeps the jobs of dead
workers every JOBS_SWEEP_SECONDS, with its own heartbeat. Run exactly one per deployment."""

from __future__ import annotations

import signal
import threading
import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import OperationalError, close_old_connections

from jobs.schedule import schedule_tick
from jobs.services import jobs_sweep
from jobs.workers import Heartbeat


class Command(BaseCommand):
    help = "运行定时调度进程（截止提醒、夜间汇总、检查、清理、备份；并发现已停止的工作进程）"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--tick", type=float, default=5.0, help="每隔几秒查看一次")
        parser.add_argument("--once", action="store_true", help="只查看一次就退出")

    def handle(self, *args: Any, tick: float, once: bool, **options: Any) -> None:
        stop = threading.Event()
        previous = {sig: signal.signal(sig, lambda *_: stop.set()) for sig in (signal.SIGINT, signal.SIGTERM)}
        heartbeat = Heartbeat("scheduler").start()
        last_sweep = 0.0
        try:
            while not stop.is_set():
                close_old_connections()
                try:
                    if time.monotonic() - last_sweep >= float(settings.JOBS_SWEEP_SECONDS):
                        jobs_sweep()
                        last_sweep = time.monotonic()
                    for job in schedule_tick():
                        self.stdout.write(f"已启动定时任务：{job.title}（任务 {job.pk}）")
                    heartbeat.beat()
                except OperationalError as exc:  # a busy or restarting database: try again at the next tick
                    self.stderr.write(f"定时调度暂时无法访问数据库：{exc}")
                if once:
                    break
                stop.wait(tick)
        finally:
            heartbeat.stop()
            for sig, handler in previous.items():
                signal.signal(sig, handler)
