"""Performance management (绩效): the 绩效目标申报表 of each project and year, the in-year 双监控 sheets and the
year-end 单位自评表. The indicator grid itself is ``responsibility.Indicator`` (one source of truth); these
models hold only what the indicators do not: goal texts, forecasts, reasons, weights and the review workflow."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from catalogue.models import Program, Project
from core import numbers
from funding.models import Source
from orgs.models import Organisation


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


# --- 目标管理绩效考评 (unit assessment, issue 11 items 4–6) ------------------------------------------------


class TrackKind(models.TextChoices):
    COMPREHENSIVE = "comprehensive", _("综合考核")
    SINGLE = "single", _("单项考核")
    QUESTIONNAIRE = "questionnaire", _("社会问卷调查（满意度）")
    ROUTINE = "routine", _("平时工作及督查")


class Applies(models.TextChoices):
    BOTH = "both", _("镇街和部门")
    LOCAL = "local", _("镇街")
    DEPARTMENT = "department", _("部门")


class RuleKind(models.TextChoices):
    AUTO = "auto", _("按系统数据自动计分")
    MANUAL = "manual", _("人工评分（附依据）")
    SAMPLE = "sample", _("抽样检查扣分")


class Metric(models.TextChoices):
    SCHEDULE = "schedule", _("目标任务序时完成率")
    ARRIVAL = "arrival", _("资金到位率")
    SPENDING = "spending", _("资金支出率")
    ON_TIME = "on_time", _("调度报表按时报送率")
    RETURNED = "returned", _("调度报表被退回")
    RECTIFIED = "rectified", _("问题按期整改率")
    DISCLOSED = "disclosed", _("按期公示率")
    CUSTODIAN = "custodian", _("资产落实管护主体率")
    LETTERS = "letters", _("目标责任状签订")
    SATISFACTION = "satisfaction", _("满意度调查得分")


class SampleSource(models.TextChoices):
    REPORTS = "reports", _("调度报表")
    ASSETS = "assets", _("工程资产")
    FINDINGS = "findings", _("监督发现问题")


DEFAULT_BANDS = [
    {"label": "优秀", "min": "90"},
    {"label": "良好", "min": "80"},
    {"label": "合格", "min": "60"},
    {"label": "不合格", "min": "0"},
]


class Scheme(models.Model):
    """考评办法 of one year's program: its tracks and items are rows (data, not code); bands and the objection
    window are settings of the scheme."""

    program = models.OneToOneField(
        Program, verbose_name=_("年度计划"), related_name="assessment_scheme", on_delete=models.CASCADE
    )
    title = models.CharField(_("考评办法名称"), max_length=100)
    bands = models.JSONField(_("档次"), default=list, help_text=_("从高到低：档次名称和最低分（含本数）"))
    objection_days = models.PositiveSmallIntegerField(
        _("申诉期限（天）"), default=7, validators=[MinValueValidator(1), MaxValueValidator(60)]
    )
    constrain_bottom = models.PositiveSmallIntegerField(
        _("建议约束的末位单位数"),
        default=1,
        validators=[MaxValueValidator(50)],
        help_text=_("每个排名组（镇街、部门）名次最后的若干单位建议通报批评或约谈；0表示不按名次建议"),
    )
    constrain_lowest_band = models.BooleanField(
        _("最低档次的单位建议约束"), default=True, help_text=_("处于最低一档的单位建议通报批评或约谈")
    )
    version = models.PositiveIntegerField(_("版本"), default=1)

    class Meta:
        verbose_name = _("考评办法")
        verbose_name_plural = _("考评办法")

    def __str__(self) -> str:
        return self.title


class Track(models.Model):
    scheme = models.ForeignKey(
        Scheme, verbose_name=_("考评办法"), related_name="tracks", on_delete=models.CASCADE
    )
    order = models.PositiveSmallIntegerField(_("序号"), default=1)
    name = models.CharField(_("考核类别"), max_length=50)
    kind = models.CharField(_("类型"), max_length=15, choices=TrackKind.choices)
    applies_to = models.CharField(_("考核对象"), max_length=10, choices=Applies.choices, default=Applies.BOTH)
    scorer = models.ForeignKey(
        Organisation,
        verbose_name=_("评分单位"),
        null=True,
        blank=True,
        related_name="+",
        on_delete=models.PROTECT,
        help_text=_("单项考核为牵头部门（只计其牵头的项目）；留空为民生办"),
    )

    class Meta:
        ordering = ["scheme", "order", "id"]
        verbose_name = _("考核类别")
        verbose_name_plural = _("考核类别")

    def __str__(self) -> str:
        return self.name


class Item(models.Model):
    track = models.ForeignKey(
        Track, verbose_name=_("考核类别"), related_name="items", on_delete=models.CASCADE
    )
    order = models.PositiveSmallIntegerField(_("序号"), default=1)
    name = models.CharField(_("考核内容"), max_length=100)
    points = numbers.DecimalField(
        _("分值"), max_digits=5, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    rule = models.CharField(_("计分方式"), max_length=10, choices=RuleKind.choices)
    metric = models.CharField(_("数据指标"), max_length=15, choices=Metric.choices, blank=True)
    per_failure = numbers.DecimalField(_("每处扣分"), max_digits=5, decimal_places=2, null=True, blank=True)
    sample_source = models.CharField(_("抽样对象"), max_length=10, choices=SampleSource.choices, blank=True)
    sample_size = models.PositiveSmallIntegerField(_("每单位抽样数"), null=True, blank=True)
    criteria = models.TextField(_("评分标准"), blank=True)

    class Meta:
        ordering = ["track", "order", "id"]
        verbose_name = _("考核项目")
        verbose_name_plural = _("考核项目")

    def __str__(self) -> str:
        return self.name


class RunStatus(models.TextChoices):
    COMPUTED = "computed", _("已计算，申诉期")
    APPROVED = "approved", _("民生办已审定（锁定）")
    PUBLISHED = "published", _("已公布")


class Run(models.Model):
    """One monthly or annual assessment of the scheme's units; locked once approved, then published."""

    scheme = models.ForeignKey(
        Scheme, verbose_name=_("考评办法"), related_name="runs", on_delete=models.CASCADE
    )
    month = models.PositiveSmallIntegerField(
        _("截至月份"), validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    annual = models.BooleanField(_("年度考评"), default=False)
    status = models.CharField(_("状态"), max_length=10, choices=RunStatus.choices, default=RunStatus.COMPUTED)
    seed = models.PositiveIntegerField(_("抽样随机种子"), default=0)
    computed_at = models.DateTimeField(_("计算时间"), null=True, blank=True)
    objection_deadline = models.DateField(_("申诉截止日"), null=True, blank=True)
    approved_at = models.DateTimeField(_("审定时间"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审定人"),
        null=True,
        blank=True,
        related_name="+",
        on_delete=models.SET_NULL,
    )
    published_at = models.DateTimeField(_("公布时间"), null=True, blank=True)
    version = models.PositiveIntegerField(_("版本"), default=1)

    class Meta:
        ordering = ["scheme", "-annual", "-month"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "month", "annual"], name="assessment_run_unique")
        ]
        verbose_name = _("考评")
        verbose_name_plural = _("考评")

    def __str__(self) -> str:
        year = self.scheme.program.year
        return f"{year}年度考评" if self.annual else f"{year}年1—{self.month}月考评"

    @property
    def locked(self) -> bool:
        return self.status != RunStatus.COMPUTED


