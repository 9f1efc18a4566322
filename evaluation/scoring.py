"""The 单位自评表's arithmetic (财预〔2020〕10号 style), free of the database so every rule can be computed by hand.

- Parts and default weights: 预算执行率 10, 产出 50, 效益 30, 满意度 10; a project without a satisfaction
  indicator moves its 10 to 产出/效益 (5 each: 55/35). Weights are editable per project: each 0–100, together 100,
  满意度 0 when there is no satisfaction indicator.
- A part's points are split equally among its indicators. 预算执行率 = 实际支出 / 预算数 × points (capped).
- Positive indicator: actual / target × points, capped at the points; reverse: target / actual × points (capped;
  an actual of 0 earns the points); ``=``: the smaller of actual/target and target/actual; 定性: 达成 all the
  points, 部分达成 half, 未达成 none.
- Not applicable (an item marked so, a part without indicators, a budget of 0): excluded, and the total is
  rescaled to 100 (earned / points still applicable × 100).
- An item that earns less than its points is a shortfall and needs 未完成原因.
- The total is rounded half-up to 0.01 before grading: 优 ≥ 90, 良 ≥ 80, 中 ≥ 60, 差 < 60 (lower bounds inclusive).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext_lazy as _

PARTS = ("budget", "output", "benefit", "satisfaction")
PART_LABELS = {
    "budget": _("预算执行率"),
    "output": _("产出指标"),
    "benefit": _("效益指标"),
    "satisfaction": _("满意度指标"),
}
HUNDRED = Decimal(100)
CENT = Decimal("0.01")
BANDS = ((Decimal(90), "优"), (Decimal(80), "良"), (Decimal(60), "中"))
QUALITATIVE = {"met": Decimal(1), "partial": Decimal("0.5"), "unmet": Decimal(0)}
QUALITATIVE_LABELS = {"met": _("达成"), "partial": _("部分达成"), "unmet": _("未达成")}


def default_weights(*, has_satisfaction: bool) -> dict[str, Decimal]:
    if has_satisfaction:
        return {
            "budget": Decimal(10),
            "output": Decimal(50),
            "benefit": Decimal(30),
            "satisfaction": Decimal(10),
        }
    return {"budget": Decimal(10), "output": Decimal(55), "benefit": Decimal(35), "satisfaction": Decimal(0)}


def weight_errors(weights: dict[str, Decimal], *, has_satisfaction: bool) -> list[str]:
    """What is wrong with a project's weights (Chinese, naming the part); empty when they keep the rules."""
    errors = []
    for part in PARTS:
        value = weights[part]
        if value < 0 or value > HUNDRED:
            errors.append(f"{PART_LABELS[part]}分值须在0到100之间")
    total = sum(weights.values(), Decimal(0))
    if total != HUNDRED:
        errors.append(f"各部分分值合计须为100分（现为{total.normalize():f}分）")
    if not has_satisfaction and weights["satisfaction"] != 0:
        errors.append("项目没有满意度指标，满意度指标分值须为0（其分值计入产出、效益指标）")
    return errors


def grade_for(total: Decimal) -> str:
    for bound, grade in BANDS:
        if total >= bound:
            return grade
    return "差"


@dataclass
class Line:
    """One scored item: an indicator, or the budget execution rate."""

    key: str  # indicator id as text, or "budget"
    part: str
    operator: str = "ge"  # ge, le, eq, qual
    polarity: str = "positive"
    target: Decimal | None = None
    actual: Decimal | None = None
    judgement: str = ""  # 定性: met / partial / unmet
    not_applicable: bool = False
    reason: str = ""  # 未完成原因
    # computed
    points: Decimal = Decimal(0)
    ratio: Decimal | None = None
    earned: Decimal = Decimal(0)

    @property
    def shortfall(self) -> bool:
        return not self.not_applicable and self.earned < self.points

    @property
    def needs_reason(self) -> bool:
        return self.shortfall and not self.reason.strip()


@dataclass
class Result:
    lines: list[Line]
    weights: dict[str, Decimal]
    applicable: Decimal = Decimal(0)  # the points still counted after exclusions
    earned: Decimal = Decimal(0)
    total: Decimal | None = None  # rescaled to 100, rounded to 0.01
    grade: str = ""
    part_earned: dict[str, Decimal] = field(default_factory=dict)

    @property
    def missing_reasons(self) -> list[Line]:
        return [line for line in self.lines if line.needs_reason]


def line_ratio(line: Line) -> Decimal:
    """The share of its points an item earns (0–1)."""
    one, zero = Decimal(1), Decimal(0)
    if line.operator == "qual":
        return QUALITATIVE.get(line.judgement, zero)
    actual, target = line.actual, line.target
    if actual is None or target is None:
        return zero
    if line.operator == "eq":
        if actual == target:
            return one
        if actual <= 0 or target <= 0:
            return zero
        return min(actual / target, target / actual)
    if line.polarity == "reverse":
        if actual <= target:
            return one
        return target / actual if target > 0 else zero
    if target <= 0:
        return one
    return min(actual / target, one)


def score(lines: list[Line], weights: dict[str, Decimal]) -> Result:
    """Points per line (the part's weight split equally), what each earns, the rescaled total and the grade."""
    by_part: dict[str, list[Line]] = {part: [] for part in PARTS}
    for line in lines:
        by_part[line.part].append(line)
    result = Result(lines=lines, weights=weights)
    for part, members in by_part.items():
        result.part_earned[part] = Decimal(0)
        if not members:
            continue
        weight, n = weights[part], len(members)
        each = weight / n
        ratios = Decimal(0)
        counted = 0
        for line in members:
            line.points = each
            if line.not_applicable:
                line.ratio, line.earned = None, Decimal(0)
                continue
            line.ratio = line_ratio(line)
            line.earned = line.ratio * each
            ratios += line.ratio
            counted += 1
        # summed per part before dividing, so 3 × 55/3 is exactly 55
        result.applicable += weight * counted / n
        result.part_earned[part] = weight * ratios / n
        result.earned += result.part_earned[part]
    if result.applicable > 0:
        result.total = (result.earned / result.applicable * HUNDRED).quantize(CENT, rounding=ROUND_HALF_UP)
        result.grade = grade_for(result.total)
    return result
