"""A year's program of livelihood projects, its projects, and how each came from the year before."""

from __future__ import annotations

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from orgs.models import Organisation

#: 发文字号: issuer abbreviation, year in 六角括号, serial number without zero padding, e.g. 淮杜政〔2021〕21号.
DOC_NUMBER_RE = re.compile(r"^(?P<prefix>[\u4e00-\u9fff]{1,12})〔(?P<year>\d{4})〕(?P<serial>[1-9]\d*)号$")


def validate_doc_number(value: str) -> None:
    if not value:
        return
    if "[" in value or "【" in value or "(" in value or "（" in value:
        raise ValidationError(_("发文字号的年份须用六角括号〔〕，例如：淮杜政〔2021〕21号"), code="brackets")
    if not DOC_NUMBER_RE.match(value):
        raise ValidationError(
            _("发文字号格式应为“机关代字〔年份〕序号号”，序号不编虚位，例如：淮杜政〔2021〕21号"),
            code="format",
        )


class Program(models.Model):
    class Level(models.TextChoices):
        PROVINCE = "province", _("省")
        CITY = "city", _("市")
        DISTRICT = "district", _("区（县）")

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        PUBLISHED = "published", _("已发布")

    year = models.PositiveIntegerField(_("年度"))
    level = models.CharField(_("层级"), max_length=10, choices=Level.choices, default=Level.DISTRICT)
    issuer = models.ForeignKey(
        Organisation, verbose_name=_("发文机关"), related_name="programs", on_delete=models.PROTECT
    )
    issuer_name = models.CharField(_("发文机关名称"), max_length=100, help_text=_("如：杜集区人民政府"))
    noun = models.CharField(
        _("项目统称"), max_length=20, default="民生工程", help_text=_("如：民生工程、民生实事、暖民心行动")
    )
    title = models.CharField(
        _("标题"), max_length=200, blank=True, help_text=_("留空则按年度、项目数和统称生成")
    )
    doc_number = models.CharField(_("发文字号"), max_length=40, blank=True, validators=[validate_doc_number])
    doc_date = models.DateField(_("成文日期"), null=True, blank=True)
    basis = models.TextField(_("依据文件"), blank=True, help_text=_("上级通知，如：淮政〔2021〕15号"))
    recipients = models.TextField(_("主送"), blank=True)
    preamble = models.TextField(_("开头语"), blank=True)
    requirements = models.TextField(_("工作要求"), blank=True)
    cc = models.TextField(_("抄送"), blank=True)
    notice_pending = models.JSONField(
        _("待修改的通知部分"),
        default=list,
        blank=True,
        help_text=_("由上年文本起草、尚未经民生办修改或核对的部分（如开头语、工作要求）"),
    )
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    is_reconstructed = models.BooleanField(
        _("推定重建"), default=False, help_text=_("未取得原始文件，由后一年度通知推定重建")
    )
    source_note = models.TextField(_("数据来源说明"), blank=True)
    is_sample = models.BooleanField(_("示例数据"), default=False, help_text=_("合成的示例数据，不是真实计划"))
    notice_style = models.JSONField(
        _("通知格式"),
        default=dict,
        blank=True,
        help_text=_("导入时读出的通知格式（类别标题、条目序号、牵头单位的写法），生成通知时照此书写"),
    )
    derived_from = models.ForeignKey(
        "self",
        verbose_name=_("上级计划"),
        null=True,
        blank=True,
        related_name="derived_programs",
        on_delete=models.PROTECT,
        help_text=_("本计划由上一级政府已发布的计划生成（逐项采纳、调整或不适用）"),
    )
    version = models.PositiveIntegerField(_("版本"), default=1)

    class Meta:
        ordering = ["-year", "level"]
        constraints = [models.UniqueConstraint(fields=["year", "issuer"], name="program_year_issuer_unique")]
        verbose_name = _("年度项目计划")
        verbose_name_plural = _("年度项目计划")

    def __str__(self) -> str:
        return self.display_title

    @property
    def display_title(self) -> str:
        if self.title:
            return self.title
        # The count is the projects actually held; annotate `project_count` to avoid a query.
        count = getattr(self, "project_count", None)
        if count is None:
            count = self.projects.count() if self.pk else 0
        return f"{self.year}年实施{count}项{self.noun}"

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED


class ProjectKind(models.TextChoices):
    WORKS = "works", _("工程类")
    SUBSIDY = "subsidy", _("补助类")
    INSURANCE = "insurance", _("保险类")
    TRAINING = "training", _("培训类")
    SERVICE = "service", _("服务类")