class UnitResult(models.Model):
    run = models.ForeignKey(Run, verbose_name=_("考评"), related_name="results", on_delete=models.CASCADE)
    unit = models.ForeignKey(
        Organisation, verbose_name=_("被考核单位"), related_name="+", on_delete=models.PROTECT
    )
    group = models.CharField(_("排名组"), max_length=10, choices=Applies.choices)
    score = numbers.DecimalField(_("得分"), max_digits=6, decimal_places=2, default=0)
    band = models.CharField(_("档次"), max_length=20, blank=True)
    rank = models.PositiveIntegerField(_("名次"), default=0)

    class Meta:
        ordering = ["run", "group", "rank", "unit__order"]
        constraints = [models.UniqueConstraint(fields=["run", "unit"], name="assessment_result_unique")]
        verbose_name = _("单位考评结果")
        verbose_name_plural = _("单位考评结果")

    def __str__(self) -> str:
        return f"{self.run} · {self.unit.display_name}"


class ItemScore(models.Model):
    """One item for one unit: the computed score, with what produced it (``detail``: the formula's figures and the
    data rows counted), and the score after a recorded re-score (``adjusted``)."""

    result = models.ForeignKey(
        UnitResult, verbose_name=_("单位考评结果"), related_name="items", on_delete=models.CASCADE
    )
    item = models.ForeignKey(
        Item, verbose_name=_("考核项目"), related_name="scores", on_delete=models.CASCADE
    )
    computed = numbers.DecimalField(_("计算得分"), max_digits=6, decimal_places=2, null=True, blank=True)
    adjusted = numbers.DecimalField(_("复核后得分"), max_digits=6, decimal_places=2, null=True, blank=True)
    detail = models.JSONField(_("计分依据"), default=dict, blank=True)
    evidence = models.TextField(_("评分依据"), blank=True)
    evidence_file = models.FileField(_("依据材料"), upload_to="assessment/%Y/", blank=True)
    scorer_name = models.CharField(_("评分人"), max_length=50, blank=True)
    version = models.PositiveIntegerField(_("版本"), default=1)

    class Meta:
        ordering = ["result", "item__track__order", "item__order"]
        constraints = [models.UniqueConstraint(fields=["result", "item"], name="assessment_itemscore_unique")]
        verbose_name = _("考核项目得分")
        verbose_name_plural = _("考核项目得分")

    def __str__(self) -> str:
        return f"{self.result} · {self.item}"

    @property
    def score(self) -> Decimal | None:
        return self.adjusted if self.adjusted is not None else self.computed

    @property
    def rate_shown(self) -> str:
        """The rate of a rate item as a percentage (e.g. "66.7%"), "" for other items."""
        rate = (self.detail or {}).get("rate")
        return f"{numbers.safe_quantize(Decimal(rate) * 100, Decimal('0.1'))}%" if rate else ""

    @property
    def lost(self) -> Decimal | None:
        """Points lost on this item (None while unscored)."""
        return None if self.score is None else Decimal(self.item.points) - self.score


