"""正向激励和刚性约束: how a reward pool (以奖代补) is split among the units of a run, and which units the office is
advised to constrain (通报批评 / 约谈). Pure computations; the writes are evaluation.services.

Rules of a pool:

- 按得分比例 (proportional): share = pool × score ÷ Σ scores of the units taking part, worked out in 分 (0.01 元):
  every share is first rounded down to the 分, then the 分 left over go one each to the shares with the largest
  remainders (largest-remainder method; equal remainders by rank, then the unit's order), so the shares sum
  exactly to the pool. The formula of each share says when it received such a 分.
- 按档次定额 (band): every unit taking part receives the fixed amount of its 档次; their sum may not exceed the pool.
- Units taking part: the pool's ranking group (镇街, 部门 or both) and, optionally, only those at or above a 档次.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from core import numbers
from evaluation.models import Applies, RewardRule

CENT = Decimal("0.01")


@dataclass
class PlannedShare:
    result: Any
    amount: Decimal
    formula: str


def _yuan(value: Decimal) -> str:
    return f"{value:,.2f}"


def band_order(bands: list[dict[str, Any]]) -> dict[str, Decimal]:
    """档次 label → its minimum score."""
    return {str(b["label"]): Decimal(str(b["min"])) for b in bands}


def eligible(pool: Any, results: list[Any], bands: list[dict[str, Any]]) -> list[Any]:
    """The results taking part in ``pool``: its ranking group, at or above its lowest 档次 (when set)."""
    mins = band_order(bands)
    floor = mins.get(pool.min_band) if pool.min_band else None
    out = []
    for r in results:
        if pool.applies_to != Applies.BOTH and r.group != pool.applies_to:
            continue
        if floor is not None and mins.get(r.band, Decimal(-1)) < floor:
            continue
        out.append(r)
    return out


def _order_key(r: Any) -> tuple[Any, ...]:
    return (r.rank, getattr(r.unit, "order", 0), r.unit_id)


def proportional(amount: Decimal, results: list[Any]) -> list[PlannedShare]:
    """Split ``amount`` 元 by score, to the 分, largest remainder (see the module docstring)."""
    total_score = sum((Decimal(r.score) for r in results), Decimal(0))
    if total_score <= 0:
        raise ValidationError({"rule": _("参与分配单位的得分合计为零，不能按得分比例分配")})
    cents = int((amount / CENT).to_integral_value())
    exact = {r.pk: Fraction(Decimal(r.score)) * cents / Fraction(total_score) for r in results}
    floors = {pk: math.floor(x) for pk, x in exact.items()}
    left = cents - sum(floors.values())
    by_remainder = sorted(results, key=lambda r: (-(exact[r.pk] - floors[r.pk]), *_order_key(r)))
    extra = {r.pk for r in by_remainder[:left]}
    out = []
    for r in sorted(results, key=_order_key):
        share = Decimal(floors[r.pk] + (1 if r.pk in extra else 0)) * CENT
        text = _("得分 %(score)s ÷ 得分合计 %(total)s × %(pool)s元 = %(share)s元") % {
            "score": r.score,
            "total": _yuan(total_score),
            "pool": _yuan(amount),
            "share": _yuan(share),
        }
        if r.pk in extra:
            text += _("（含尾差0.01元）")
        out.append(PlannedShare(r, share, text))
    return out


def by_band(pool: Any, results: list[Any]) -> list[PlannedShare]:
    out = []
    for r in sorted(results, key=_order_key):
        raw = (pool.band_amounts or {}).get(r.band)
        amount = Decimal(str(raw)) if raw not in (None, "") else Decimal(0)
        if amount <= 0:
            continue
        text = _("%(band)s档定额 %(amount)s元") % {"band": r.band, "amount": _yuan(amount)}
        out.append(PlannedShare(r, amount, text))
    total = sum((s.amount for s in out), Decimal(0))
    if total > pool.amount:
        raise ValidationError(
            {
                "band_amounts": _("按档次定额合计%(total)s万元，超过奖补资金总额%(pool)s万元")
                % {"total": numbers.wan_text(total), "pool": numbers.wan_text(pool.amount)}
            }
        )
    return out


def plan(pool: Any, results: list[Any]) -> list[PlannedShare]:
    """The shares ``pool`` would give the run's ``results`` (nothing is written)."""
    taking_part = eligible(pool, results, pool.run.scheme.bands)
    if not taking_part:
        raise ValidationError({"min_band": _("没有符合条件的参与分配单位")})
    if pool.rule == RewardRule.BAND:
        return by_band(pool, taking_part)
    return proportional(Decimal(pool.amount), taking_part)


def suggestions(scheme: Any, results: list[Any]) -> list[tuple[Any, str]]:
    """(result, why) of the units the office is advised to constrain: in each ranking group the lowest-ranked
    ``scheme.constrain_bottom`` units (ties at the cut included), and, when ``constrain_lowest_band``, every unit in
    the lowest 档次."""
    lowest = min(scheme.bands, key=lambda b: Decimal(str(b["min"])))["label"] if scheme.bands else None
    out: dict[int, tuple[Any, list[str]]] = {}
    for group in (Applies.LOCAL, Applies.DEPARTMENT):
        rows = sorted((r for r in results if r.group == group), key=lambda r: r.rank)
        if scheme.constrain_bottom and rows:
            cut = rows[-min(scheme.constrain_bottom, len(rows))].rank
            for r in rows:
                if r.rank >= cut:
                    out.setdefault(r.pk, (r, []))[1].append(_("名次居末（第%(rank)s名）") % {"rank": r.rank})
        if scheme.constrain_lowest_band and lowest is not None:
            for r in rows:
                if r.band == lowest:
                    out.setdefault(r.pk, (r, []))[1].append(_("处于最低档次（%(band)s）") % {"band": r.band})
    return [(r, "；".join(why)) for r, why in out.values()]