class Category(models.Model):
    """A heading under which a notice groups its items (e.g. 一、就业创业类); a list without headings has one
    unnamed category."""

    program = models.ForeignKey(
        Program, verbose_name=_("年度计划"), related_name="categories", on_delete=models.CASCADE
    )
    order = models.PositiveIntegerField(_("序号"))
    name = models.CharField(_("类别名称"), max_length=100, blank=True)

    class Meta:
        ordering = ["program", "order"]
        constraints = [
            models.UniqueConstraint(fields=["program", "order"], name="category_program_order_unique")
        ]
        verbose_name = _("项目类别")
        verbose_name_plural = _("项目类别")

    def __str__(self) -> str:
        return self.name


class Project(models.Model):
    program = models.ForeignKey(
        Program, verbose_name=_("年度计划"), related_name="projects", on_delete=models.CASCADE
    )
    order = models.PositiveIntegerField(_("序号"))
    category = models.ForeignKey(
        Category,
        verbose_name=_("类别"),
        related_name="projects",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
    )
    name = models.CharField(_("项目名称"), max_length=100)
    kind = models.CharField(_("项目类型"), max_length=12, choices=ProjectKind.choices)
    summary = models.TextField(_("项目简介"), blank=True)
    lead_department = models.ForeignKey(
        Organisation,
        verbose_name=_("牵头单位"),
        related_name="led_projects",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    co_lead_departments = models.ManyToManyField(
        Organisation, verbose_name=_("配合单位"), related_name="co_led_projects", blank=True
    )
    lead_names = models.CharField(
        _("通知所列牵头单位"),
        max_length=200,
        blank=True,
        help_text=_("通知原文写的牵头单位（如上级通知中的“省教育厅”），以顿号分隔"),
    )
    implementing_units = models.ManyToManyField(
        Organisation, verbose_name=_("实施单位"), related_name="implemented_projects", blank=True
    )
    assignment_is_default = models.BooleanField(
        _("分工为默认推定"),
        default=False,
        help_text=_("牵头、配合、实施单位和项目类型未见于通知原文，系按安徽同类项目推定的默认值，待确认"),
    )
    assessed = models.BooleanField(
        _("纳入考核"),
        default=True,
        help_text=_("列入上级民生工程清单的项目计入目标管理绩效考评；本地自行增加的项目可不计入"),
    )
    derives_from = models.ForeignKey(
        "self",
        verbose_name=_("上级项目"),
        null=True,
        blank=True,
        related_name="derived_projects",
        on_delete=models.SET_NULL,
        help_text=_("上一级政府计划中的对应项目；本级自行增加的项目为空"),
    )
    version = models.PositiveIntegerField(_("版本"), default=1)

    class Meta:
        ordering = ["program", "order"]
        constraints = [
            models.UniqueConstraint(fields=["program", "name"], name="project_program_name_unique"),
            models.UniqueConstraint(fields=["program", "order"], name="project_program_order_unique"),
        ]
        verbose_name = _("项目")
        verbose_name_plural = _("项目")

    def __str__(self) -> str:
        return f"{self.program.year} {self.name}"


class ContentItem(models.Model):
    """A named part of a project (e.g. 文化惠民工程 → 农村应急广播体系建设)."""

    project = models.ForeignKey(
        Project, verbose_name=_("项目"), related_name="content_items", on_delete=models.CASCADE
    )
    order = models.PositiveIntegerField(_("序号"))
    name = models.CharField(_("内容"), max_length=100)

    class Meta:
        ordering = ["project", "order"]
        constraints = [
            models.UniqueConstraint(fields=["project", "name"], name="contentitem_project_name_unique")
        ]
        verbose_name = _("建设（实施）内容")
        verbose_name_plural = _("建设（实施）内容")

    def __str__(self) -> str:
        return self.name


class ChangeKind(models.TextChoices):
    NEW = "new", _("新增")
    EXIT = "exit", _("退出")
    ADJUST = "adjust", _("调整实施")
    CONTINUE = "continue", _("继续实施")


class AdjustKind(models.TextChoices):
    MERGE = "merge", _("合并")
    ABSORB = "absorb", _("纳入")
    RENAME = "rename", _("更名")
    ADD_CONTENT = "add_content", _("增加内容")
    DROP_CONTENT = "drop_content", _("退出内容")
    SPLIT = "split", _("拆分")
    OTHER = "other", _("其他")


class ProjectChange(models.Model):
    """How the program of a year came from the year before: one row per fate.

    ``sources`` are projects of the previous year; ``result`` is the project of this year. 新增 has no
    source, 退出 has no result, a merge (N→1) has several sources, a split (1→N) is several rows with the
    same source.
    """

    program = models.ForeignKey(
        Program, verbose_name=_("年度计划"), related_name="changes", on_delete=models.CASCADE
    )
    kind = models.CharField(_("变化"), max_length=10, choices=ChangeKind.choices)
    adjust_kinds = models.JSONField(_("调整方式"), default=list, blank=True)
    order = models.PositiveIntegerField(_("序号"), default=0, help_text=_("在通知该部分中的次序"))
    sources = models.ManyToManyField(Project, verbose_name=_("上年项目"), related_name="fates", blank=True)
    result = models.ForeignKey(
        Project,
        verbose_name=_("本年项目"),
        related_name="origins",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
    )
    reason = models.TextField(_("原因"), blank=True)
    printed_title = models.CharField(
        _("原文标题"), max_length=200, blank=True, help_text=_("如：增加幼儿托育内容")
    )
    printed_text = models.TextField(_("原文表述"), blank=True)
    added_items = models.JSONField(_("增加的内容"), default=list, blank=True)
    removed_items = models.JSONField(_("退出的内容"), default=list, blank=True)

    class Meta:
        ordering = ["program", "kind", "order"]
        verbose_name = _("项目变化")
        verbose_name_plural = _("项目变化")

    def __str__(self) -> str:
        target = self.result.name if self.result_id else "、".join(p.name for p in self.sources.all())
        return f"{self.program.year} {self.get_kind_display()} {target}"

    def clean(self) -> None:
        if self.kind == ChangeKind.EXIT and not self.reason.strip():
            raise ValidationError({"reason": _("退出项目必须写明原因")})
        if self.kind == ChangeKind.EXIT and self.result_id:
            raise ValidationError({"result": _("退出的项目没有本年项目")})
        if self.kind != ChangeKind.EXIT and not self.result_id:
            raise ValidationError({"result": _("请指定本年项目")})
        bad = set(self.adjust_kinds or []) - set(AdjustKind.values)
        if bad:
            raise ValidationError({"adjust_kinds": _("未知的调整方式：%s") % "、".join(sorted(bad))})

    def adjust_kind_labels(self) -> list[str]:
        labels = dict(AdjustKind.choices)
        return [str(labels.get(k, k)) for k in self.adjust_kinds or []]


class ProgramAmendment(models.Model):
    """A published program changes only inside an amendment: opened with a reason, closed by republishing."""

    program = models.ForeignKey(
        Program, verbose_name=_("年度计划"), related_name="amendments", on_delete=models.CASCADE
    )
    number = models.PositiveIntegerField(_("序号"))
    reason = models.TextField(_("修订原因"))
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发起人"),
        null=True,
        related_name="+",
        on_delete=models.SET_NULL,
    )
    opened_at = models.DateTimeField(_("发起时间"), auto_now_add=True)
    closed_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        ordering = ["program", "number"]
        constraints = [
            models.UniqueConstraint(fields=["program", "number"], name="amendment_program_number_unique")
        ]
        verbose_name = _("计划修订")
        verbose_name_plural = _("计划修订")

    def __str__(self) -> str:
        return f"{self.program.year} 第{self.number}次修订"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class ProjectProposal(models.Model):
    """项目建议: a candidate project (e.g. from the annual public call) that may become a 新增 project."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待研究")
        ACCEPTED = "accepted", _("已采纳")
        DECLINED = "declined", _("未采纳")

    year = models.PositiveIntegerField(_("拟实施年度"))
    title = models.CharField(_("建议项目"), max_length=100)
    summary = models.TextField(_("内容"), blank=True)
    kind = models.CharField(_("项目类型"), max_length=12, choices=ProjectKind.choices, blank=True)
    source = models.CharField(
        _("来源"), max_length=50, blank=True, help_text=_("如：公开征集、人大代表建议、部门申报")
    )
    proposer = models.CharField(_("建议人/单位"), max_length=100, blank=True)
    lead_department = models.ForeignKey(
        Organisation,
        verbose_name=_("建议牵头单位"),
        null=True,
        blank=True,
        related_name="+",
        on_delete=models.SET_NULL,
    )
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.PENDING)
    decision_note = models.TextField(_("处理意见"), blank=True)
    project = models.ForeignKey(
        Project,
        verbose_name=_("形成的项目"),
        null=True,
        blank=True,
        related_name="proposals",
        on_delete=models.SET_NULL,
    )
    created_at = models.DateTimeField(_("提出时间"), auto_now_add=True)

    class Meta:
        ordering = ["-year", "status", "id"]
        verbose_name = _("项目建议")
        verbose_name_plural = _("项目建议")

    def __str__(self) -> str:
        return f"{self.year} {self.title}"


class DerivationStatus(models.TextChoices):
    ADOPTED = "adopted", _("采纳")
    ADJUSTED = "adjusted", pgettext_lazy("derivation status", "调整")
    NOT_APPLICABLE = "not_applicable", _("不适用")
    LOCAL = "local", _("本级新增")


#: The upper project's values a derived item follows (and may override locally). 牵头单位 is compared by name: each
#: level has its own departments.
DERIVED_FIELDS = ("name", "summary", "lead_department", "content_items")


class Derivation(models.Model):
    """One item of a program derived from the upper level's: which upper project it follows, what the lower level
    made of it (采纳 / 调整 / 不适用 with a reason, or a local addition) and the upper values it last took over
    (``baseline``) — so local overrides and later upper amendments are computed, never copied silently.

    A 不适用 item has no project of its own; a local addition (本级新增) has no upper project and is outside the upper
    level's assessment."""

    program = models.ForeignKey(
        Program, verbose_name=_("本级计划"), related_name="derivations", on_delete=models.CASCADE
    )
    upper_project = models.ForeignKey(
        Project,
        verbose_name=_("上级项目"),
        null=True,
        blank=True,
        related_name="derivations",
        on_delete=models.SET_NULL,
    )
    upper_name = models.CharField(_("上级项目名称"), max_length=100, blank=True)
    project = models.OneToOneField(
        Project,
        verbose_name=_("本级项目"),
        null=True,
        blank=True,
        related_name="derivation",
        on_delete=models.CASCADE,
    )
    status = models.CharField(_("采纳情况"), max_length=16, choices=DerivationStatus.choices)
    reason = models.TextField(_("理由"), blank=True)
    baseline = models.JSONField(
        _("已接受的上级内容"),
        default=dict,
        blank=True,
        help_text=_("最近一次接受的上级项目名称、简介、牵头单位和内容"),
    )
    version = models.PositiveIntegerField(_("版本"), default=1)

    class Meta:
        ordering = ["program", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "upper_project"],
                condition=models.Q(upper_project__isnull=False),
                name="derivation_program_upper_unique",
            )
        ]
        verbose_name = _("逐项采纳情况")
        verbose_name_plural = _("逐项采纳情况")

    def __str__(self) -> str:
        name = self.project.name if self.project_id else self.upper_name
        return f"{self.program.year} {name} {self.get_status_display()}"

    @property
    def is_local(self) -> bool:
        """A local addition: outside the upper level's assessment."""
        return self.status == DerivationStatus.LOCAL


