"""A 2,000-row Excel import as a task in a live worker process (manage.py run_worker on the test database):
SIGKILL the worker in the middle, the sweeper finds it within the (short, configured) timeout, nothing is
half-written, the re-queued import succeeds once after a restart, and a repeated delivery writes nothing more."""

from __future__ import annotations

import os
import signal
import time
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django_tasks_db.models import DBTaskResult

from core.models import AuditEvent
from jobs.models import Job
from jobs.services import job_enqueue, jobs_sweep
from jobs.tests.worker import run_tasks, start_worker
from reporting import excel, selectors
from reporting.models import Report, ReportValue
from reporting.tests.test_excel_background import _filled
from responsibility.models import Indicator

DEAD_AFTER = 3  # seconds without a heartbeat: a dead worker (the default is 30)


def _wait(predicate: Any, timeout: float, what: str) -> float:
    started = time.monotonic()
    while not predicate():
        if time.monotonic() - started > timeout:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.02)
    return time.monotonic() - started


def _big_sheet(month: dict[str, Any], unit: Any, period: Any, rows: int) -> bytes:
    """The unit's own template with enough indicators (test data) that the sheet has about ``rows`` rows."""
    projects = selectors.unit_projects(unit=unit, program=period.program)
    per_project = rows // len(projects)
    Indicator.objects.bulk_create(
        Indicator(project=p, order=100 + n, name=f"测试指标{n}", unit="个")
        for p in projects
        for n in range(per_project - p.indicators.count())
    )
    return _filled(month, unit, period)


@pytest.mark.django_db(transaction=True)
def test_a_killed_import_worker_is_swept_and_the_import_succeeds_once_after_a_restart(
    world_reloaded: None, month: dict[str, Any], town_shitai: Any, settings: Any
) -> None:
    settings.JOBS_WORKER_DEAD_AFTER = DEAD_AFTER
    period, unit = month["periods"][5], month["shitai"]
    data = _big_sheet(month, unit, period, 2000)
    assert excel.row_count(data) >= 2000
    job = excel.apply_start(actor=town_shitai, period=period, unit=unit, data=data, versions={})
    assert job.idempotent and DBTaskResult.objects.ready().count() == 1
    env = {"MINSHENG_WORKER_DEAD_AFTER_SECONDS": str(DEAD_AFTER)}
    worker = start_worker(**env)
    try:
        # the sheet is read and checked with progress, then the write starts: kill the worker there
        _wait(lambda: Job.objects.get(pk=job.pk).done > 0, 120, "progress")
        _wait(lambda: "开始写入" in str(Job.objects.get(pk=job.pk).history), 120, "the write")
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(10)
    finally:
        if worker.poll() is None:
            worker.kill()
    assert Job.objects.get(pk=job.pk).status == Job.Status.RUNNING
    assert not Report.objects.filter(unit=unit, period=period).exists()  # nothing half-written
    waited = _wait(lambda: jobs_sweep() or Job.objects.get(pk=job.pk).status != "running", 60, "the sweep")
    assert waited < 60
    job.refresh_from_db()
    assert job.status == Job.Status.QUEUED and job.attempts == 1 and "中断" in job.history[-1]["note"]
    assert (
        DBTaskResult.objects.filter(status="FAILED", exception_class_path__endswith="WorkerLost").count() == 1
    )
    assert not Report.objects.filter(unit=unit, period=period).exists()

    worker = start_worker(**env)  # the restart: the re-queued import runs to the end, once
    try:
        _wait(lambda: Job.objects.get(pk=job.pk).finished, 180, "the re-run")
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(30)
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED, job.errors
    assert job.attempts == 2 and job.result["count"] == len(
        selectors.unit_projects(unit=unit, program=period.program)
    )
    reports = Report.objects.filter(unit=unit, period=period)
    written = ReportValue.objects.filter(report__in=reports).count()
    assert written >= 1900
    audits = AuditEvent.objects.filter(content_type=ContentType.objects.get_for_model(Report)).count()

    # the same job delivered once more (a second re-queue): its key is written, nothing is written again
    Job.objects.filter(pk=job.pk).update(status=Job.Status.QUEUED)
    job_enqueue(job=job)
    run_tasks()
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED and job.result["repeated"] is True
    assert ReportValue.objects.filter(report__in=reports).count() == written
    assert AuditEvent.objects.filter(content_type=ContentType.objects.get_for_model(Report)).count() == audits
