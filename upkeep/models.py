"""长效管护: every asset a project built gets an owner, a custodian, a responsible person, maintenance money and a
maintenance period ("谁受益、谁管护"); periodic checks record its condition, and a problem becomes a finding."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from catalogue.models import Project
from core import numbers
from funding.models import MONEY, Source
from orgs.models import Organisation


class Asset(models.Model):
    project = models.ForeignKey(
        Project, verbose_name=_("建设项目"), related_name="assets", on_delete=models.PROTECT
    )
    name = models.CharField(
        _("资产名称"), max_length=100, help_text=_("如：某水库、某路段、某村卫生室、某批户厕")
    )
    location = models.CharField(_("位置"), max_length=200)
    quantity = models.CharField(_("规模/数量"), max_length=100, blank=True)
    owner = models.CharField(_("产权单位"), max_length=100)
    custodian = models.ForeignKey(
        Organisation,
        verbose_name=_("管护主体"),
        null=True,
        blank=True,
        related_name="assets",
        on_delete=models.PROTECT,
    )
    responsible_person = models.CharField(_("管护责任人"), max_length=50, blank=True)
    phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    fund_amount = numbers.DecimalField(_("年度管护经费（元）"), null=True, blank=True, **MONEY)
    fund_source = models.CharField(_("经费来源"), max_length=10, choices=Source.choices, blank=True)
    period_start = models.DateField(_("管护期开始"), null=True, blank=True)
    period_end = models.DateField(_("管护期结束"), null=True, blank=True)
    check_interval_days = models.PositiveIntegerField(_("检查周期（天）"), default=90)
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(_("版本"), default=1)

    class Meta:
        ordering = ["project__program__year", "project__order", "name"]
        verbose_name = _("管护资产")
        verbose_name_plural = _("管护资产")

    def __str__(self) -> str:
        return f"{self.name}（{self.location}）"


class Check(models.Model):
    class Condition(models.TextChoices):
        GOOD = "good", _("良好")
        FAIR = "fair", _("一般")
        POOR = "poor", _("较差")
        BROKEN = "broken", _("损坏/停用")

    asset = models.ForeignKey(Asset, verbose_name=_("资产"), related_name="checks", on_delete=models.CASCADE)
    date = models.DateField(_("检查日期"))
    condition = models.CharField(_("状况"), max_length=10, choices=Condition.choices)
    note = models.TextField(_("检查情况"), blank=True)
    photo = models.FileField(_("照片"), upload_to="upkeep/%Y/%m/", blank=True)
    finding = models.OneToOneField(
        "supervision.Finding",
        verbose_name=_("转整改的问题"),
        null=True,
        blank=True,
        related_name="asset_check",
        on_delete=models.SET_NULL,
    )
    checker = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("检查人"), null=True, on_delete=models.SET_NULL
    )

    class Meta:
        ordering = ["asset", "-date", "-id"]
        verbose_name = _("管护检查")
        verbose_name_plural = _("管护检查")

    def __str__(self) -> str:
        return f"{self.asset.name} {self.date} {self.get_condition_display()}"
