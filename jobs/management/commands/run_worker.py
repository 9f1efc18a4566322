"""``manage.py run_worker``: one background worker (the database backend's worker loop, django-tasks-db) with a
heartbeat; sweeps the jobs of dead workers before it starts. Run as many as you like (on PostgreSQL they share the
queue with SELECT … FOR UPDATE SKIP LOCKED; on SQLite run one)."""

from __future__ import annotations

import logging
import signal
import sys
from types import FrameType
from typing import Any

from django.core.management.base import BaseCommand
from django_tasks_db.management.commands.db_worker import Worker

from jobs.services import jobs_sweep
from jobs.workers import Heartbeat

log = logging.getLogger(__name__)


class StoppingWorker(Worker):
    """The library's worker, stopped at a safe point: its own handler raises ``SystemExit`` wherever the signal
    lands (inside a query, leaving the connection unusable for the stop mark); this one only clears ``running``,
    so the loop ends after the current task or the current idle wait (``--interval``). A second signal forces."""

    def shutdown(self, signum: int, frame: FrameType | None) -> None:
        if not self.running:
            self.reset_signals()
            sys.exit(1)
        log.warning("%s: the worker stops after the current task", signal.strsignal(signum))
        self.running = False


class Command(BaseCommand):
    help = "运行后台任务工作进程（可同时运行多个）"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--interval", type=float, default=1.0, help="队列为空时每隔几秒查看一次")
        parser.add_argument("--batch", action="store_true", help="处理完队列中的任务后退出")
        parser.add_argument("--queue-name", default="*", help="处理哪些队列（逗号分隔；* 为全部）")
        parser.add_argument("--worker-id", default="", help="工作进程编号（默认自动生成）")

    def handle(
        self, *args: Any, interval: float, batch: bool, queue_name: str, worker_id: str, **options: Any
    ) -> None:
        heartbeat = Heartbeat("worker", worker_id or None).start()
        jobs_sweep()
        worker = StoppingWorker(
            queue_names=queue_name.split(","),
            interval=interval,
            batch=batch,
            backend_name="default",
            startup_delay=not batch,
            max_tasks=None,
            worker_id=heartbeat.worker_id,
            excluded_queue_names=[],
        )
        worker.configure_signals()
        try:
            worker.run()
        finally:
            heartbeat.stop()
