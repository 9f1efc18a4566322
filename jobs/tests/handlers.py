"""Job handlers used by the tests (real module-level functions: the worker imports them by their path)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError

from jobs.models import Job
from jobs.services import write_once


def count_to_ten(job: Job, progress: Any) -> dict[str, Any]:
    for n in range(1, 11):
        progress(n, 10)
    return {"message": "完成"}


def sheet_errors(job: Job, progress: Any) -> dict[str, Any]:
    progress(3, 10)
    raise ValidationError(["第3行：不是数字", "第5行：不能为负数"])


def broken(job: Job, progress: Any) -> dict[str, Any]:
    raise RuntimeError("boom")


def flaky(job: Job, progress: Any) -> dict[str, Any]:
    """Fails on its first two attempts (a transient error), succeeds on the third."""
    if job.attempts < 3:
        raise ConnectionError(f"transient failure {job.attempts}")
    return {"message": f"第{job.attempts}次成功"}


def write_marker(job: Job, progress: Any) -> dict[str, Any]:
    """Writes one marker row under the job's idempotency key."""
    with write_once(job) as once:
        Job.objects.create(kind="test.marker", title=f"marker of {job.idempotency_key or job.pk}")
        once.result = {"message": "已写入"}
    return once.result


def nap(job: Job, progress: Any) -> dict[str, Any]:
    """A short job that counts its runs (for several workers sharing the queue)."""
    import time

    time.sleep(0.2)
    Job.objects.create(kind="test.run", title=f"run of {job.pk}")
    return {"message": "完成"}
