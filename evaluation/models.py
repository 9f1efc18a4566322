"""Performance management (绩效): the 绩效目标申报表 of each project and year, the in-year 双监控 sheets and the
year-end 单位自评表. The indicator grid itself is ``responsibility.Indicator`` (one source of truth); these
models hold only what the indicators do not: goal texts, forecasts, reasons, weights and the review workflow."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from catalogue.models import Project
from core import numbers


class Status(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已提交，待民生办审核")
    APPROVED = "approved", _("已审核通过")
    RETURNED = "returned", _("已退回")


EDITABLE = (Status.DRAFT, Status.RETURNED)


class Reviewed(models.Model):
    """The workflow both the 申报表 and the 自评表 follow: the lead department drafts and submits, 民生办
    approves or returns with a reason."""

    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    return_reason = models.TextField(_("退回原因"), blank=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        null=True,
        blank=True,
        related_name="+",
        on_delete=models.SET_NULL,
    )
    version = models.PositiveIntegerField(_("版本"), default=1)

    class Meta:
        abstract = True

    @property
    def editable(self) -> bool:
        return self.status in EDITABLE


class PerformanceTarget(Reviewed):
    """绩效目标申报表 of one project (a project belongs to one year's program)."""

    project = models.OneToOneField(
        Project, verbose_name=_("项目"), related_name="performance_target", on_delete=models.CASCADE
    )
    overall_goal = models.TextField(_("总体目标"), blank=True)
    annual_goal = models.TextField(_("年度目标"), blank=True)
    contact = models.CharField(_("联系人"), max_length=50, blank=True)
    phone = models.CharField(_("联系电话"), max_length=30, blank=True)

    class Meta:
        ordering = ["project__program", "project__order"]
        verbose_name = _("绩效目标申报表")
        verbose_name_plural = _("绩效目标申报表")

    def __str__(self) -> str:
        return f"{self.project.program.year}年{self.project.name}绩效目标申报表"


class DeviationReason(models.TextChoices):
    FUNDS = "funds", _("经费保障")
    RULES = "rules", _("制度保障")
    STAFF = "staff", _("人员保障")
    HARDWARE = "hardware", _("硬件条件保障")
    OTHER = "other", _("其他")


class Likelihood(models.TextChoices):
    CERTAIN = "certain", _("确定能")
    POSSIBLE = "possible", _("有可能")
    IMPOSSIBLE = "impossible", _("完全不可能")


class MonitoringSheet(models.Model):
    """双监控 of one project up to a month: what the lead department adds to the confirmed figures (the figures
    themselves are read from the reports and funding lines, never stored here)."""

    project = models.ForeignKey(
        Project, verbose_name=_("项目"), related_name="monitoring_sheets", on_delete=models.CASCADE
    )
    month = models.PositiveSmallIntegerField(
        _("监控截至月份"), default=7, validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    forecast_spent = numbers.DecimalField(_("全年预计支出（元）"), null=True, blank=True, **numbers.MONEY)
    forecasts = models.JSONField(
        _("指标全年预计完成值"), default=dict, blank=True, help_text=_("按指标编号记录的预计值")
    )
    deviation_reason = models.CharField(
        _("偏差原因"), max_length=10, choices=DeviationReason.choices, blank=True
    )
    deviation_note = models.TextField(_("偏差原因说明"), blank=True)
    likelihood = models.CharField(_("完成目标可能性"), max_length=10, choices=Likelihood.choices, blank=True)
    measures = models.TextField(_("纠偏措施"), blank=True)
    version = models.PositiveIntegerField(_("版本"), default=1)

    class Meta:
        ordering = ["project__program", "project__order", "month"]
        constraints = [
            models.UniqueConstraint(fields=["project", "month"], name="monitoring_project_month_unique")
        ]
        verbose_name = _("绩效运行监控表")
        verbose_name_plural = _("绩效运行监控表")

    def __str__(self) -> str:
        return f"{self.project.program.year}年{self.project.name}1—{self.month}月绩效监控"


DEFAULT_WEIGHTS = {
    "budget": Decimal(10),
    "output": Decimal(50),
    "benefit": Decimal(30),
    "satisfaction": Decimal(10),
}


class SelfEvaluation(Reviewed):
    """单位自评表 of one project: the weights (editable within the rules), per-indicator notes (not applicable,
    未完成原因, the judgement of a qualitative indicator), the 满意度 value entered with its source, the
    department's opinion; the score is computed from the data (evaluation.scoring)."""

    project = models.OneToOneField(
        Project, verbose_name=_("项目"), related_name="self_evaluation", on_delete=models.CASCADE
    )
    weight_budget = numbers.DecimalField(_("预算执行率分值"), max_digits=5, decimal_places=2, default=10)
    weight_output = numbers.DecimalField(_("产出指标分值"), max_digits=5, decimal_places=2, default=50)
    weight_benefit = numbers.DecimalField(_("效益指标分值"), max_digits=5, decimal_places=2, default=30)
    weight_satisfaction = numbers.DecimalField(
        _("满意度指标分值"), max_digits=5, decimal_places=2, default=10
    )
    notes = models.JSONField(
        _("指标说明"),
        default=dict,
        blank=True,
        help_text=_("按指标编号（预算执行率为 budget）：不适用、未完成原因、定性指标完成情况"),
    )
    satisfaction_value = numbers.DecimalField(
        _("满意度调查结果"), max_digits=7, decimal_places=2, null=True, blank=True
    )
    satisfaction_source = models.CharField(_("满意度数据来源"), max_length=200, blank=True)
    department_opinion = models.TextField(_("部门评价意见"), blank=True)
    office_opinion = models.TextField(_("民生办复核意见"), blank=True)
    score = numbers.DecimalField(_("自评得分"), max_digits=6, decimal_places=2, null=True, blank=True)
    grade = models.CharField(_("评价等级"), max_length=2, blank=True)

    class Meta:
        ordering = ["project__program", "project__order"]
        verbose_name = _("单位自评表")
        verbose_name_plural = _("单位自评表")

    def __str__(self) -> str:
        return f"{self.project.program.year}年{self.project.name}绩效自评表"

    @property
    def weights(self) -> dict[str, Decimal]:
        return {
            "budget": Decimal(self.weight_budget),
            "output": Decimal(self.weight_output),
            "benefit": Decimal(self.weight_benefit),
            "satisfaction": Decimal(self.weight_satisfaction),
        }
