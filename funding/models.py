"""Money: the funding plan of each project by source (original budget and dated adjustments, never
overwritten) and the district's fiscal capacity per year (财力匹配). Amounts are Decimal 元, shown in 万元."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from catalogue.models import Project
from core import numbers
from orgs.models import Organisation

MONEY = numbers.MONEY


class Source(models.TextChoices):
    CENTRAL = "central", _("中央")
    PROVINCE = "province", _("省")
    CITY = "city", _("市")
    DISTRICT = "district", _("区")
    TOWN = "town", _("镇街")
    SOCIAL = "social", _("社会资本/其他")


class FundingLine(models.Model):
    """Planned money for a project (optionally for one implementing unit) from one source."""

    project = models.ForeignKey(
        Project, verbose_name=_("项目"), related_name="funding_lines", on_delete=models.CASCADE
    )
    unit = models.ForeignKey(
        Organisation,
        verbose_name=_("单位"),
        null=True,
        blank=True,
        related_name="funding_lines",
        on_delete=models.PROTECT,
        help_text=_("留空表示项目整体"),
    )
    source = models.CharField(_("资金来源"), max_length=10, choices=Source.choices)
    original = numbers.DecimalField(
        _("年初预算（元）"), validators=[MinValueValidator(Decimal("0"))], **MONEY
    )
    version = models.PositiveIntegerField(_("版本"), default=1)

    class Meta:
        ordering = ["project", "unit", "source"]
        constraints = [
            models.UniqueConstraint(fields=["project", "unit", "source"], name="fundingline_unique"),
            models.UniqueConstraint(
                fields=["project", "source"],
                condition=models.Q(unit__isnull=True),
                name="fundingline_project_unique",
            ),
        ]
        verbose_name = _("资金计划")
        verbose_name_plural = _("资金计划")

    def __str__(self) -> str:
        unit = self.unit.display_name if self.unit_id else "项目整体"
        return f"{self.project.name} · {unit} · {self.get_source_display()}"


class FundingAdjustment(models.Model):
    """A dated change of a funding line: kept beside the original, never written over it."""

    line = models.ForeignKey(
        FundingLine, verbose_name=_("资金计划"), related_name="adjustments", on_delete=models.CASCADE
    )
    date = models.DateField(_("调整日期"))
    delta = numbers.DecimalField(_("调整额（元）"), help_text=_("增加为正，减少为负"), **MONEY)
    reason = models.TextField(_("调整原因"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("经办人"), null=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(_("录入时间"), auto_now_add=True)

    class Meta:
        ordering = ["line", "date", "id"]
        verbose_name = _("预算调整")
        verbose_name_plural = _("预算调整")

    def __str__(self) -> str:
        return f"{self.line} {self.date} {self.delta:+}"


class FiscalYear(models.Model):
    """The district's means in a year, to check that livelihood spending matches them (财力匹配)."""

    year = models.PositiveIntegerField(_("年度"))
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("地区"), related_name="fiscal_years", on_delete=models.PROTECT
    )
    budget_revenue = numbers.DecimalField(_("一般公共预算收入（元）"), **MONEY)
    budget_expenditure = numbers.DecimalField(_("一般公共预算支出（元）"), **MONEY)
    own_commitment = numbers.DecimalField(
        _("区级民生投入承诺（元）"),
        null=True,
        blank=True,
        help_text=_("留空则按资金计划中的区级资金合计"),
        **MONEY,
    )
    warn_share = numbers.DecimalField(
        _("提示阈值（区级民生资金占支出比例）"),
        max_digits=5,
        decimal_places=4,
        default=Decimal("0.1000"),
        help_text=_("默认10%，可按本地财力修改"),
    )
    alarm_share = numbers.DecimalField(
        _("警示阈值（区级民生资金占支出比例）"),
        max_digits=5,
        decimal_places=4,
        default=Decimal("0.1500"),
        help_text=_("默认15%，可按本地财力修改"),
    )
    is_sample = models.BooleanField(_("示例数据"), default=False)
    note = models.TextField(_("说明"), blank=True)
    version = models.PositiveIntegerField(_("版本"), default=1)

    class Meta:
        ordering = ["-year"]
        constraints = [models.UniqueConstraint(fields=["year", "organisation"], name="fiscalyear_unique")]
        verbose_name = _("年度财力")
        verbose_name_plural = _("年度财力")

    def __str__(self) -> str:
        return f"{self.organisation} {self.year}年财力"
