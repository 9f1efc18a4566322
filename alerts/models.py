"""Alert rules (亮灯规则) as data, and the daily digest rows users read on the home page.

Alerts themselves are not stored: they are computed from the current data by ``alerts.selectors`` (a fixed number
of queries), so an alert clears the moment the data that raised it changes — no stored state to recompute."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    BEHIND = "behind", _("进度落后序时")
    DEADLINE = "deadline", _("报表临近截止或逾期未报")
    FINDING = "finding", _("问题逾期未整改")
    LETTER = "letter", _("目标责任状逾期未签订")
    ASSET_CUSTODIAN = "asset_custodian", _("管护资产无管护主体")
    ASSET_CHECK = "asset_check", _("管护资产逾期未检查")
    DISCLOSURE = "disclosure", _("公示逾期未登记")
    FISCAL = "fiscal", _("民生支出占财力比例超限")


#: What each kind's thresholds measure (shown on the rules page), and the built-in defaults used when no rule row
#: exists: (yellow, red). A value strictly greater than a threshold lights it, except for the deadline kind, whose
#: yellow threshold counts the days left before the deadline (the deadline day itself included).
MEASURES = {
    Kind.BEHIND: _("落后序时进度的百分点"),
    Kind.DEADLINE: _("黄灯：截止前天数（含截止日）；红灯：逾期天数"),
    Kind.FINDING: _("超过整改期限的天数"),
    Kind.LETTER: _("下达后未签订的天数"),
    Kind.ASSET_CUSTODIAN: _("登记后仍无管护主体的天数"),
    Kind.ASSET_CHECK: _("超过检查周期的天数"),
    Kind.DISCLOSURE: _("超过应公示日期的天数"),
    Kind.FISCAL: _("本级民生支出占一般公共预算支出的百分比"),
}
DEFAULTS: dict[str, tuple[Decimal, Decimal]] = {
    Kind.BEHIND: (Decimal(5), Decimal(15)),
    Kind.DEADLINE: (Decimal(3), Decimal(0)),
    Kind.FINDING: (Decimal(0), Decimal(15)),
    Kind.LETTER: (Decimal(14), Decimal(30)),
    Kind.ASSET_CUSTODIAN: (Decimal(0), Decimal(30)),
    Kind.ASSET_CHECK: (Decimal(0), Decimal(30)),
    Kind.DISCLOSURE: (Decimal(0), Decimal(7)),
    Kind.FISCAL: (Decimal(10), Decimal(15)),
}


class AlertRule(models.Model):
    """One kind's thresholds, for one program or (program empty) as the default of every program."""

    program = models.ForeignKey(
        "catalogue.Program",
        verbose_name=_("年度计划"),
        null=True,
        blank=True,
        related_name="alert_rules",
        on_delete=models.CASCADE,
        help_text=_("为空时为全局默认规则"),
    )
    kind = models.CharField(_("预警类型"), max_length=20, choices=Kind.choices)
    label = models.CharField(_("名称"), max_length=100, blank=True)
    yellow = models.DecimalField(_("黄灯阈值"), max_digits=10, decimal_places=2)
    red = models.DecimalField(_("红灯阈值"), max_digits=10, decimal_places=2)
    enabled = models.BooleanField(_("启用"), default=True)
    version = models.PositiveIntegerField(_("版本"), default=1)

    class Meta:
        verbose_name = _("预警规则")
        verbose_name_plural = _("预警规则")
        ordering = ["program_id", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["program", "kind"], name="alert_rule_program_kind"),
            models.UniqueConstraint(
                fields=["kind"], condition=models.Q(program=None), name="alert_rule_default_kind"
            ),
        ]

    def __str__(self) -> str:
        return self.label or str(Kind(self.kind).label)


class Digest(models.Model):
    """The daily digest of one user's alerts (站内摘要), written by the ``alert_digest`` scheduled job."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户"),
        related_name="alert_digests",
        on_delete=models.CASCADE,
    )
    day = models.DateField(_("日期"))
    red = models.PositiveIntegerField(_("红灯数"), default=0)
    yellow = models.PositiveIntegerField(_("黄灯数"), default=0)
    items = models.JSONField(_("预警"), default=list)  # [{kind, level, unit, text, url}] as of the digest
    emailed = models.BooleanField(_("已发邮件"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("每日预警摘要")
        verbose_name_plural = _("每日预警摘要")
        ordering = ["-day", "-id"]
        constraints = [models.UniqueConstraint(fields=["user", "day"], name="alert_digest_user_day")]

    def __str__(self) -> str:
        return f"{self.day:%Y-%m-%d} {self.user}"
