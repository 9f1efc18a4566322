"""Worker heartbeats do not depend on the task backend: with a backend other than the database one (here
django-tasks' ImmediateBackend, which runs the task in this process and reports a worker id of its own), the job's
runner is this process's heartbeat in our own table, so the sweeper tells a live worker from a dead one."""

from __future__ import annotations

import datetime as dt
import os
from typing import Any

import pytest
from django.utils import timezone

from jobs import workers
from jobs.models import Job, WorkerBeat
from jobs.services import job_start, jobs_sweep

pytestmark = pytest.mark.django_db


@pytest.fixture
def immediate(settings: Any) -> Any:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.JOBS_HEARTBEAT_SECONDS = 600  # the thread never writes during the test; start() and stop() do
    yield
    beat = workers._PROCESS.get(os.getpid())
    if beat is not None:
        beat.stop()


def test_another_backends_jobs_run_under_our_heartbeat(
    immediate: None, town_shitai: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        job = job_start(
            actor=town_shitai, kind="test", title="示例任务", handler="jobs.tests.handlers.count_to_ten"
        )
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED
    beat = WorkerBeat.objects.get(worker_id=job.runner)
    assert beat.stopped_at is None and beat.process == workers.current_process()


def test_the_sweeper_spares_a_live_worker_of_another_backend_and_catches_a_dead_one(
    immediate: None, town_shitai: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        job_start(
            actor=town_shitai, kind="test", title="示例任务", handler="jobs.tests.handlers.count_to_ten"
        )
    runner = Job.objects.get().runner
    long_ago = timezone.now() - dt.timedelta(minutes=10)  # a long task: no progress for ten minutes
    busy = Job.objects.create(
        kind="test", title="长任务", status=Job.Status.RUNNING, runner=runner, heartbeat=long_ago
    )
    assert jobs_sweep() == 0
    busy.refresh_from_db()
    assert busy.status == Job.Status.RUNNING
    workers._PROCESS[os.getpid()].stop()  # the worker ends (its heartbeat row is marked stopped)
    assert jobs_sweep() == 1
    busy.refresh_from_db()
    assert busy.status == Job.Status.INTERRUPTED


def test_a_heartbeat_of_the_database_backends_worker_is_kept_as_the_runner(town_shitai: Any) -> None:
    WorkerBeat.objects.create(worker_id="db-worker", process=workers.current_process())
    assert workers.runner_id("db-worker") == "db-worker"
