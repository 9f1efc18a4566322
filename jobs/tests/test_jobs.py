"""Background jobs: the runner records progress, the result or the errors; stale jobs show as interrupted; a job
is seen by whoever started it and by 民生办 only."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from jobs import selectors
from jobs.models import Job
from jobs.services import job_run

pytestmark = pytest.mark.django_db


def _job(user: Any, **fields: Any) -> Job:
    return Job.objects.create(kind="test", title="示例任务", total=10, created_by=user, **fields)


def test_runner_records_progress_and_result(town_shitai: Any) -> None:
    job = _job(town_shitai)
    seen = []

    def work(progress: Any) -> dict[str, Any]:
        for n in range(1, 11):
            progress(n, 10)
            seen.append(Job.objects.get(pk=job.pk).done)
        return {"message": "完成"}

    job_run(job.pk, work)
    job.refresh_from_db()
    assert seen == list(range(1, 11))
    assert job.status == Job.Status.SUCCEEDED and job.percent == 100 and job.result == {"message": "完成"}
    assert job.started_at and job.finished_at and job.finished_at >= job.started_at


def test_runner_records_errors_in_chinese(town_shitai: Any) -> None:
    job = _job(town_shitai)

    def bad(progress: Any) -> dict[str, Any]:
        progress(3, 10)
        raise ValidationError(["第3行：不是数字", "第5行：不能为负数"])

    job_run(job.pk, bad)
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED and job.errors == ["第3行：不是数字", "第5行：不能为负数"]

    def broken(progress: Any) -> dict[str, Any]:
        raise RuntimeError("boom")

    other = _job(town_shitai)
    job_run(other.pk, broken)
    other.refresh_from_db()
    assert (
        other.status == Job.Status.FAILED and "内部错误" in other.errors[0] and "boom" not in other.errors[0]
    )


def test_a_job_without_progress_for_long_shows_as_interrupted(town_shitai: Any) -> None:
    job = _job(town_shitai, status=Job.Status.RUNNING, heartbeat=timezone.now() - dt.timedelta(hours=1))
    state = selectors.job_state(selectors.job_get(user=town_shitai, pk=job.pk))
    assert state["finished"] and state["status"] == "failed" and "中断" in state["status_label"]
    fresh = _job(town_shitai, status=Job.Status.RUNNING, heartbeat=timezone.now())
    assert not selectors.job_state(selectors.job_get(user=town_shitai, pk=fresh.pk))["finished"]


@pytest.mark.parametrize(
    ("who", "status"),
    [("town_shitai", 200), ("office", 200), ("town_duanyuan", 404), ("dept_health", 404), ("anon", 302)],
)
def test_who_sees_a_job(client_for: Any, town_shitai: Any, who: str, status: int) -> None:
    job = _job(town_shitai)
    response = client_for(who).get(reverse("jobs:job_detail", args=[job.pk]))
    assert response.status_code == status
    if status == 200:
        assert (
            "示例任务" in response.content.decode() and 'hx-trigger="every 1s"' in response.content.decode()
        )


def _dead_runner() -> str:
    """The runner string of a process that has ended."""
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    code = "from jobs.runner import current; print(current())"
    return subprocess.run(
        [sys.executable, "-c", code], cwd=root, capture_output=True, text=True, check=True
    ).stdout.strip()


def test_a_running_job_of_an_ended_process_is_interrupted_when_its_page_is_read(town_shitai: Any) -> None:
    job = _job(town_shitai, status=Job.Status.RUNNING, heartbeat=timezone.now(), runner=_dead_runner())
    state = selectors.job_state(selectors.job_get(user=town_shitai, pk=job.pk))
    assert state["finished"] and "中断" in state["status_label"]
    job.refresh_from_db()
    assert job.status == Job.Status.INTERRUPTED and job.finished_at and "未写入任何数据" in job.errors[0]


def test_start_up_marks_every_job_of_an_ended_process(town_shitai: Any) -> None:
    import os

    from django.core.management import call_command

    from jobs import runner
    from jobs.services import job_start

    dead = _dead_runner()
    queued, running = (
        _job(town_shitai, runner=dead),
        _job(town_shitai, status=Job.Status.RUNNING, runner=dead),
    )
    host, pid, started = runner.current().rsplit(":", 2)
    reused_pid = _job(town_shitai, status=Job.Status.RUNNING, runner=f"{host}:{pid}:{int(started) + 1}")
    alive = job_start(actor=town_shitai, kind="test", title="示例任务", total=1, work=lambda progress: {})
    assert alive.runner == runner.current() and f":{os.getpid()}:" in alive.runner
    elsewhere = _job(
        town_shitai, status=Job.Status.RUNNING, runner="another-host:1:1", heartbeat=timezone.now()
    )
    call_command("jobs_interrupt_dead", stdout=open(os.devnull, "w"))
    statuses = dict(Job.objects.values_list("pk", "status"))
    assert [statuses[j.pk] for j in (queued, running, reused_pid)] == [Job.Status.INTERRUPTED] * 3
    assert statuses[alive.pk] == Job.Status.QUEUED and statuses[elsewhere.pk] == Job.Status.RUNNING