class SampleCheck(models.Model):
    """One record drawn at random for a 抽样扣分 item: the result of checking it."""

    score = models.ForeignKey(
        ItemScore, verbose_name=_("考核项目得分"), related_name="samples", on_delete=models.CASCADE
    )
    source = models.CharField(_("抽样对象"), max_length=10, choices=SampleSource.choices)
    object_id = models.PositiveBigIntegerField(_("记录编号"))
    label = models.CharField(_("抽查记录"), max_length=200)
    passed = models.BooleanField(_("检查合格"), null=True, blank=True)
    note = models.CharField(_("检查情况"), max_length=200, blank=True)

    class Meta:
        ordering = ["score", "id"]
        verbose_name = _("抽样检查")
        verbose_name_plural = _("抽样检查")

    def __str__(self) -> str:
        return self.label


class Objection(models.Model):
    score = models.ForeignKey(
        ItemScore, verbose_name=_("考核项目得分"), related_name="objections", on_delete=models.CASCADE
    )
    text = models.TextField(_("申诉理由"))
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("申诉人"),
        null=True,
        related_name="+",
        on_delete=models.SET_NULL,
    )
    filed_at = models.DateTimeField(_("申诉时间"), auto_now_add=True)
    answer = models.TextField(_("答复意见"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("答复人"),
        null=True,
        blank=True,
        related_name="+",
        on_delete=models.SET_NULL,
    )
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)

    class Meta:
        ordering = ["score", "filed_at", "id"]
        verbose_name = _("申诉")
        verbose_name_plural = _("申诉")

    def __str__(self) -> str:
        return self.text[:40]

    @property
    def is_open(self) -> bool:
        return self.answered_at is None


class Rescore(models.Model):
    """A recorded change of an item's score (the only way a score changes after the run): old, new, reason."""

    score = models.ForeignKey(
        ItemScore, verbose_name=_("考核项目得分"), related_name="rescores", on_delete=models.CASCADE
    )
    objection = models.ForeignKey(
        Objection,
        verbose_name=_("申诉"),
        null=True,
        blank=True,
        related_name="rescores",
        on_delete=models.SET_NULL,
    )
    old = numbers.DecimalField(_("原得分"), max_digits=6, decimal_places=2, null=True)
    new = numbers.DecimalField(_("新得分"), max_digits=6, decimal_places=2)
    reason = models.TextField(_("复核理由"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("复核人"),
        null=True,
        related_name="+",
        on_delete=models.SET_NULL,
    )
    at = models.DateTimeField(_("复核时间"), auto_now_add=True)

    class Meta:
        ordering = ["score", "at", "id"]
        verbose_name = _("复核记录")
        verbose_name_plural = _("复核记录")

    def __str__(self) -> str:
        return f"{self.old} → {self.new}"


# --- 正向激励和刚性约束: 以奖代补 and 通报批评 / 约谈 ---------------------------------------------------------


class RewardRule(models.TextChoices):
    PROPORTIONAL = "proportional", _("按得分比例分配")
    BAND = "band", _("按档次定额")


class RewardTarget(models.TextChoices):
    NEXT_YEAR = "next_year", _("列入下一年度资金计划")
    ADJUSTMENT = "adjustment", _("本年度预算调整")


class PoolStatus(models.TextChoices):
    DRAFT = "draft", _("草稿（未分配）")
    ALLOCATED = "allocated", _("已分配并列入资金计划")


class RewardPool(models.Model):
    """奖补资金 (以奖代补) of one assessment run: how much, by which rule, among which units, and where the shares
    are recorded (funding lines on ``project``: next year's plan or an adjustment of this year's)."""

    run = models.OneToOneField(
        Run, verbose_name=_("考评"), related_name="reward_pool", on_delete=models.CASCADE
    )
    amount = numbers.DecimalField(
        _("奖补资金总额（元）"), validators=[MinValueValidator(Decimal("0.01"))], **numbers.MONEY
    )
    rule = models.CharField(
        _("分配方式"), max_length=15, choices=RewardRule.choices, default=RewardRule.PROPORTIONAL
    )
    band_amounts = models.JSONField(
        _("各档次定额（元）"),
        default=dict,
        blank=True,
        help_text=_("按档次定额时：档次名称 → 每个单位的金额"),
    )
    min_band = models.CharField(
        _("参与分配的最低档次"), max_length=20, blank=True, help_text=_("留空表示所有单位参与分配")
    )
    applies_to = models.CharField(
        _("分配对象"), max_length=10, choices=Applies.choices, default=Applies.LOCAL
    )
    target = models.CharField(
        _("列入方式"), max_length=12, choices=RewardTarget.choices, default=RewardTarget.NEXT_YEAR
    )
    project = models.ForeignKey(
        Project,
        verbose_name=_("列入项目"),
        related_name="+",
        on_delete=models.PROTECT,
        help_text=_("奖补资金作为该项目各单位的资金计划列入"),
    )
    source = models.CharField(_("资金来源"), max_length=10, choices=Source.choices, default=Source.DISTRICT)
    note = models.TextField(_("说明"), blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=PoolStatus.choices, default=PoolStatus.DRAFT)
    allocated_at = models.DateTimeField(_("分配时间"), null=True, blank=True)
    allocated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("分配人"),
        null=True,
        blank=True,
        related_name="+",
        on_delete=models.SET_NULL,
    )
    version = models.PositiveIntegerField(_("版本"), default=1)

    class Meta:
        verbose_name = _("奖补资金")
        verbose_name_plural = _("奖补资金")

    def __str__(self) -> str:
        return f"{self.run} 奖补资金"


