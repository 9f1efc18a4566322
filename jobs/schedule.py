"""Scheduled jobs on the same task engine: ``manage.py run_scheduler`` ticks every few seconds; each job named in
settings ``MINSHENG_SCHEDULE`` (``{"at": "HH:MM"}`` daily in TIME_ZONE, or ``{"every_minutes": N}``; ``"enabled":
False`` turns one off) whose time has come is started as a background job (retryable, idempotent, one per due
time), and its last run shows on the 定时任务 page.

A scheduled job's work is a function registered here with ``@scheduled(name, label)`` taking ``(job, progress)``
and returning its result. Another app adds one (e.g. the daily alert digest, configured but not yet registered)
by registering a function from its AppConfig.ready() and naming it in ``MINSHENG_SCHEDULE``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jobs.models import Job, ScheduledRun

Work = Callable[[Job, Callable[[int, int], None]], dict[str, Any]]


@dataclass(frozen=True)
class Scheduled:
    name: str
    label: str
    work: Work


_REGISTRY: dict[str, Scheduled] = {}

#: Scheduled jobs configured before their work is registered (by the issue that adds them): their labels.
PLANNED = {"alert_digest": _("每日预警摘要")}


def scheduled(name: str, label: Any) -> Callable[[Work], Work]:
    def register(fn: Work) -> Work:
        _REGISTRY[name] = Scheduled(name=name, label=str(label), work=fn)
        return fn

    return register


def registered() -> dict[str, Scheduled]:
    return dict(_REGISTRY)


def spec_of(name: str) -> dict[str, Any]:
    return dict(settings.MINSHENG_SCHEDULE.get(name) or {})


def enabled(name: str) -> bool:
    spec = spec_of(name)
    return bool(spec) and spec.get("enabled", True) and name in _REGISTRY


def describe(spec: dict[str, Any]) -> str:
    """The schedule in words (for the page)."""
    if not spec or not spec.get("enabled", True):
        return "已关闭"
    if "every_minutes" in spec:
        return f"每{int(spec['every_minutes'])}分钟"
    return f"每天 {spec.get('at', '00:00')}"


def next_after(spec: dict[str, Any], moment: dt.datetime) -> dt.datetime:
    """The first due time strictly after ``moment``."""
    if "every_minutes" in spec:
        return moment + dt.timedelta(minutes=max(int(spec["every_minutes"]), 1))
    hour, minute = (int(p) for p in str(spec.get("at", "00:00")).split(":"))
    local = timezone.localtime(moment)
    due = local.replace(hour=hour, minute=minute, second=0, microsecond=0)
    if due <= local:
        due = (local + dt.timedelta(days=1)).replace(hour=hour, minute=minute, second=0, microsecond=0)
    return due


def schedule_tick(*, now: dt.datetime | None = None) -> list[Job]:
    """Start every enabled scheduled job that is due (a run missed while the scheduler was down starts once,
    at the next tick). Returns the jobs started."""
    now = now or timezone.now()
    started = []
    for name in settings.MINSHENG_SCHEDULE:
        if not enabled(name):
            continue
        spec = spec_of(name)
        with transaction.atomic():
            run, _ = ScheduledRun.objects.select_for_update().get_or_create(name=name)
            if run.next_run_at is None:
                run.next_run_at = next_after(spec, now)
                run.save(update_fields=["next_run_at"])
                continue
            if run.next_run_at > now:
                continue
            job = scheduled_start(name=name, due=run.next_run_at)
            run.last_run_at, run.last_job = now, job
            run.next_run_at = next_after(spec, now)
            run.save()
            started.append(job)
    return started


def scheduled_start(*, name: str, due: dt.datetime | None = None, actor: Any = None) -> Job:
    """Start a scheduled job now (by the scheduler at its due time, or by an administrator's 立即运行)."""
    from jobs.services import job_start

    entry = _REGISTRY[name]
    key = f"schedule:{name}:{due.isoformat()}" if due is not None else ""
    job = job_start(
        actor=actor,
        kind=f"schedule.{name}"[:50],
        title=f"定时任务：{entry.label}",
        handler="jobs.schedule.run_scheduled",
        params={"name": name},
        idempotency_key=key,
        retryable=True,
        idempotent=True,
    )
    if due is None:  # started by hand: shown as the last run too
        ScheduledRun.objects.update_or_create(
            name=name, defaults={"last_run_at": timezone.now(), "last_job": job}
        )
    return job


def run_scheduled(job: Job, progress: Callable[[int, int], None]) -> dict[str, Any]:
    """The handler of every scheduled job: the registered function of its name."""
    return _REGISTRY[job.params["name"]].work(job, progress)
