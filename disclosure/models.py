"""宣传与公开: publicity activities (宣传月, 明白纸, 村村响 …), disclosures (公示) with the period they were shown
and when they were due, and anonymous public feedback (no personal data)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from catalogue.models import Program, Project
from orgs.models import Organisation


class Publicity(models.Model):
    class Kind(models.TextChoices):
        MONTH = "month", _("宣传月活动")
        LEAFLET = "leaflet", _("明白纸")
        BROADCAST = "broadcast", _("村村响广播")
        BOARD = "board", _("公示栏/宣传栏")
        MEDIA = "media", _("报刊电视")
        WECHAT = "wechat", _("微信公众号/新媒体")
        OTHER = "other", _("其他")

    program = models.ForeignKey(
        Program, verbose_name=_("年度计划"), related_name="publicity", on_delete=models.PROTECT
    )
    project = models.ForeignKey(
        Project,
        verbose_name=_("项目"),
        null=True,
        blank=True,
        related_name="publicity",
        on_delete=models.PROTECT,
    )
    unit = models.ForeignKey(
        Organisation, verbose_name=_("单位"), related_name="publicity", on_delete=models.PROTECT
    )
    date = models.DateField(_("日期"))
    kind = models.CharField(_("形式"), max_length=10, choices=Kind.choices)
    title = models.CharField(_("主题"), max_length=200)
    reach = models.PositiveIntegerField(_("覆盖人次"), null=True, blank=True)
    note = models.TextField(_("说明"), blank=True)

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("宣传活动")
        verbose_name_plural = _("宣传活动")

    def __str__(self) -> str:
        return f"{self.date} {self.title}"


class Disclosure(models.Model):
    """公示: what was disclosed, where, from when to when, and by when it was due ("谁主管、谁负责、谁公开")."""

    program = models.ForeignKey(
        Program, verbose_name=_("年度计划"), related_name="disclosures", on_delete=models.PROTECT
    )
    project = models.ForeignKey(
        Project,
        verbose_name=_("项目"),
        null=True,
        blank=True,
        related_name="disclosures",
        on_delete=models.PROTECT,
    )
    unit = models.ForeignKey(
        Organisation, verbose_name=_("公开单位"), related_name="disclosures", on_delete=models.PROTECT
    )
    title = models.CharField(_("公示内容"), max_length=200)
    place = models.CharField(_("公示地点/渠道"), max_length=200)
    due = models.DateField(_("应公示日期"))
    start = models.DateField(_("公示开始"), null=True, blank=True)
    end = models.DateField(_("公示结束"), null=True, blank=True)
    summary = models.TextField(
        _("公示摘要（公开）"), blank=True, help_text=_("不得包含身份证号、电话等个人信息")
    )

    class Meta:
        ordering = ["-due", "-id"]
        verbose_name = _("公示")
        verbose_name_plural = _("公示")

    def __str__(self) -> str:
        return self.title

    @property
    def is_done(self) -> bool:
        return self.start is not None


class Feedback(models.Model):
    """Anonymous feedback from the public portal: a rating and a text; no name, phone or address is asked."""

    program = models.ForeignKey(
        Program, verbose_name=_("年度计划"), related_name="feedback", on_delete=models.CASCADE
    )
    project = models.ForeignKey(
        Project,
        verbose_name=_("项目"),
        null=True,
        blank=True,
        related_name="feedback",
        on_delete=models.CASCADE,
    )
    satisfaction = models.PositiveSmallIntegerField(
        _("满意度"),
        choices=[(5, _("很满意")), (4, _("满意")), (3, _("一般")), (2, _("不满意")), (1, _("很不满意"))],
    )
    aware = models.BooleanField(_("知道这个项目"), default=True)
    text = models.TextField(_("意见建议"), blank=True, max_length=1000)
    created_at = models.DateTimeField(_("提交时间"), auto_now_add=True)
    handled = models.BooleanField(_("已处理"), default=False)
    outcome = models.CharField(
        _("处理结果"),
        max_length=10,
        blank=True,
        choices=[("answered", _("已答复")), ("closed", _("已关闭"))],
        help_text=_("已答复：作出答复或转办；已关闭：无需答复（如重复、无实际内容）"),
    )
    reply = models.TextField(_("答复（处理意见）"), blank=True, max_length=2000)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("处理人"),
        null=True,
        blank=True,
        related_name="+",
        on_delete=models.SET_NULL,
    )
    handled_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    version = models.PositiveIntegerField(_("版本"), default=1)
    # The portal form's one-time nonce: unique, so a token is spent once even by simultaneous submissions.
    token_nonce = models.CharField(max_length=64, null=True, blank=True, unique=True, editable=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("群众意见")
        verbose_name_plural = _("群众意见")

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d} {self.get_satisfaction_display()}"
