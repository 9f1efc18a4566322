"""Live worker processes (manage.py run_worker) on the test database: several workers share the PostgreSQL
queue (SELECT … FOR UPDATE SKIP LOCKED) and each job runs exactly once; a worker stopped with SIGTERM says so."""

from __future__ import annotations

import signal
import time
from typing import Any

import pytest
from django.db import connection, transaction

from jobs.models import Job, WorkerBeat
from jobs.services import job_start
from jobs.tests.worker import start_worker


def _wait(predicate: Any, timeout: float) -> None:
    started = time.monotonic()
    while not predicate():
        assert time.monotonic() - started < timeout, "timed out"
        time.sleep(0.05)


@pytest.mark.django_db(transaction=True)
def test_several_workers_share_the_postgresql_queue_and_run_each_job_once(world_reloaded: None) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("several workers need PostgreSQL (SQLite: one worker)")
    with transaction.atomic():
        jobs = [
            job_start(actor=None, kind="test", title=f"任务{n}", handler="jobs.tests.handlers.nap")
            for n in range(24)
        ]
    workers = [start_worker(), start_worker()]
    try:
        _wait(lambda: Job.objects.filter(pk__in=[j.pk for j in jobs], status="succeeded").count() == 24, 120)
    finally:
        for worker in workers:
            worker.send_signal(signal.SIGTERM)
        for worker in workers:
            worker.wait(30)
    assert Job.objects.filter(kind="test.run").count() == 24  # no job ran twice
    runners = set(Job.objects.filter(pk__in=[j.pk for j in jobs]).values_list("runner", flat=True))
    assert len(runners) == 2 and set(
        Job.objects.filter(pk__in=[j.pk for j in jobs]).values_list("attempts", flat=True)
    ) == {1}
    assert WorkerBeat.objects.filter(role="worker", stopped_at__isnull=False).count() == 2  # stopped cleanly


@pytest.mark.django_db(transaction=True)
def test_a_live_worker_beats_and_stops_cleanly(world_reloaded: None) -> None:
    worker = start_worker()
    try:
        _wait(lambda: WorkerBeat.objects.filter(role="worker").exists(), 60)
        first = WorkerBeat.objects.get(role="worker").seen_at
        _wait(lambda: WorkerBeat.objects.get(role="worker").seen_at > first, 30)  # the heartbeat moves on
    finally:
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(30) == 0
    assert WorkerBeat.objects.get(role="worker").stopped_at is not None
