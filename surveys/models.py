"""Satisfaction surveys (满意度/知晓率, issue 11 item 8): questionnaires as data (questions with scored options,
each option flagged 'counts as aware' / 'counts as satisfied' or excluded from the denominators like 不清楚),
survey waves per project and unit (sample size, method, dates) and their anonymous responses. The figures
(知晓率, 满意率, 满意度 score) are computed from the answers (surveys.results), never stored."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from catalogue.models import Project
from core import numbers
from orgs.models import Organisation


class Questionnaire(models.Model):
    name = models.CharField(_("问卷名称"), max_length=100, unique=True)
    intro = models.TextField(_("开场白"), blank=True, max_length=1000)
    is_default = models.BooleanField(_("默认问卷"), default=False)
    version = models.PositiveIntegerField(_("版本"), default=1)

    class Meta:
        ordering = ["-is_default", "name"]
        verbose_name = _("调查问卷")
        verbose_name_plural = _("调查问卷")

    def __str__(self) -> str:
        return self.name


class Measure(models.TextChoices):
    AWARE = "aware", _("知晓率")
    SATISFACTION = "satisfaction", _("满意度")
    OTHER = "other", _("不计分")


class Question(models.Model):
    questionnaire = models.ForeignKey(
        Questionnaire, verbose_name=_("问卷"), related_name="questions", on_delete=models.CASCADE
    )
    order = models.PositiveSmallIntegerField(_("序号"), default=1)
    text = models.CharField(_("题目"), max_length=300)
    measure = models.CharField(
        _("计入"), max_length=12, choices=Measure.choices, default=Measure.SATISFACTION
    )

    class Meta:
        ordering = ["questionnaire", "order", "id"]
        verbose_name = _("问卷题目")
        verbose_name_plural = _("问卷题目")

    def __str__(self) -> str:
        return self.text


class Option(models.Model):
    question = models.ForeignKey(
        Question, verbose_name=_("题目"), related_name="options", on_delete=models.CASCADE
    )
    order = models.PositiveSmallIntegerField(_("序号"), default=1)
    label = models.CharField(_("选项"), max_length=50)
    score = numbers.DecimalField(
        _("分值"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    counts_aware = models.BooleanField(_("计为知晓"), default=False)
    counts_satisfied = models.BooleanField(_("计为满意"), default=False)
    excluded = models.BooleanField(_("不计入分母（如“不清楚”）"), default=False)

    class Meta:
        ordering = ["question", "order", "id"]
        verbose_name = _("选项")
        verbose_name_plural = _("选项")

    def __str__(self) -> str:
        return self.label


class Method(models.TextChoices):
    PHONE = "phone", _("电话")
    VISIT = "visit", _("入户")
    ONLINE = "online", _("线上")
    THIRD_PARTY = "third_party", _("第三方")


class Wave(models.Model):
    """One survey of one project in one unit (镇街, or the lead department for a district-wide project)."""

    project = models.ForeignKey(
        Project, verbose_name=_("项目"), related_name="survey_waves", on_delete=models.CASCADE
    )
    unit = models.ForeignKey(
        Organisation, verbose_name=_("调查单位"), related_name="survey_waves", on_delete=models.PROTECT
    )
    questionnaire = models.ForeignKey(
        Questionnaire, verbose_name=_("问卷"), related_name="waves", on_delete=models.PROTECT
    )
    name = models.CharField(_("调查名称"), max_length=100)
    method = models.CharField(_("调查方式"), max_length=12, choices=Method.choices)
    sample_size = models.PositiveIntegerField(
        _("计划样本量"), validators=[MinValueValidator(1), MaxValueValidator(100000)]
    )
    start = models.DateField(_("开始日期"))
    end = models.DateField(_("结束日期"))
    is_open = models.BooleanField(_("接受网上答卷"), default=False)
    is_published = models.BooleanField(_("结果已公开"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("创建人"),
        null=True,
        blank=True,
        related_name="+",
        on_delete=models.SET_NULL,
    )
    version = models.PositiveIntegerField(_("版本"), default=1)

    class Meta:
        ordering = ["-start", "project__order", "unit__order", "id"]
        verbose_name = _("调查批次")
        verbose_name_plural = _("调查批次")

    def __str__(self) -> str:
        return self.name


class Source(models.TextChoices):
    PORTAL = "portal", _("网上答卷")
    SURVEYOR = "surveyor", _("调查员录入")
    IMPORT = "import", _("Excel导入")


class Response(models.Model):
    """One anonymous answer sheet: nothing about the respondent is stored."""

    wave = models.ForeignKey(
        Wave, verbose_name=_("调查批次"), related_name="responses", on_delete=models.CASCADE
    )
    source = models.CharField(_("来源"), max_length=10, choices=Source.choices)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("录入人"),
        null=True,
        blank=True,
        related_name="+",
        on_delete=models.SET_NULL,
    )
    created_at = models.DateTimeField(_("提交时间"), auto_now_add=True)
    # the portal form's one-time nonce (as disclosure.Feedback): a token is spent once
    token_nonce = models.CharField(max_length=64, null=True, blank=True, unique=True, editable=False)

    class Meta:
        ordering = ["wave", "id"]
        verbose_name = _("答卷")
        verbose_name_plural = _("答卷")

    def __str__(self) -> str:
        return f"{self.wave} #{self.pk}"


class Answer(models.Model):
    response = models.ForeignKey(
        Response, verbose_name=_("答卷"), related_name="answers", on_delete=models.CASCADE
    )
    question = models.ForeignKey(Question, verbose_name=_("题目"), related_name="+", on_delete=models.PROTECT)
    option = models.ForeignKey(Option, verbose_name=_("选项"), related_name="+", on_delete=models.PROTECT)

    class Meta:
        ordering = ["response", "question__order"]
        constraints = [models.UniqueConstraint(fields=["response", "question"], name="survey_answer_unique")]
        verbose_name = _("答案")
        verbose_name_plural = _("答案")

    def __str__(self) -> str:
        return f"{self.question}: {self.option}"
