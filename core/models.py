"""Audit trail: one row for every change, written by the service that makes it."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class AuditEvent(models.Model):
    class Action(models.TextChoices):
        CREATE = "create", pgettext_lazy("audit action", "新建")
        UPDATE = "update", pgettext_lazy("audit action", "修改")
        DELETE = "delete", pgettext_lazy("audit action", "删除")
        STATE = "state", pgettext_lazy("audit action", "状态变更")

    at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, blank=True, on_delete=models.SET_NULL
    )
    actor_label = models.CharField(_("操作人名称"), max_length=150, blank=True)
    action = models.CharField(_("操作"), max_length=10, choices=Action.choices)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, verbose_name=_("对象类型"))
    object_id = models.CharField(_("对象ID"), max_length=64, db_index=True)
    object_repr = models.CharField(_("对象"), max_length=300)
    before = models.JSONField(_("修改前"), null=True, blank=True)
    after = models.JSONField(_("修改后"), null=True, blank=True)
    reason = models.TextField(_("原因"), blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id"])]
        verbose_name = _("审计记录")
        verbose_name_plural = _("审计记录")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.get_action_display()} {self.object_repr}"

    def changed_fields(self) -> list[tuple[str, str, str]]:
        """(field label, before, after) for each field that differs, as a user reads them (core/changes.py)."""
        from core.changes import event_changes

        return event_changes(self)


class SampleRecord(models.Model):
    """One row created by the demo (示例数据, ``make demo``): ``core.sample`` records every row saved while the
    demo runs, so ``demo_clear`` removes exactly those rows and nothing else."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, verbose_name=_("对象类型"))
    object_id = models.CharField(_("对象ID"), max_length=64)

    class Meta:
        indexes = [models.Index(fields=["content_type", "object_id"])]
        verbose_name = _("示例数据记录")
        verbose_name_plural = _("示例数据记录")

    def __str__(self) -> str:
        return f"{self.content_type_id}:{self.object_id}"
