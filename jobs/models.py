"""Background jobs: long work (large imports, summary rebuilds, reminders, scheduled maintenance) runs as tasks of
Django's Tasks API (the django-tasks backport; its database backend by default, see settings ``TASKS``) in a
worker process (``manage.py run_worker``), with progress users can watch on the job's page.

A ``Job`` is what the user sees (progress, result, errors in Chinese); the task engine only carries its id (one
task, ``jobs.tasks.run_job``). ``WorkerBeat`` is each worker's and the scheduler's heartbeat, ``TaskKey`` the
idempotency keys of work already written, ``ScheduledRun`` the last run of each scheduled job."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

#: A running job with no progress for this long is shown as interrupted even if no sweeper has seen it yet.
STALE_AFTER = dt.timedelta(minutes=15)


class Job(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("处理中")
        SUCCEEDED = "succeeded", _("已完成")
        FAILED = "failed", _("失败")
        INTERRUPTED = "interrupted", _("已中断")

    kind = models.CharField(_("类型"), max_length=50)
    title = models.CharField(_("名称"), max_length=200)
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.QUEUED)
    done = models.PositiveIntegerField(_("已处理"), default=0)
    total = models.PositiveIntegerField(_("总数"), default=0)
    result = models.JSONField(_("结果"), default=dict, blank=True)
    errors = models.JSONField(_("错误"), default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("发起人"), null=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(_("发起时间"), auto_now_add=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    heartbeat = models.DateTimeField(_("最近进展"), null=True, blank=True)
    return_url = models.CharField(_("返回页面"), max_length=300, blank=True)
    runner = models.CharField(
        _("运行进程"), max_length=200, blank=True, help_text=_("处理该任务的工作进程编号")
    )
    # what to run: a function ``handler(job, progress) -> dict`` with its JSON parameters and, for an upload,
    # the file's bytes (cleared once the job has finished)
    handler = models.CharField(_("处理函数"), max_length=200, blank=True)
    params = models.JSONField(_("参数"), default=dict, blank=True)
    input = models.BinaryField(_("上传文件"), null=True, blank=True, editable=False)
    idempotency_key = models.CharField(_("幂等键"), max_length=200, blank=True, db_index=True)
    retryable = models.BooleanField(_("失败后自动重试"), default=False)
    idempotent = models.BooleanField(_("中断后可重新排队"), default=False)
    attempts = models.PositiveSmallIntegerField(_("已尝试次数"), default=0)
    max_attempts = models.PositiveSmallIntegerField(_("最多尝试次数"), default=3)
    # a file the job made (a large export): kept through the storage API, downloaded through the policy
    output = models.FileField(_("结果文件"), upload_to="jobs/", blank=True, max_length=300)
    task_id = models.CharField(_("任务队列编号"), max_length=64, blank=True)
    history = models.JSONField(_("处理记录"), default=list, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("后台任务")
        verbose_name_plural = _("后台任务")

    def __str__(self) -> str:
        return self.title

    @property
    def percent(self) -> int:
        if self.status == self.Status.SUCCEEDED:
            return 100
        return int(self.done * 100 / self.total) if self.total else 0

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.SUCCEEDED, self.Status.FAILED, self.Status.INTERRUPTED)

    @property
    def interrupted(self) -> bool:
        """Marked interrupted (its worker died, see jobs.engine.jobs_sweep), or unfinished with no progress for
        STALE_AFTER (no sweeper running)."""
        if self.status == self.Status.INTERRUPTED:
            return True
        return not self.finished and (self.heartbeat or self.created_at) < timezone.now() - STALE_AFTER


class WorkerBeat(models.Model):
    """A worker's (or the scheduler's) heartbeat: written every JOBS_HEARTBEAT_SECONDS while it lives."""

    class Role(models.TextChoices):
        WORKER = "worker", _("工作进程")
        SCHEDULER = "scheduler", _("定时调度")

    worker_id = models.CharField(_("编号"), max_length=64, primary_key=True)
    role = models.CharField(_("角色"), max_length=10, choices=Role.choices, default=Role.WORKER)
    process = models.CharField(_("进程"), max_length=200, help_text=_("主机:进程号:进程启动时刻"))
    started_at = models.DateTimeField(_("启动时间"), default=timezone.now)
    seen_at = models.DateTimeField(_("最近心跳"), default=timezone.now)
    stopped_at = models.DateTimeField(_("停止时间"), null=True, blank=True)

    class Meta:
        ordering = ["-seen_at"]
        verbose_name = _("工作进程心跳")
        verbose_name_plural = _("工作进程心跳")

    def __str__(self) -> str:
        return self.worker_id


class TaskKey(models.Model):
    """Work already written under an idempotency key (created in the write's own transaction)."""

    key = models.CharField(_("幂等键"), max_length=200, unique=True)
    job = models.ForeignKey(Job, verbose_name=_("后台任务"), null=True, on_delete=models.SET_NULL)
    result = models.JSONField(_("结果"), default=dict, blank=True)
    created_at = models.DateTimeField(_("写入时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("已写入的任务")
        verbose_name_plural = _("已写入的任务")

    def __str__(self) -> str:
        return self.key


class ScheduledRun(models.Model):
    """The last run of one scheduled job (see jobs.schedule): when, with which job, and how it ended."""

    name = models.CharField(_("名称"), max_length=50, primary_key=True)
    last_run_at = models.DateTimeField(_("上次运行"), null=True, blank=True)
    next_run_at = models.DateTimeField(_("下次运行"), null=True, blank=True)
    last_job = models.ForeignKey(Job, verbose_name=_("上次任务"), null=True, on_delete=models.SET_NULL)

    class Meta:
        ordering = ["name"]
        verbose_name = _("定时任务")
        verbose_name_plural = _("定时任务")

    def __str__(self) -> str:
        return self.name
