from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from core.policy import restrict
from jobs.models import Job


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
