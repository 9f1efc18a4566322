from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db.models import Exists, OuterRef, Q
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.policy import restrict
from core.todo import DANGER, TodoItem
from jobs.models import STALE_AFTER, Job


def job_get(*, user: Any, pk: int) -> Job:
    """The job, swept first (re-queued or marked interrupted) if its worker has died."""
    from jobs.services import jobs_sweep

    job = get_object_or_404(restrict(Job.objects.all(), user), pk=pk)
    if job.status == Job.Status.RUNNING and jobs_sweep(jobs=[job]):
        job.refresh_from_db()
    return job


def job_state(job: Job) -> dict[str, Any]:
    """What the progress page polls."""
    return {
        "id": job.pk,
        "status": "failed" if job.interrupted else job.status,
        "status_label": _("已中断（处理进程已结束），请重新上传")
        if job.interrupted
        else job.get_status_display(),
        "notes": [h.get("note", "") for h in job.history][-5:],
        "done": job.done,
        "total": job.total,
        "percent": job.percent,
        "finished": job.finished or job.interrupted,
        "errors": job.errors,
        "result": job.result,
    }


#: Failed jobs older than this no longer appear on the home page.
FAILED_SHOWN_FOR = dt.timedelta(days=14)


def todo_items(*, user: Any) -> list[TodoItem]:
    """The home page's queue of failed background work (see core.todo): the jobs this user started that failed
    or were interrupted in the last ``FAILED_SHOWN_FOR``, unless a later job of the same kind succeeded. One
    query; no item when nothing failed (it is not a standing queue)."""
    if getattr(user, "pk", None) is None:
        return []
    now = timezone.now()
    stale = now - STALE_AFTER
    unfinished = Q(status__in=(Job.Status.QUEUED, Job.Status.RUNNING))
    broken = Q(status__in=(Job.Status.FAILED, Job.Status.INTERRUPTED)) | (
        unfinished & (Q(heartbeat__lt=stale) | Q(heartbeat__isnull=True, created_at__lt=stale))
    )
    redone = Job.objects.filter(
        created_by=OuterRef("created_by"),
        kind=OuterRef("kind"),
        status=Job.Status.SUCCEEDED,
        created_at__gt=OuterRef("created_at"),
    )
    failed = list(
        restrict(Job.objects.filter(created_by=user, created_at__gte=now - FAILED_SHOWN_FOR), user)
        .filter(broken)
        .exclude(Exists(redone))
        .order_by("-created_at")
        .values_list("pk", flat=True)[:100]
    )
    if not failed:
        return []
    return [
        TodoItem(
            key="jobs.failed",
            place=_("任务进度"),
            label=_("后台任务失败，请查看原因后重新上传"),
            count=len(failed),
            url=reverse("jobs:job_detail", args=[failed[0]]),
            severity=DANGER,
        )
    ]


# --- the scheduled jobs page and the health endpoint ----------------------------------------------------------


def schedule_rows(*, user: Any) -> list[dict[str, Any]]:
    """Every configured or registered scheduled job: its label, schedule, last run (and its job) and next run."""
    from jobs import schedule
    from jobs.models import ScheduledRun

    runs = {r.name: r for r in restrict(ScheduledRun.objects.select_related("last_job"), user)}
    entries = schedule.registered()
    rows = []
    for name in dict.fromkeys([*settings.MINSHENG_SCHEDULE, *entries]):
        spec = schedule.spec_of(name)
        run = runs.get(name)
        job = run.last_job if run else None
        rows.append(
            {
                "name": name,
                "label": entries[name].label if name in entries else str(schedule.PLANNED.get(name, name)),
                "registered": name in entries,
                "schedule": schedule.describe(spec) if name in entries else _("尚未实现"),
                "enabled": schedule.enabled(name),
                "last_run_at": run.last_run_at if run else None,
                "next_run_at": run.next_run_at if run and schedule.enabled(name) else None,
                "job": job,
                "state": job_state(job) if job else None,
            }
        )
    return rows


def worker_rows(*, user: Any) -> list[Any]:
    """The workers and the scheduler running, or stopped in the last hour (newest first), marked alive or not."""
    from jobs.models import WorkerBeat
    from jobs.workers import beat_is_dead

    since = timezone.now() - dt.timedelta(hours=1)
    recent = Q(stopped_at__isnull=True, seen_at__gte=timezone.now() - dt.timedelta(days=1)) | Q(
        stopped_at__gte=since
    )
    beats = list(restrict(WorkerBeat.objects.filter(recent), user)[:50])
    for beat in beats:
        beat.alive = not beat_is_dead(beat)
    return beats


def health_checks() -> dict[str, str]:
    """database / worker / scheduler / disk → "ok" or a failure word."""
    import shutil

    from django.db import DatabaseError, connection

    from jobs.models import WorkerBeat
    from jobs.workers import beat_is_dead

    checks = {"database": "ok", "worker": "stale", "scheduler": "stale", "disk": "ok"}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        beats = list(WorkerBeat.objects.filter(stopped_at__isnull=True))
    except DatabaseError:
        checks.update(database="down", worker="unknown", scheduler="unknown")
        beats = []
    for role in (WorkerBeat.Role.WORKER, WorkerBeat.Role.SCHEDULER):
        if any(b.role == role and not beat_is_dead(b) for b in beats):
            checks[role] = "ok"
    try:
        free = shutil.disk_usage(settings.VAR_DIR).free
        if free < settings.HEALTH_MIN_FREE_MB * 1024 * 1024:
            checks["disk"] = "low"
    except OSError:
        checks["disk"] = "unknown"
    return checks
