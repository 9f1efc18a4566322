"""特邀监督员 and the rectification loop: inspections (监督情况表) produce findings; each finding is assigned to a
responsible unit with a deadline, answered with evidence, verified, and closed or reopened — every step recorded."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from catalogue.models import Program, Project
from orgs.models import Organisation


class Supervisor(models.Model):
    class Category(models.TextChoices):
        DEPUTY = "deputy", _("人大代表")
        CPPCC = "cppcc", _("政协委员")
        CITIZEN = "citizen", _("群众代表")
        OTHER = "other", _("其他")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("账号"),
        null=True,
        blank=True,
        related_name="supervisor",
        on_delete=models.SET_NULL,
    )
    name = models.CharField(_("姓名"), max_length=50)
    category = models.CharField(_("身份"), max_length=10, choices=Category.choices)
    affiliation = models.CharField(_("工作单位或身份说明"), max_length=100, blank=True)
    certificate_no = models.CharField(_("聘任证书编号"), max_length=50, unique=True)
    term_start = models.DateField(_("聘期开始"))
    term_end = models.DateField(_("聘期结束"))
    projects = models.ManyToManyField(
        Project, verbose_name=_("联系项目"), blank=True, related_name="supervisors"
    )
    units = models.ManyToManyField(
        Organisation, verbose_name=_("联系镇街"), blank=True, related_name="supervisors"
    )
    phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    is_active = models.BooleanField(_("在聘"), default=True)

    class Meta:
        ordering = ["-is_active", "name"]
        verbose_name = _("特邀监督员")
        verbose_name_plural = _("特邀监督员")

    def __str__(self) -> str:
        return f"{self.name}（{self.get_category_display()}）"


class Method(models.TextChoices):
    SITE = "site", _("实地查看")
    VISIT = "visit", _("走访")
    FORUM = "forum", _("座谈")
    RECORDS = "records", _("查阅资料")
    BRIEFING = "briefing", _("听取汇报")
    HOUSEHOLD = "household", _("进村入户")
    UNANNOUNCED = "unannounced", _("暗访")


class Inspection(models.Model):
    """监督情况表."""

    supervisor = models.ForeignKey(
        Supervisor, verbose_name=_("监督员"), related_name="inspections", on_delete=models.PROTECT
    )
    program = models.ForeignKey(
        Program, verbose_name=_("年度计划"), related_name="inspections", on_delete=models.PROTECT
    )
    date = models.DateField(_("监督日期"))
    projects = models.ManyToManyField(Project, verbose_name=_("监督项目"), related_name="inspections")
    unit = models.ForeignKey(
        Organisation, verbose_name=_("被监督单位"), related_name="inspections", on_delete=models.PROTECT
    )
    place = models.CharField(_("地点"), max_length=200)
    methods = models.JSONField(_("监督方式"), default=list)
    summary = models.TextField(_("监督情况"))
    suggestions = models.TextField(_("意见建议"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, related_name="+", on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("监督情况表")
        verbose_name_plural = _("监督情况表")

    def __str__(self) -> str:
        return f"{self.date.year}年{self.date.month}月{self.date.day}日 {self.unit.display_name} {self.supervisor.name}"


class Finding(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("待整改")
        ANSWERED = "answered", _("已反馈")
        CLOSED = "closed", _("已销号")
        REOPENED = "reopened", _("重新整改")

    class Source(models.TextChoices):
        INSPECTION = "inspection", _("监督检查")
        ASSET_CHECK = "asset_check", _("管护检查")

    inspection = models.ForeignKey(
        Inspection,
        verbose_name=_("监督情况表"),
        null=True,
        blank=True,
        related_name="findings",
        on_delete=models.PROTECT,
    )
    source = models.CharField(_("来源"), max_length=12, choices=Source.choices, default=Source.INSPECTION)
    project = models.ForeignKey(
        Project,
        verbose_name=_("项目"),
        null=True,
        blank=True,
        related_name="findings",
        on_delete=models.PROTECT,
    )
    description = models.TextField(_("发现的问题"))
    responsible = models.ForeignKey(
        Organisation, verbose_name=_("整改责任单位"), related_name="findings", on_delete=models.PROTECT
    )
    deadline = models.DateField(_("整改期限"))
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    closed_at = models.DateTimeField(_("销号时间"), null=True, blank=True)
    version = models.PositiveIntegerField(_("版本"), default=1)

    class Meta:
        ordering = ["deadline", "id"]
        verbose_name = _("问题")
        verbose_name_plural = _("问题")

    def __str__(self) -> str:
        return self.description[:40]


class Step(models.Model):
    """One step of the rectification loop: answer (with evidence), verification (close / reopen)."""

    class Kind(models.TextChoices):
        ASSIGN = "assign", _("交办")
        ANSWER = "answer", _("整改反馈")
        CLOSE = "close", _("核实销号")
        REOPEN = "reopen", _("退回重新整改")

    finding = models.ForeignKey(Finding, related_name="steps", on_delete=models.CASCADE)
    kind = models.CharField(_("环节"), max_length=10, choices=Kind.choices)
    text = models.TextField(_("说明"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, on_delete=models.SET_NULL
    )
    at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        ordering = ["finding", "at", "id"]
        verbose_name = _("整改环节")
        verbose_name_plural = _("整改环节")

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.text[:30]}"


class Photo(models.Model):
    """A photo or PDF of an inspection finding or of rectification evidence (checked and re-encoded on upload)."""

    inspection = models.ForeignKey(
        Inspection, null=True, blank=True, related_name="photos", on_delete=models.CASCADE
    )
    step = models.ForeignKey(Step, null=True, blank=True, related_name="photos", on_delete=models.CASCADE)
    file = models.FileField(_("文件"), upload_to="supervision/%Y/%m/")
    original_name = models.CharField(_("原文件名"), max_length=200)
    content_type = models.CharField(
        _("文件类型"), max_length=100, default="application/octet-stream", help_text=_("由文件内容检查得出")
    )
    is_public = models.BooleanField(_("可公开"), default=False)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("照片/材料")
        verbose_name_plural = _("照片/材料")

    def __str__(self) -> str:
        return self.original_name

    @property
    def is_image(self) -> bool:
        from core.downloads import is_image

        return is_image(self.content_type)