class UpperChangeDecision(models.Model):
    """One item of an upper program's amendment, accepted or declined by a lower level, with who, when and why."""

    class Kind(models.TextChoices):
        CHANGED = "changed", _("上级修改")
        ADDED = "added", _("上级新增")
        REMOVED = "removed", _("上级退出")

    class Decision(models.TextChoices):
        ACCEPTED = "accepted", _("接受")
        DECLINED = "declined", _("不接受")

    program = models.ForeignKey(
        Program, verbose_name=_("本级计划"), related_name="upper_decisions", on_delete=models.CASCADE
    )
    derivation = models.ForeignKey(
        Derivation,
        verbose_name=_("逐项采纳情况"),
        null=True,
        blank=True,
        related_name="decisions",
        on_delete=models.SET_NULL,
    )
    upper_project = models.ForeignKey(
        Project,
        verbose_name=_("上级项目"),
        null=True,
        blank=True,
        related_name="+",
        on_delete=models.SET_NULL,
    )
    upper_name = models.CharField(_("上级项目名称"), max_length=100, blank=True)
    kind = models.CharField(_("变化"), max_length=10, choices=Kind.choices)
    field = models.CharField(_("字段"), max_length=20, blank=True)
    before = models.JSONField(_("原值"), null=True, blank=True)
    after = models.JSONField(_("新值"), null=True, blank=True)
    decision = models.CharField(_("处理"), max_length=10, choices=Decision.choices)
    reason = models.TextField(_("理由"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("处理人"),
        null=True,
        related_name="+",
        on_delete=models.SET_NULL,
    )
    decided_at = models.DateTimeField(_("处理时间"), auto_now_add=True)

    class Meta:
        ordering = ["program", "-decided_at", "-id"]
        verbose_name = _("上级修订处理记录")
        verbose_name_plural = _("上级修订处理记录")

    def __str__(self) -> str:
        return f"{self.upper_name} {self.get_kind_display()} {self.get_decision_display()}"
