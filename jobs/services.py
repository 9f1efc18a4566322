"""Starting, running and sweeping background jobs (see jobs.models).

A job's work is a function ``handler(job, progress) -> dict`` named by its dotted path; ``job_start`` records the
job and, once the starting transaction commits, enqueues the one task ``jobs.tasks.run_job`` through Django's
Tasks API (settings ``TASKS``), which a worker (``manage.py run_worker``) runs with ``job_execute``. What the
engine lacks is here, built once:

- retries with exponential backoff for jobs started ``retryable`` (unexpected errors only: a sheet's errors,
  a conflict or a refusal are the user's to fix and fail at once);
- ``jobs_sweep`` (run by every worker at start, by the scheduler every JOBS_SWEEP_SECONDS and on a job's page):
  a job whose worker's heartbeat is older than JOBS_WORKER_DEAD_AFTER (or whose process on this host is gone)
  is re-queued when ``idempotent``, else marked interrupted;
- ``write_once``: a handler's write in one transaction that also records its idempotency key, so a re-queued
  or repeated job never writes twice. Handlers parse and check *before* it: the write lock is held only for
  the write."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from core.services import ConflictError, audit_record, audit_record_many, model_snapshot
from jobs import workers
from jobs.models import Job, TaskKey, WorkerBeat

log = logging.getLogger(__name__)
Progress = Callable[[int, int], None]
Handler = Callable[[Job, Progress], dict[str, Any]]

INTERRUPTED_MESSAGE = "处理进程已意外结束，任务已中断，未写入任何数据；请重新上传"
INTERNAL_MESSAGE = "处理时发生内部错误，未写入任何数据；请联系系统管理员"
CONFLICT_MESSAGE = "数据已被其他人修改，未写入任何数据：请重新下载或上传"


class AlreadyDone(Exception):
    """The work under this idempotency key was written before (by this job's earlier attempt or another)."""

    def __init__(self, result: dict[str, Any]) -> None:
        super().__init__("already done")
        self.result = result


class Once:
    """What ``write_once`` yields: set ``result`` before the block ends; it is kept with the key."""

    def __init__(self) -> None:
        self.result: dict[str, Any] = {}


@transaction.atomic
def job_start(
    *,
    actor: Any,
    kind: str,
    title: str,
    handler: str,
    total: int = 0,
    params: dict[str, Any] | None = None,
    data: bytes | None = None,
    return_url: str = "",
    idempotency_key: str = "",
    retryable: bool = False,
    idempotent: bool = False,
    max_attempts: int | None = None,
) -> Job:
    """Record a queued job and enqueue it once this transaction commits. A job with the same idempotency key
    still queued, running or done is returned instead of a second one (a double click, a repeated upload)."""
    if idempotency_key:
        existing = (
            Job.objects.filter(idempotency_key=idempotency_key)
            .exclude(status__in=(Job.Status.FAILED, Job.Status.INTERRUPTED))
            .order_by("-created_at")
            .first()
        )
        if existing is not None:
            return existing
    import_string(handler)  # a wrong path fails here, in the request, not later in the worker
    job = Job.objects.create(
        kind=kind,
        title=title[:200],
        total=total,
        handler=handler,
        params=params or {},
        input=data,
        return_url=return_url[:300],
        idempotency_key=idempotency_key[:200],
        retryable=retryable,
        idempotent=idempotent,
        max_attempts=max_attempts or int(settings.JOBS_MAX_ATTEMPTS),
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    audit_record(
        actor=actor,
        action="create",
        obj=job,
        after=model_snapshot(job, exclude=("input",)),
        reason="后台处理",
    )
    # robust: a queue that cannot be reached now must not fail the committed request; the sweeper enqueues later
    transaction.on_commit(lambda: job_enqueue(job=job), robust=True)
    return job


def job_enqueue(*, job: Job, delay: dt.timedelta | None = None) -> None:
    """Hand the job to the task engine (again, for a retry or a re-queue)."""
    from jobs.tasks import run_job

    task = run_job if delay is None else run_job.using(run_after=timezone.now() + delay)
    result = task.enqueue(job.pk)
    Job.objects.filter(pk=job.pk).update(task_id=str(result.id)[:64])


def job_execute(job_id: int, *, worker_id: str = "") -> None:
    """Run one attempt of a job (the body of ``jobs.tasks.run_job``). A job that is not queued (already run,
    claimed by another worker, swept) is left alone, so a task delivered twice runs once."""
    now = timezone.now()
    claimed = Job.objects.filter(pk=job_id, status=Job.Status.QUEUED).update(
        status=Job.Status.RUNNING, started_at=now, heartbeat=now, runner=worker_id[:200]
    )
    if not claimed:
        return
    job = Job.objects.get(pk=job_id)
    job.attempts += 1
    Job.objects.filter(pk=job_id).update(attempts=job.attempts)

    def progress(done: int, total: int) -> None:
        Job.objects.filter(pk=job_id).update(done=done, total=total, heartbeat=timezone.now())

    try:
        result = import_string(job.handler)(job, progress)
    except AlreadyDone as done:
        _finish(job, Job.Status.SUCCEEDED, result={**done.result, "repeated": True})
    except ValidationError as exc:
        _finish(job, Job.Status.FAILED, errors=exc.messages)
    except ConflictError:
        _finish(job, Job.Status.FAILED, errors=[CONFLICT_MESSAGE])
    except PermissionDenied as exc:
        _finish(job, Job.Status.FAILED, errors=[str(exc) or "没有权限"])
    except Exception as exc:  # noqa: BLE001 — an unexpected failure must still end (or retry) the job visibly
        log.exception("job %s failed (attempt %s)", job_id, job.attempts)
        if job.retryable and job.attempts < job.max_attempts:
            _retry(job, exc)
            return
        _finish(job, Job.Status.FAILED, errors=[INTERNAL_MESSAGE])
        raise  # the task result records the traceback for the administrator
    else:
        _finish(job, Job.Status.SUCCEEDED, result=result or {})


def retry_delay(attempts: int) -> dt.timedelta:
    """Exponential backoff: JOBS_RETRY_BACKOFF_SECONDS × 2^(attempts−1), at most an hour."""
    seconds = float(settings.JOBS_RETRY_BACKOFF_SECONDS) * 2 ** max(attempts - 1, 0)
    return dt.timedelta(seconds=min(seconds, 3600))


def _note(job: Job, text: str) -> list[dict[str, Any]]:
    return [*job.history, {"at": timezone.now().isoformat(), "attempt": job.attempts, "note": text}][-20:]


def _retry(job: Job, exc: Exception) -> None:
    delay = retry_delay(job.attempts)
    history = _note(
        job, f"第{job.attempts}次处理出错（{type(exc).__name__}），{int(delay.total_seconds())}秒后重试"
    )
    Job.objects.filter(pk=job.pk).update(status=Job.Status.QUEUED, history=history, runner="")
    job_enqueue(job=job, delay=delay)


def _finish(
    job: Job, status: str, *, result: dict[str, Any] | None = None, errors: list[str] | None = None
) -> None:
    fields: dict[str, Any] = {"status": status, "finished_at": timezone.now(), "input": None}
    if result is not None:
        fields["result"] = result
    if errors is not None:
        fields["errors"] = [str(e) for e in errors]
    Job.objects.filter(pk=job.pk).update(**fields)


def _key(job: Job) -> str:
    return job.idempotency_key or f"job:{job.pk}"


def raise_if_done(job: Job) -> None:
    """Raise ``AlreadyDone`` at once when the job's key was written before (before re-reading its input)."""
    earlier = TaskKey.objects.filter(key=_key(job)).first()
    if earlier is not None:
        raise AlreadyDone(earlier.result)


@contextmanager
def write_once(job: Job) -> Iterator[Once]:
    """The job's write, in one transaction with its idempotency key (the job's own key, else ``job:<pk>``):
    raises ``AlreadyDone`` (with the result kept then) when that key was written before, so nothing is
    written twice. Start it only after the file is parsed and checked."""
    key = _key(job)
    once = Once()
    job.history = _note(job, "检查完毕，开始写入")
    Job.objects.filter(pk=job.pk).update(history=job.history, heartbeat=timezone.now())
    try:
        with transaction.atomic():
            earlier = TaskKey.objects.filter(key=key).first()
            if earlier is not None:
                raise AlreadyDone(earlier.result)
            yield once
            TaskKey.objects.create(key=key, job_id=job.pk, result=once.result)
    except IntegrityError:  # another worker wrote the same key meanwhile: this write was rolled back
        earlier = TaskKey.objects.filter(key=key).first()
        if earlier is None:
            raise
        raise AlreadyDone(earlier.result) from None


# --- the sweeper --------------------------------------------------------------------------------------------


def jobs_sweep(*, jobs: list[Job] | None = None) -> int:
    """Find workers that died (no heartbeat for JOBS_WORKER_DEAD_AFTER, or their process on this host gone),
    then their running jobs: re-queued when idempotent (and attempts are left), else marked interrupted; their
    task results are marked failed. Also re-enqueues a queued job that never reached the engine (the process
    ended between commit and enqueue). Returns how many jobs were re-queued or interrupted. With ``jobs``, only
    those (a job's page) are looked at."""
    now = timezone.now()
    beats = {b.worker_id: b for b in WorkerBeat.objects.filter(stopped_at__isnull=True)}
    dead_ids = {w for w, b in beats.items() if workers.beat_is_dead(b, now)}
    if dead_ids:
        WorkerBeat.objects.filter(worker_id__in=dead_ids).update(stopped_at=now)
    stale = now - workers.dead_after()
    running = (
        [j for j in jobs if j.status == Job.Status.RUNNING]
        if jobs is not None
        else list(Job.objects.filter(status=Job.Status.RUNNING))
    )
    lost = [
        j
        for j in running
        if j.runner in dead_ids
        # a worker with no live heartbeat row (stopped, or from before heartbeats) and no recent progress
        or (j.runner not in beats and (j.heartbeat or j.created_at) < stale)
    ]
    count = sum(_job_lost(job) for job in lost)
    _task_results_lost(dead_ids)
    if jobs is None:
        waiting = Job.objects.filter(status=Job.Status.QUEUED, task_id="", created_at__lt=stale)
        for job in waiting.exclude(handler=""):
            job_enqueue(job=job)
        # jobs of the thread runner this engine replaced (no handler): their process is gone
        count += waiting.filter(handler="").update(
            status=Job.Status.INTERRUPTED, finished_at=now, errors=[INTERRUPTED_MESSAGE]
        )
    return count


@transaction.atomic
def _job_lost(job: Job) -> bool:
    requeue = job.idempotent and job.attempts < job.max_attempts
    status = Job.Status.QUEUED if requeue else Job.Status.INTERRUPTED
    note = (
        f"第{job.attempts}次处理被中断（工作进程已结束），已重新排队"
        if requeue
        else f"第{job.attempts}次处理被中断（工作进程已结束）"
    )
    fields: dict[str, Any] = {"status": status, "history": _note(job, note), "runner": ""}
    if not requeue:
        fields.update(finished_at=timezone.now(), errors=[INTERRUPTED_MESSAGE], input=None)
    if not Job.objects.filter(pk=job.pk, status=Job.Status.RUNNING, runner=job.runner).update(**fields):
        return False  # it moved on meanwhile
    audit_record_many(
        actor=None,
        action="state",
        items=[(job, {"status": job.status}, {"status": status})],
        reason=note,
    )
    for name, value in fields.items():
        setattr(job, name, value)
    if requeue:
        transaction.on_commit(lambda: job_enqueue(job=job))
    return True


def _task_results_lost(dead_ids: set[str]) -> None:
    """The database backend's running task results of dead workers: failed, with the reason."""
    if not dead_ids or "django_tasks_db" not in settings.INSTALLED_APPS:
        return
    from django_tasks_db.models import DBTaskResult

    for result in DBTaskResult.objects.running():
        if result.worker_ids and result.worker_ids[-1] in dead_ids:
            result.status = "FAILED"
            result.finished_at = timezone.now()
            result.exception_class_path = "jobs.services.WorkerLost"
            result.traceback = f"worker {result.worker_ids[-1]} stopped sending heartbeats"
            result.save(update_fields=["status", "finished_at", "exception_class_path", "traceback"])
