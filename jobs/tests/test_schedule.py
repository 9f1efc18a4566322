"""Scheduled jobs on a frozen clock (time-machine): due jobs start once as background jobs, run by the worker
loop; the nightly jobs; the 定时任务 page (系统管理员 only) and the health endpoint (no login, status words)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from jobs import schedule
from jobs.models import Job, ScheduledRun, WorkerBeat
from jobs.tests.worker import run_tasks

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


def _at(hour: int, minute: int, second: int = 0) -> dt.datetime:
    return dt.datetime(2026, 12, 1, hour, minute, second, tzinfo=SHANGHAI)


def _only(settings: Any, **entries: dict[str, Any]) -> None:
    settings.MINSHENG_SCHEDULE = entries


def test_scheduled_reminders_fire_on_a_frozen_clock(
    month: dict[str, Any], town_shitai: Any, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    _only(settings, reminders={"at": "08:00"})
    town_shitai.email = "shitai@example.invalid"
    town_shitai.save()
    with time_machine.travel(_at(7, 59), tick=False):
        assert schedule.schedule_tick() == []  # the first tick only plans the next run
        assert ScheduledRun.objects.get(name="reminders").next_run_at == _at(8, 0)
    with time_machine.travel(_at(7, 59, 59), tick=False):
        assert schedule.schedule_tick() == []
    with time_machine.travel(_at(8, 0, 3), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            started = schedule.schedule_tick()
            assert schedule.schedule_tick() == []  # once per due time
        assert [j.kind for j in started] == ["schedule.reminders"] and not mail.outbox
        run_tasks()
    job = Job.objects.get(kind="schedule.reminders")
    assert job.status == Job.Status.SUCCEEDED and "提醒" in job.result["message"]
    assert any(m.to == ["shitai@example.invalid"] and "未提交" in m.body for m in mail.outbox)
    run = ScheduledRun.objects.get(name="reminders")
    assert run.last_job == job and run.next_run_at == _at(8, 0) + dt.timedelta(days=1)


def test_a_run_missed_while_the_scheduler_was_down_starts_once(settings: Any) -> None:
    _only(settings, cleanup={"every_minutes": 60})
    with time_machine.travel(_at(1, 0), tick=False):
        schedule.schedule_tick()
    with time_machine.travel(_at(9, 30), tick=False):  # eight runs missed: one catch-up run
        assert len(schedule.schedule_tick()) == 1
        assert ScheduledRun.objects.get(name="cleanup").next_run_at == _at(10, 30)


def test_a_disabled_or_unregistered_scheduled_job_never_starts(settings: Any) -> None:
    _only(settings, reminders={"at": "08:00", "enabled": False}, unplanned={"at": "07:30"})
    for moment in (_at(0, 0), _at(23, 59)):
        with time_machine.travel(moment, tick=False):
            assert schedule.schedule_tick() == []
    assert not Job.objects.exists()
    assert schedule.describe({"every_minutes": 15}) == "每15分钟" and schedule.describe({}) == "已关闭"


def test_the_nightly_jobs_run_and_report(
    month: dict[str, Any], settings: Any, tmp_path: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.VAR_DIR, settings.MEDIA_ROOT = tmp_path, tmp_path / "media"
    with django_capture_on_commit_callbacks(execute=True):
        jobs = [schedule.scheduled_start(name=n) for n in ("summaries", "integrity", "cleanup", "backup")]
    run_tasks()
    messages = []
    for job in jobs:
        job.refresh_from_db()
        assert job.status == Job.Status.SUCCEEDED, (job.kind, job.errors)
        messages.append(job.result["message"])
    assert messages[0].startswith("已重算") and messages[1].startswith("数据完整性检查通过")
    assert "过期会话" in messages[2] and messages[3].startswith("已备份")
    assert list((tmp_path / "backups").glob("minsheng-*.tar.gz"))


@pytest.mark.django_db(transaction=True)  # the command closes stale connections, as a long-lived process must
def test_the_scheduler_command_sweeps_ticks_and_beats(world_reloaded: None, settings: Any) -> None:
    _only(settings, cleanup={"every_minutes": 5})
    call_command("run_scheduler", once=True, stdout=open("/dev/null", "w"))
    beat = WorkerBeat.objects.get(role="scheduler")
    assert beat.stopped_at is not None  # stopped cleanly after its one tick
    assert ScheduledRun.objects.get(name="cleanup").next_run_at > timezone.now()


@pytest.mark.parametrize(
    ("who", "status"), [("admin", 200), ("office", 403), ("town_shitai", 403), ("anon", 302)]
)
def test_the_schedule_page_is_for_the_administrator(client_for: Any, who: str, status: int) -> None:
    response = client_for(who).get(reverse("jobs:schedule"))
    assert response.status_code == status
    if status == 200:
        page = response.content.decode()
        assert (
            "截止前提醒" in page and "夜间重算汇总" in page and "每天 08:00" in page and "每天 07:30" in page
        )  # alert_digest: registered by alerts
        assert "每日预警摘要" in page and "<td>alert_digest" not in page
        assert "立即运行" in page and "没有正在运行的工作进程" in page


def test_the_administrator_runs_a_scheduled_job_now(
    client_for: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client = client_for("admin")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("jobs:schedule_run", args=["integrity"]))
    job = Job.objects.get(kind="schedule.integrity")
    assert response.status_code == 302 and response.url == reverse("jobs:job_detail", args=[job.pk])
    run_tasks()
    assert ScheduledRun.objects.get(name="integrity").last_job == job
    page = client.get(reverse("jobs:schedule")).content.decode()
    assert "数据完整性检查通过" in page and "运行中" in page  # the (test) worker's heartbeat is fresh
    assert client_for("office").post(reverse("jobs:schedule_run", args=["integrity"])).status_code == 403


def test_health_says_ok_only_with_a_fresh_worker_and_scheduler(client_for: Any, settings: Any) -> None:
    anon = client_for("anon")
    response = anon.get("/health/")
    assert response.status_code == 503
    assert json.loads(response.content) == {
        "status": "fail",
        "database": "ok",
        "worker": "stale",
        "scheduler": "stale",
        "disk": "ok",
    }
    now = timezone.now()
    WorkerBeat.objects.create(worker_id="w", role="worker", process="another-host:1:1", seen_at=now)
    WorkerBeat.objects.create(worker_id="s", role="scheduler", process="another-host:2:1", seen_at=now)
    response = anon.get("/health/")
    assert response.status_code == 200 and json.loads(response.content)["status"] == "ok"
    settings.JOBS_WORKER_DEAD_AFTER = 30
    WorkerBeat.objects.filter(worker_id="w").update(seen_at=now - dt.timedelta(seconds=31))
    assert anon.get("/health/").status_code == 503
    WorkerBeat.objects.filter(worker_id="w").update(seen_at=now)
    settings.HEALTH_MIN_FREE_MB = 10**12
    response = anon.get("/health/")
    assert response.status_code == 503 and json.loads(response.content)["disk"] == "low"
