"""The monthly bulletin (民生工程实施进度简报 / 通报) of a reporting period.

The figures are taken from the confirmed data when the bulletin is generated (``figures``, a JSON snapshot, so
that an issued bulletin keeps saying what it said); the office writes the free-text parts and the document's
particulars (期号 or 文号, 编发单位, date, 主送, 抄送) and issues it. Rendered through documents.render
(bulletins/document.py)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from reporting.models import Period


class Kind(models.TextChoices):
    BRIEFING = "briefing", _("简报")
    CIRCULAR = "circular", _("通报")


class Status(models.TextChoices):
    DRAFT = "draft", _("草稿")
    ISSUED = "issued", _("已印发")


class Bulletin(models.Model):
    period = models.ForeignKey(
        Period, verbose_name=_("报送期"), related_name="bulletins", on_delete=models.PROTECT
    )
    kind = models.CharField(_("文种"), max_length=10, choices=Kind.choices, default=Kind.BRIEFING)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    issue_number = models.CharField(_("期号"), max_length=20, blank=True, help_text=_("如：第6期"))
    doc_number = models.CharField(
        _("发文字号"), max_length=40, blank=True, help_text=_("如：杜民办〔2021〕6号")
    )
    editor = models.CharField(_("编发单位"), max_length=100, blank=True)
    issue_date = models.DateField(_("印发日期"), null=True, blank=True)
    recipients = models.TextField(_("主送"), blank=True)
    opening = models.TextField(_("开头语"), blank=True, help_text=_("印在总体进展的数字之前，可留空"))
    analysis = models.TextField(_("存在问题"), blank=True, help_text=_("印在项目进展之后，可留空"))
    next_steps = models.TextField(_("下步工作"), blank=True, help_text=_("每段一行"))
    cc = models.TextField(_("抄送"), blank=True)
    is_public = models.BooleanField(_("在门户公开"), default=False)
    figures = models.JSONField(_("数据"), default=dict, editable=False)
    generated_at = models.DateTimeField(_("取数时间"), null=True, blank=True)
    issued_at = models.DateTimeField(_("印发时间"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, related_name="+", on_delete=models.SET_NULL
    )
    version = models.PositiveIntegerField(_("版本"), default=1)

    class Meta:
        ordering = ["-period__program__year", "-period__month", "-id"]
        verbose_name = _("进度简报")
        verbose_name_plural = _("进度简报")

    def __str__(self) -> str:
        return f"{self.period}{self.get_kind_display()}"

    @property
    def is_draft(self) -> bool:
        return self.status == Status.DRAFT