class RewardShare(models.Model):
    """One unit's share of an allocated pool, the formula actually applied and the funding line it was recorded
    on (``created_line``: the allocation created that line; otherwise it added an adjustment to it)."""

    pool = models.ForeignKey(
        RewardPool, verbose_name=_("奖补资金"), related_name="shares", on_delete=models.CASCADE
    )
    result = models.ForeignKey(
        UnitResult, verbose_name=_("单位考评结果"), related_name="reward_shares", on_delete=models.CASCADE
    )
    amount = numbers.DecimalField(_("奖补金额（元）"), **numbers.MONEY)
    formula = models.CharField(_("计算公式"), max_length=300)
    line = models.ForeignKey(
        "funding.FundingLine",
        verbose_name=_("资金计划"),
        null=True,
        blank=True,
        related_name="+",
        on_delete=models.SET_NULL,
    )
    created_line = models.BooleanField(_("新建资金计划"), default=False)

    class Meta:
        ordering = ["pool", "result__group", "result__rank", "result__unit__order"]
        constraints = [models.UniqueConstraint(fields=["pool", "result"], name="reward_share_unique")]
        verbose_name = _("奖补分配")
        verbose_name_plural = _("奖补分配")

    def __str__(self) -> str:
        return f"{self.pool} · {self.result.unit.display_name}"


class ConstraintKind(models.TextChoices):
    CRITICISM = "criticism", _("通报批评")
    INTERVIEW = "interview", _("约谈")
    RECTIFY = "rectify", _("限期整改")


class Constraint(models.Model):
    """A 刚性约束 on a unit (lowest-ranked or lagging): 通报批评, 约谈 (date, attendees, commitments) or 限期整改,
    with the follow-up deadline and the follow-up result that closes it."""

    program = models.ForeignKey(
        Program, verbose_name=_("年度计划"), related_name="+", on_delete=models.CASCADE
    )
    run = models.ForeignKey(
        Run,
        verbose_name=_("考评"),
        null=True,
        blank=True,
        related_name="constraints",
        on_delete=models.SET_NULL,
    )
    unit = models.ForeignKey(Organisation, verbose_name=_("单位"), related_name="+", on_delete=models.PROTECT)
    kind = models.CharField(_("约束方式"), max_length=10, choices=ConstraintKind.choices)
    reason = models.TextField(_("事由"))
    date = models.DateField(_("日期"))
    attendees = models.TextField(_("参加人员"), blank=True)
    commitments = models.TextField(_("表态和承诺"), blank=True)
    deadline = models.DateField(_("整改期限"), null=True, blank=True)
    follow_up = models.TextField(_("跟踪落实情况"), blank=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        related_name="+",
        on_delete=models.SET_NULL,
    )
    version = models.PositiveIntegerField(_("版本"), default=1)

    class Meta:
        ordering = ["program", "-date", "id"]
        verbose_name = _("约束措施")
        verbose_name_plural = _("约束措施")

    def __str__(self) -> str:
        return f"{self.unit.display_name} {self.get_kind_display()}"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None
