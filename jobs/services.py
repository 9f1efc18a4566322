"""Starting and running background jobs (see jobs.models). A job's work is a callable given a progress callback;
it runs in a daemon thread after the starting transaction commits, with its own database connection."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import close_old_connections, connection, transaction
from django.utils import timezone

from core.services import ConflictError, audit_record, audit_record_many, model_snapshot
from jobs import runner
from jobs.models import Job

log = logging.getLogger(__name__)
Progress = Callable[[int, int], None]
Work = Callable[[Progress], dict[str, Any]]

_threads: list[threading.Thread] = []


@transaction.atomic
def job_start(*, actor: Any, kind: str, title: str, total: int, work: Work, return_url: str = "") -> Job:
    """Record a queued job and run ``work`` in the background once this transaction commits."""
    job = Job.objects.create(
        kind=kind,
        title=title[:200],
        total=total,
        return_url=return_url[:300],
        runner=runner.current(),
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    audit_record(actor=actor, action="create", obj=job, after=model_snapshot(job), reason="后台处理")
    transaction.on_commit(lambda: _launch(job.pk, work))
    return job


def _launch(pk: int, work: Work) -> None:
    thread = threading.Thread(target=_thread_main, args=(pk, work), name=f"job-{pk}", daemon=True)
    _threads[:] = [t for t in _threads if t.is_alive()]
    _threads.append(thread)
    thread.start()


def _thread_main(pk: int, work: Work) -> None:
    """The job's thread: its own database connection, closed at the end."""
    close_old_connections()
    try:
        job_run(pk, work)
    finally:
        connection.close()


def job_run(pk: int, work: Work) -> None:
    """Run one job to the end, recording progress, the result or the errors (in Chinese, for the user)."""
    now = timezone.now()
    Job.objects.filter(pk=pk).update(
        status=Job.Status.RUNNING, started_at=now, heartbeat=now, runner=runner.current()
    )

    def progress(done: int, total: int) -> None:
        Job.objects.filter(pk=pk).update(done=done, total=total, heartbeat=timezone.now())

    try:
        result = work(progress)
    except ValidationError as exc:
        _finish(pk, Job.Status.FAILED, errors=exc.messages)
    except ConflictError:
        _finish(pk, Job.Status.FAILED, errors=["数据已被其他人修改，未写入任何数据：请重新下载或上传"])
    except PermissionDenied as exc:
        _finish(pk, Job.Status.FAILED, errors=[str(exc) or "没有权限"])
    except Exception:  # noqa: BLE001 — an unexpected failure must still end the job visibly
        log.exception("job %s failed", pk)
        _finish(pk, Job.Status.FAILED, errors=["处理时发生内部错误，未写入任何数据；请联系系统管理员"])
    else:
        _finish(pk, Job.Status.SUCCEEDED, result=result or {})


def _finish(
    pk: int, status: str, *, result: dict[str, Any] | None = None, errors: list[str] | None = None
) -> None:
    fields: dict[str, Any] = {"status": status, "finished_at": timezone.now()}
    if result is not None:
        fields["result"] = result
    if errors is not None:
        fields["errors"] = [str(e) for e in errors]
    Job.objects.filter(pk=pk).update(**fields)


def job_wait_all(timeout: float = 60) -> None:
    """Wait for the jobs started by this process (tests, management commands)."""
    for thread in list(_threads):
        thread.join(timeout)


INTERRUPTED_MESSAGE = "服务曾重启或处理进程已结束，任务已中断，未写入任何数据；请重新上传"


@transaction.atomic
def jobs_interrupt_dead(*, jobs: list[Job] | None = None) -> int:
    """Mark queued and running jobs whose runner process (on this host) is gone as interrupted, at once.

    Run at server start-up (``manage.py jobs_interrupt_dead`` in ``make serve``) for every job, and when a job's
    page is read for that job. A job's work is one transaction, so nothing half-done is left behind. Runners on
    other hosts are left to the staleness rule (``Job.interrupted``). Returns how many were marked."""
    unfinished = (Job.Status.QUEUED, Job.Status.RUNNING)
    candidates = (
        [j for j in jobs if j.status in unfinished]
        if jobs is not None
        else list(Job.objects.filter(status__in=unfinished).exclude(runner=""))
    )
    dead = [j for j in candidates if j.runner and runner.is_alive(j.runner) is False]
    if not dead:
        return 0
    now = timezone.now()
    marked = Job.objects.filter(pk__in=[j.pk for j in dead], status__in=unfinished).update(
        status=Job.Status.INTERRUPTED, finished_at=now, errors=[INTERRUPTED_MESSAGE]
    )
    audit_record_many(
        actor=None,
        action="state",
        items=[(j, {"status": j.status}, {"status": Job.Status.INTERRUPTED}) for j in dead],
        reason="任务中断：处理进程已结束",
    )
    for job in dead:
        job.status, job.finished_at, job.errors = Job.Status.INTERRUPTED, now, [INTERRUPTED_MESSAGE]
    return marked
