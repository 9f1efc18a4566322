"""Who answers for what: indicators and targets of each project, split by unit, and the signed
目标责任状 (target responsibility letter) of each unit and year."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from catalogue.models import Program, Project
from core import numbers
from orgs.models import Organisation

VALUE = numbers.QUANTITY


class Category(models.TextChoices):
    QUANTITY = "quantity", _("产出·数量")
    QUALITY = "quality", _("产出·质量")
    TIMELINESS = "timeliness", _("产出·时效")
    COST = "cost", _("产出·成本")
    ECONOMIC = "economic", _("效益·经济")
    SOCIAL = "social", _("效益·社会")
    ECOLOGICAL = "ecological", _("效益·生态")
    SUSTAINABLE = "sustainable", _("效益·可持续")
    SATISFACTION = "satisfaction", _("满意度")


#: 一级 and 二级 of each category in the indicator framework (产出 / 效益 / 满意度).
LEVELS: dict[str, tuple[Any, Any]] = {
    Category.QUANTITY: (_("产出指标"), _("数量指标")),
    Category.QUALITY: (_("产出指标"), _("质量指标")),
    Category.TIMELINESS: (_("产出指标"), _("时效指标")),
    Category.COST: (_("产出指标"), _("成本指标")),
    Category.ECONOMIC: (_("效益指标"), _("经济效益指标")),
    Category.SOCIAL: (_("效益指标"), _("社会效益指标")),
    Category.ECOLOGICAL: (_("效益指标"), _("生态效益指标")),
    Category.SUSTAINABLE: (_("效益指标"), _("可持续影响指标")),
    Category.SATISFACTION: (_("满意度指标"), _("服务对象满意度指标")),
}


class Direction(models.TextChoices):
    AT_LEAST = "ge", "≥"
    AT_MOST = "le", "≤"


class Operator(models.TextChoices):
    """How the 指标值 is stated in the 绩效目标申报表."""

    AT_LEAST = "ge", "≥"
    AT_MOST = "le", "≤"
    EQUAL = "eq", "="
    QUALITATIVE = "qual", _("定性")


class Polarity(models.TextChoices):
    """Whether more is better (正向: actual/target × points) or less is better (反向: target/actual × points)."""

    POSITIVE = "positive", _("正向")
    REVERSE = "reverse", _("反向")


class Indicator(models.Model):
    project = models.ForeignKey(
        Project, verbose_name=_("项目"), related_name="indicators", on_delete=models.CASCADE
    )
    order = models.PositiveIntegerField(_("序号"), default=0)
    name = models.CharField(_("指标名称"), max_length=100)
    unit = models.CharField(_("计量单位"), max_length=20)
    category = models.CharField(
        _("指标类别"), max_length=15, choices=Category.choices, default=Category.QUANTITY
    )
    direction = models.CharField(
        _("方向"), max_length=2, choices=Direction.choices, default=Direction.AT_LEAST
    )
    cumulative = models.BooleanField(_("累计值"), default=True, help_text=_("累计值逐月累加；否则为时点值"))
    additive = models.BooleanField(
        _("可按单位加总"), default=True, help_text=_("各单位目标之和应等于项目目标")
    )
    target = numbers.DecimalField(_("项目年度目标"), null=True, blank=True, **VALUE)
    # the performance-target grid (绩效目标申报表): 三级 is the name, 一级/二级 the category
    operator = models.CharField(
        _("指标值符号"), max_length=4, choices=Operator.choices, default=Operator.AT_LEAST
    )
    polarity = models.CharField(
        _("指标性质"), max_length=8, choices=Polarity.choices, default=Polarity.POSITIVE
    )
    qualitative_value = models.CharField(
        _("定性指标值"), max_length=100, blank=True, help_text=_("定性指标的目标表述，如“明显改善”")
    )
    is_default = models.BooleanField(_("默认指标"), default=False, help_text=_("按项目类型自动生成，可修改"))
    version = models.PositiveIntegerField(_("版本"), default=1)

    class Meta:
        ordering = ["project", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["project", "name"], name="indicator_project_name_unique")
        ]
        verbose_name = _("绩效指标")
        verbose_name_plural = _("绩效指标")

    def __str__(self) -> str:
        return f"{self.project.name} · {self.name}（{self.unit}）"

    @property
    def level1(self) -> str:
        """一级指标 (产出 / 效益 / 满意度), from the category."""
        return str(LEVELS[self.category][0])

    @property
    def level2(self) -> str:
        """二级指标 (数量 / 质量 / … / 服务对象满意度), from the category."""
        return str(LEVELS[self.category][1])

    def stated_value(self, target: Any = None) -> str:
        """The 指标值 as the grid prints it: the operator with the project's annual target (``target``: the
        roll-up's, i.e. the project target or else the sum of the units' targets), or the qualitative text."""
        if self.operator == Operator.QUALITATIVE:
            return self.qualitative_value or "—"
        target = self.target if target is None else target
        return "—" if target is None else f"{self.get_operator_display()}{numbers.quantity_text(target)}"


class Target(models.Model):
    """An indicator's annual target for one responsible unit, with an optional cumulative plan per period."""

    indicator = models.ForeignKey(
        Indicator, verbose_name=_("指标"), related_name="targets", on_delete=models.CASCADE
    )
    unit = models.ForeignKey(
        Organisation, verbose_name=_("责任单位"), related_name="targets", on_delete=models.PROTECT
    )
    value = numbers.DecimalField(_("年度目标值"), **VALUE)
    plan = models.JSONField(
        _("序时进度计划"),
        default=list,
        blank=True,
        help_text=_("按月（12个）或按季（4个）的累计计划值；留空按时间均匀（线性）"),
    )
    version = models.PositiveIntegerField(_("版本"), default=1)

    class Meta:
        ordering = ["indicator", "unit__order"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "unit"], name="target_indicator_unit_unique")
        ]
        verbose_name = _("目标")
        verbose_name_plural = _("目标")

    def __str__(self) -> str:
        return f"{self.indicator} · {self.unit.display_name}: {self.value}"


class Letter(models.Model):
    """目标责任状 between the district government and one unit for one year."""

    class Status(models.TextChoices):
        DRAFTED = "drafted", _("已起草")
        ISSUED = "issued", _("已下达")
        SIGNED = "signed", _("已签订")

    program = models.ForeignKey(
        Program, verbose_name=_("年度计划"), related_name="letters", on_delete=models.CASCADE
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("责任单位"), related_name="letters", on_delete=models.PROTECT
    )
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.DRAFTED)
    snapshot = models.JSONField(_("责任内容快照"), default=dict, help_text=_("下达时的项目、目标和资金"))
    issued_at = models.DateTimeField(_("下达时间"), null=True, blank=True)
    signed_date = models.DateField(_("签订日期"), null=True, blank=True)
    scan = models.FileField(_("签字盖章扫描件"), upload_to="letters/%Y/", blank=True)
    scan_content_type = models.CharField(
        _("扫描件文件类型"), max_length=100, blank=True, help_text=_("由文件内容检查得出")
    )
    signer = models.CharField(_("签订人"), max_length=50, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, related_name="+", on_delete=models.SET_NULL
    )
    version = models.PositiveIntegerField(_("版本"), default=1)

    class Meta:
        ordering = ["program", "organisation__order"]
        constraints = [
            models.UniqueConstraint(fields=["program", "organisation"], name="letter_program_org_unique")
        ]
        verbose_name = _("目标责任状")
        verbose_name_plural = _("目标责任状")

    def __str__(self) -> str:
        return f"{self.program.year}年{self.organisation.name}目标责任状"
