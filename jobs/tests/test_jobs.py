"""Background jobs on the task engine (django-tasks, database backend), run for real by the worker loop: progress,
result and errors in Chinese; retries with backoff; idempotency keys; the sweeper; who sees a job."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from jobs import selectors
from jobs.models import Job, TaskKey, WorkerBeat
from jobs.services import INTERRUPTED_MESSAGE, job_enqueue, job_start, jobs_sweep, retry_delay
from jobs.tests.worker import run_tasks

pytestmark = pytest.mark.django_db


@pytest.fixture
def start(django_capture_on_commit_callbacks: Any, town_shitai: Any) -> Any:
    """job_start as in a request: the job is enqueued when the (test's) transaction commits."""

    def run(handler: str, **fields: Any) -> Job:
        with django_capture_on_commit_callbacks(execute=True):
            job = job_start(
                actor=town_shitai,
                kind="test",
                title="示例任务",
                handler=f"jobs.tests.handlers.{handler}",
                **fields,
            )
        return job

    return run


def _job(user: Any, **fields: Any) -> Job:
    return Job.objects.create(kind="test", title="示例任务", total=10, created_by=user, **fields)


def test_a_job_runs_in_the_worker_with_progress_and_result(start: Any) -> None:
    job = start("count_to_ten")
    assert job.status == Job.Status.QUEUED and DBTaskResult.objects.ready().count() == 1
    run_tasks()
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED and (job.done, job.total) == (10, 10) and job.percent == 100
    assert job.result == {"message": "完成"} and job.runner == "test-worker" and job.attempts == 1
    assert job.started_at and job.finished_at and job.finished_at >= job.started_at
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"


def test_errors_are_recorded_in_chinese(start: Any) -> None:
    sheet, broken = start("sheet_errors"), start("broken")
    run_tasks()
    sheet.refresh_from_db()
    broken.refresh_from_db()
    assert sheet.status == Job.Status.FAILED and sheet.errors == ["第3行：不是数字", "第5行：不能为负数"]
    assert (
        broken.status == Job.Status.FAILED
        and "内部错误" in broken.errors[0]
        and "boom" not in broken.errors[0]
    )
    failed = DBTaskResult.objects.get(status="FAILED")  # the traceback is kept for the administrator
    assert "boom" in failed.traceback


def test_a_retryable_job_fails_twice_and_succeeds_on_the_third_try(start: Any, settings: Any) -> None:
    settings.JOBS_RETRY_BACKOFF_SECONDS = 0
    job = start("flaky", retryable=True)
    run_tasks()
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED and job.attempts == 3 and job.result == {"message": "第3次成功"}
    assert [h["note"][:7] for h in job.history] == ["第1次处理出错", "第2次处理出错"]
    assert DBTaskResult.objects.count() == 3  # one task per attempt


def test_a_retry_waits_with_exponential_backoff(start: Any, settings: Any) -> None:
    settings.JOBS_RETRY_BACKOFF_SECONDS = 60
    assert [retry_delay(n).total_seconds() for n in (1, 2, 3)] == [60, 120, 240]
    job = start("flaky", retryable=True)
    run_tasks()  # the first attempt fails; the retry is not ready for a minute
    job.refresh_from_db()
    assert job.status == Job.Status.QUEUED and job.attempts == 1
    retry = DBTaskResult.objects.get(status="READY")
    assert retry.run_after >= timezone.now() + dt.timedelta(seconds=55)


def test_a_job_not_marked_retryable_fails_at_once(start: Any, settings: Any) -> None:
    settings.JOBS_RETRY_BACKOFF_SECONDS = 0
    job = start("flaky")
    run_tasks()
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED and job.attempts == 1


def test_an_idempotency_key_writes_once(start: Any) -> None:
    job = start("write_marker", idempotency_key="test:once", idempotent=True)
    assert start("write_marker", idempotency_key="test:once").pk == job.pk  # a double click: the same job
    run_tasks()
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED and Job.objects.filter(kind="test.marker").count() == 1
    # the same job delivered again (re-queued after a lost worker), and another job under the same key
    Job.objects.filter(pk=job.pk).update(status=Job.Status.QUEUED)
    job_enqueue(job=job)
    again = Job.objects.create(
        kind="test", title="again", handler="jobs.tests.handlers.write_marker", idempotency_key="test:once"
    )
    job_enqueue(job=again)
    run_tasks()
    assert Job.objects.filter(kind="test.marker").count() == 1 and TaskKey.objects.count() == 1
    for each in (job, again):
        each.refresh_from_db()
        assert each.status == Job.Status.SUCCEEDED and each.result["message"] == "已写入"
    assert again.result["repeated"] is True


def test_the_sweeper_requeues_idempotent_jobs_of_a_dead_worker_and_interrupts_the_others(
    town_shitai: Any, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.JOBS_WORKER_DEAD_AFTER = 2
    now = timezone.now()
    WorkerBeat.objects.create(
        worker_id="dead", process="another-host:1:1", seen_at=now - dt.timedelta(seconds=3)
    )
    WorkerBeat.objects.create(worker_id="alive", process="another-host:2:1", seen_at=now)
    common = {"status": Job.Status.RUNNING, "heartbeat": now, "handler": "jobs.tests.handlers.count_to_ten"}
    redo = _job(town_shitai, runner="dead", idempotent=True, attempts=1, **common)
    lost = _job(town_shitai, runner="dead", attempts=1, **common)
    tired = _job(town_shitai, runner="dead", idempotent=True, attempts=3, **common)  # no attempt left
    fine = _job(town_shitai, runner="alive", idempotent=True, attempts=1, **common)
    old = _job(town_shitai, runner="host:1:1")  # queued by the thread runner this engine replaced
    Job.objects.filter(pk=old.pk).update(created_at=now - dt.timedelta(minutes=5))
    with django_capture_on_commit_callbacks(execute=True):
        assert jobs_sweep() == 4
    status = dict(Job.objects.values_list("pk", "status"))
    assert status[old.pk] == Job.Status.INTERRUPTED
    assert status[redo.pk] == Job.Status.QUEUED and status[fine.pk] == Job.Status.RUNNING
    assert status[lost.pk] == status[tired.pk] == Job.Status.INTERRUPTED
    lost.refresh_from_db()
    assert lost.errors == [INTERRUPTED_MESSAGE] and "中断" in lost.history[-1]["note"]
    assert WorkerBeat.objects.get(worker_id="dead").stopped_at is not None
    assert WorkerBeat.objects.get(worker_id="alive").stopped_at is None
    run_tasks()  # the re-queued job runs again, to the end
    redo.refresh_from_db()
    assert redo.status == Job.Status.SUCCEEDED and redo.attempts == 2


def test_a_job_without_progress_for_long_shows_as_interrupted(town_shitai: Any) -> None:
    job = _job(town_shitai, status=Job.Status.RUNNING, heartbeat=timezone.now() - dt.timedelta(hours=1))
    state = selectors.job_state(selectors.job_get(user=town_shitai, pk=job.pk))
    assert state["finished"] and state["status"] == "failed" and "中断" in state["status_label"]
    job.refresh_from_db()
    assert job.status == Job.Status.INTERRUPTED and "未写入任何数据" in job.errors[0]
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
