from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import DecimalField, QuerySet, Sum, Value
from django.db.models.functions import Coalesce

from catalogue.models import Program, Project
from core.policy import restrict
from funding.models import FiscalYear, FundingLine, Source

ZERO = Value(Decimal("0"), output_field=DecimalField(max_digits=16, decimal_places=2))


def with_current(qs: QuerySet[FundingLine]) -> QuerySet[FundingLine]:
    """Annotate ``adjusted`` (sum of adjustments) and ``current`` (original + adjustments)."""
    from django.db.models import F

    return qs.annotate(adjusted=Coalesce(Sum("adjustments__delta"), ZERO)).annotate(
        current=F("original") + F("adjusted")
    )


def project_lines(*, user: Any, project: Project) -> QuerySet[FundingLine]:
    qs = restrict(FundingLine.objects.filter(project=project), user, "view")
    return (
        with_current(qs.select_related("unit"))
        .prefetch_related("adjustments__actor")
        .order_by("unit__order", "source")
    )


def program_totals(*, program: Program) -> dict[str, dict[str, Decimal]]:
    """Totals by source: original, adjusted, current (in 元)."""
    rows = (
        with_current(FundingLine.objects.filter(project__program=program))
        .values("source")
        .annotate(o=Sum("original"), c=Sum("current"))
    )
    labels = dict(Source.choices)
    out = {str(labels[s]): {"original": Decimal(0), "current": Decimal(0)} for s in Source.values}
    for row in rows:
        out[str(labels[row["source"]])] = {
            "original": row["o"] or Decimal(0),
            "current": row["c"] or Decimal(0),
        }
    return out


@dataclass
class FiscalCheck:
    level: str  # ok | warn | alarm | unknown
    share: Decimal | None
    district_total: Decimal
    fiscal: FiscalYear | None
    message: str


def fiscal_check(*, program: Program) -> FiscalCheck:
    """财力匹配: the district's own livelihood money against its general public budget expenditure."""
    fiscal = FiscalYear.objects.filter(year=program.year).order_by("id").first()
    district = with_current(
        FundingLine.objects.filter(project__program=program, source=Source.DISTRICT)
    ).aggregate(t=Sum("current"))["t"] or Decimal(0)
    if fiscal is None:
        return FiscalCheck(
            "unknown", None, district, None, f"尚未录入{program.year}年财力数据，无法进行财力匹配检查。"
        )
    own = fiscal.own_commitment if fiscal.own_commitment is not None else district
    share = (own / fiscal.budget_expenditure) if fiscal.budget_expenditure else None
    if share is None:
        return FiscalCheck("unknown", None, own, fiscal, "一般公共预算支出为零，无法计算比例。")
    pct = f"{share * 100:.2f}%"
    sample = "（示例财力数据）" if fiscal.is_sample else ""
    if share > fiscal.alarm_share:
        return FiscalCheck(
            "alarm",
            share,
            own,
            fiscal,
            f"区级民生资金占一般公共预算支出{pct}，超过警示阈值{fiscal.alarm_share * 100:.0f}%：请核实财力，避免脱离实际、寅吃卯粮。{sample}",
        )
    if share > fiscal.warn_share:
        return FiscalCheck(
            "warn",
            share,
            own,
            fiscal,
            f"区级民生资金占一般公共预算支出{pct}，超过提示阈值{fiscal.warn_share * 100:.0f}%，请关注与财力是否匹配。{sample}",
        )
    return FiscalCheck("ok", share, own, fiscal, f"区级民生资金占一般公共预算支出{pct}，在阈值以内。{sample}")
