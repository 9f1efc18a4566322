"""The survey figures, free of the database so they can be computed by hand.

For one wave (or several pooled), from the answers counted per option:

- 知晓率 = answers counted as aware / valid answers to the 知晓 questions;
- 满意率 = answers counted as satisfied (满意 + 比较满意) / valid answers to the 满意度 questions;
- 满意度 score (0–100) = Σ option score / valid answers to the 满意度 questions.

An option marked excluded (不清楚) counts in no denominator. Rates are percentages; all three are rounded
half-up to 0.01 and None when there is no valid answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

HUNDRED = Decimal(100)
CENT = Decimal("0.01")


@dataclass(frozen=True)
class Tally:
    """How many answers chose one option (with the option's flags)."""

    measure: str  # aware / satisfaction / other
    count: int
    score: Decimal | None = None
    counts_aware: bool = False
    counts_satisfied: bool = False
    excluded: bool = False


@dataclass
class Figures:
    responses: int = 0
    aware_valid: int = 0
    aware: int = 0
    satisfaction_valid: int = 0
    satisfied: int = 0
    score_sum: Decimal = Decimal(0)
    excluded: int = 0  # 不清楚 answers (all questions)

    @property
    def awareness_rate(self) -> Decimal | None:
        return _pct(self.aware, self.aware_valid)

    @property
    def satisfaction_rate(self) -> Decimal | None:
        return _pct(self.satisfied, self.satisfaction_valid)

    @property
    def awareness_shown(self) -> str:
        return shown(self.awareness_rate, "%")

    @property
    def satisfaction_shown(self) -> str:
        return shown(self.satisfaction_rate, "%")

    @property
    def score_shown(self) -> str:
        return shown(self.score)

    @property
    def score(self) -> Decimal | None:
        if not self.satisfaction_valid:
            return None
        return (self.score_sum / self.satisfaction_valid).quantize(CENT, rounding=ROUND_HALF_UP)


def shown(value: Decimal | None, suffix: str = "") -> str:
    """A figure as the pages show it: 66.67% (or 72.50), an em dash when there is none."""
    return "—" if value is None else f"{value}{suffix}"


def _pct(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * HUNDRED / whole).quantize(CENT, rounding=ROUND_HALF_UP)


def compute(tallies: list[Tally], *, responses: int = 0) -> Figures:
    figures = Figures(responses=responses)
    for t in tallies:
        if t.excluded:
            figures.excluded += t.count
            continue
        if t.measure == "aware":
            figures.aware_valid += t.count
            if t.counts_aware:
                figures.aware += t.count
        elif t.measure == "satisfaction":
            figures.satisfaction_valid += t.count
            if t.counts_satisfied:
                figures.satisfied += t.count
            figures.score_sum += (t.score or Decimal(0)) * t.count
    return figures
