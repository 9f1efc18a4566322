"""Background jobs: long imports (and other long work) run outside the request, with progress users can watch.

No task runner: the job runs in a thread of the web process that accepted it, started after the request's
transaction commits; its progress is written to this table, so any process can show it."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

#: A running job with no progress for this long is shown as interrupted (its process ended).
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
        _("运行进程"), max_length=200, blank=True, help_text=_("主机:进程号:进程启动时刻；进程不在了即为中断")
    )

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
        """Marked interrupted (its runner process is gone, see jobs.runner), or — for a runner this host cannot
        check — unfinished with no progress for STALE_AFTER."""
        if self.status == self.Status.INTERRUPTED:
            return True
        return not self.finished and (self.heartbeat or self.created_at) < timezone.now() - STALE_AFTER
