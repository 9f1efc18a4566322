"""Monthly (or quarterly) 调度: each implementing unit reports progress and money per project and period;
the lead department reviews, the 民生办 confirms. Values are cumulative for the year."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from catalogue.models import Program, Project
from core import numbers
from funding.models import MONEY, Source
from orgs.models import Organisation
from responsibility.models import VALUE, Indicator


class Schedule(models.Model):
    class Frequency(models.TextChoices):
        MONTHLY = "monthly", _("按月")
        QUARTERLY = "quarterly", _("按季")

    program = models.OneToOneField(
        Program, verbose_name=_("年度计划"), related_name="schedule", on_delete=models.CASCADE
    )
    frequency = models.CharField(
        _("报送频次"), max_length=10, choices=Frequency.choices, default=Frequency.MONTHLY
    )
    deadline_day = models.PositiveSmallIntegerField(_("截止日（次月几日）"), default=5)

    class Meta:
        verbose_name = _("报送安排")
        verbose_name_plural = _("报送安排")

    def __str__(self) -> str:
        return f"{self.program.year} {self.get_frequency_display()}"


class Period(models.Model):
    program = models.ForeignKey(
        Program, verbose_name=_("年度计划"), related_name="periods", on_delete=models.CASCADE
    )
    month = models.PositiveSmallIntegerField(_("截至月份"), help_text=_("季度报送时为季末月份"))
    label = models.CharField(_("名称"), max_length=20)
    deadline = models.DateField(_("报送截止日"))
    is_open = models.BooleanField(_("开放报送"), default=True)
    version = models.PositiveIntegerField(_("版本"), default=1)

    class Meta:
        ordering = ["program", "month"]
        constraints = [
            models.UniqueConstraint(fields=["program", "month"], name="period_program_month_unique")
        ]
        verbose_name = _("报送期")
        verbose_name_plural = _("报送期")

    def __str__(self) -> str:
        return f"{self.program.year}年{self.label}"

    @property
    def display_label(self) -> str:
        """The label in the page's language: the generated month label ("6月") is translated; a label someone
        wrote (e.g. 第二季度) is shown as stored."""
        from core.templatetags.labels import month_label

        return month_label(self.month) if self.label == f"{self.month}月" else self.label


class Status(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已提交")
    DEPT_APPROVED = "dept_approved", _("部门审核通过")
    RETURNED = "returned", _("已退回")
    CONFIRMED = "confirmed", _("民生办已确认")


class Report(models.Model):
    """One project × unit × period: cumulative values, money by source, narrative and attachments."""

    project = models.ForeignKey(
        Project, verbose_name=_("项目"), related_name="reports", on_delete=models.PROTECT
    )
    unit = models.ForeignKey(
        Organisation, verbose_name=_("报送单位"), related_name="reports", on_delete=models.PROTECT
    )
    period = models.ForeignKey(
        Period, verbose_name=_("报送期"), related_name="reports", on_delete=models.PROTECT
    )
    status = models.CharField(
        _("状态"), max_length=15, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    beneficiaries = models.PositiveIntegerField(_("受益人数（累计）"), null=True, blank=True)
    progress = models.TextField(_("工作进展"), blank=True)
    problems = models.TextField(_("存在问题"), blank=True)
    next_steps = models.TextField(_("下步打算"), blank=True)
    explanation = models.TextField(_("情况说明"), blank=True, help_text=_("对系统提示的异常数据作出说明"))
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    version = models.PositiveIntegerField(_("版本"), default=1)

    class Meta:
        ordering = ["period", "project__order", "unit__order"]
        constraints = [models.UniqueConstraint(fields=["project", "unit", "period"], name="report_unique")]
        indexes = [models.Index(fields=["period", "status"]), models.Index(fields=["unit", "period"])]
        verbose_name = _("调度报表")
        verbose_name_plural = _("调度报表")

    def __str__(self) -> str:
        return f"{self.period} {self.project.name} · {self.unit.display_name}"

    @property
    def is_locked(self) -> bool:
        return self.status == Status.CONFIRMED


class ReportValue(models.Model):
    report = models.ForeignKey(Report, related_name="values", on_delete=models.CASCADE)
    indicator = models.ForeignKey(
        Indicator, verbose_name=_("指标"), related_name="report_values", on_delete=models.PROTECT
    )
    value = numbers.DecimalField(_("累计完成"), **VALUE)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["report", "indicator"], name="reportvalue_unique")]

    def __str__(self) -> str:
        return f"{self.indicator.name}: {self.value}"


class ReportFunds(models.Model):
    report = models.ForeignKey(Report, related_name="funds", on_delete=models.CASCADE)
    source = models.CharField(_("资金来源"), max_length=10, choices=Source.choices)
    arrived = numbers.DecimalField(_("累计到位（元）"), **MONEY)
    spent = numbers.DecimalField(_("累计支出（元）"), **MONEY)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["report", "source"], name="reportfunds_unique")]

    def __str__(self) -> str:
        return f"{self.get_source_display()}: {self.arrived}/{self.spent}"


class Transition(models.Model):
    report = models.ForeignKey(Report, related_name="transitions", on_delete=models.CASCADE)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, on_delete=models.SET_NULL
    )
    at = models.DateTimeField(_("时间"), auto_now_add=True)
    from_status = models.CharField(_("原状态"), max_length=15, choices=Status.choices)
    to_status = models.CharField(_("新状态"), max_length=15, choices=Status.choices)
    opinion = models.TextField(_("意见"), blank=True)

    class Meta:
        ordering = ["report", "at", "id"]
        verbose_name = _("流转记录")
        verbose_name_plural = _("流转记录")

    def __str__(self) -> str:
        return f"{self.get_from_status_display()} → {self.get_to_status_display()}"


class Attachment(models.Model):
    report = models.ForeignKey(Report, related_name="attachments", on_delete=models.CASCADE)
    file = models.FileField(_("文件"), upload_to="reports/%Y/%m/")
    original_name = models.CharField(_("原文件名"), max_length=200)
    content_type = models.CharField(
        _("文件类型"), max_length=100, default="application/octet-stream", help_text=_("由文件内容检查得出")
    )
    size = models.PositiveIntegerField(_("大小"))
    is_public = models.BooleanField(_("可公开"), default=False)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("附件")
        verbose_name_plural = _("附件")

    def __str__(self) -> str:
        return self.original_name


class Summary(models.Model):
    """Official (confirmed-only) roll-up of one project in one period, rewritten after confirmations commit.

    ``unit`` null is the project total. Rates are fractions (0.5 = 50 %)."""

    project = models.ForeignKey(Project, related_name="summaries", on_delete=models.CASCADE)
    period = models.ForeignKey(Period, related_name="summaries", on_delete=models.CASCADE)
    unit = models.ForeignKey(
        Organisation, null=True, blank=True, related_name="summaries", on_delete=models.CASCADE
    )
    budget = numbers.DecimalField(**MONEY)
    arrived = numbers.DecimalField(**MONEY)
    spent = numbers.DecimalField(**MONEY)
    completion = numbers.DecimalField(max_digits=9, decimal_places=4, null=True)
    schedule = numbers.DecimalField(max_digits=9, decimal_places=4, null=True)
    reports_expected = models.PositiveIntegerField(default=0)
    reports_confirmed = models.PositiveIntegerField(default=0)
    # confirmed reports of the row submitted by the period's deadline (local day, rollup.deadline_cutoff)
    reports_on_time = models.PositiveIntegerField(default=0)
    refreshed_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["project", "period", "unit"], name="summary_unit_unique"),
            models.UniqueConstraint(
                fields=["project", "period"],
                condition=models.Q(unit__isnull=True),
                name="summary_total_unique",
            ),
        ]
        indexes = [models.Index(fields=["period", "unit"])]

    def __str__(self) -> str:
        return f"{self.project_id}/{self.period_id}/{self.unit_id or '合计'}"


class SummaryFunds(models.Model):
    """The money of one summary row by funding source (confirmed only, as its summary): budget (original +
    adjustments of the row's lines), arrived and spent as reported. Rewritten with its summary."""

    summary = models.ForeignKey(Summary, related_name="funds", on_delete=models.CASCADE)
    source = models.CharField(max_length=20, choices=Source.choices)
    budget = numbers.DecimalField(**MONEY)
    arrived = numbers.DecimalField(**MONEY)
    spent = numbers.DecimalField(**MONEY)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["summary", "source"], name="summary_funds_unique")]

    def __str__(self) -> str:
        return f"{self.summary_id}/{self.source}"
