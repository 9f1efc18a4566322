"""Running the real task engine in tests: the database backend's worker loop in the test process (batch mode:
until no task is ready), or a live ``manage.py run_worker`` subprocess on the test database."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction

from jobs.models import WorkerBeat
from jobs.workers import current_process

TEST_WORKER = "test-worker"


def run_tasks(worker_id: str = TEST_WORKER) -> None:
    """Run every ready task in this process with the database backend's own claim and ``Worker.run_task`` (the
    loop of ``run_worker`` without its closing of connections, which would end the test's transaction); its
    heartbeat row without the thread."""
    WorkerBeat.objects.update_or_create(
        worker_id=worker_id,
        defaults={"process": current_process(), "seen_at": timezone.now(), "stopped_at": None},
    )
    worker = Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id=worker_id,
        excluded_queue_names=[],
    )
    while True:
        with exclusive_transaction(DBTaskResult.objects.db):
            task_result = DBTaskResult.objects.ready().filter(backend_name="default").get_locked()
            if task_result is None:
                return
            task_result.claim(worker_id)
        worker.run_task(task_result)


def database_url() -> str:
    """The test database as a DATABASE_URL for a subprocess."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    return f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{db['NAME']}"


def start_worker(*extra: str, **env: str) -> subprocess.Popen[bytes]:
    """A live ``manage.py run_worker`` on the test database (short heartbeat), output to a log file."""
    log = Path(settings.VAR_DIR) / f"test-worker-{os.getpid()}.log"
    environment = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "MINSHENG_WORKER_HEARTBEAT_SECONDS": "0.5",
        **env,
    }
    return subprocess.Popen(
        [sys.executable, "manage.py", "run_worker", "--interval", "0.1", *extra],
        cwd=settings.BASE_DIR,
        env=environment,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
    )
