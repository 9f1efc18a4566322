from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Exists, OuterRef, Q
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.policy import restrict
from core.todo import DANGER, TodoItem
from jobs.models import STALE_AFTER, Job


def job_get(*, user: Any, pk: int) -> Job:
    """The job, marked interrupted first if its runner process is gone."""
    from jobs.services import jobs_interrupt_dead

    job = get_object_or_404(restrict(Job.objects.all(), user), pk=pk)
    jobs_interrupt_dead(jobs=[job])
    return job


def job_state(job: Job) -> dict[str, Any]:
    """What the progress page polls."""
    return {
        "id": job.pk,
        "status": "failed" if job.interrupted else job.status,
        "status_label": _("已中断（服务曾重启），请重新上传")
        if job.interrupted
        else job.get_status_display(),
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
