from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import DecimalField, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from catalogue.models import Program, Project
from core.policy import can_any, restrict
from funding.models import FiscalYear, FundingAdjustment, FundingLine, Source
from orgs.models import Organisation

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


def _by_source(lines: QuerySet[FundingLine]) -> dict[str, tuple[Decimal, Decimal]]:
    """(original, current) per source, in two aggregate queries (original sums and adjustment sums)."""
    original = dict(lines.values("source").annotate(t=Sum("original")).values_list("source", "t"))
    adjusted = dict(
        FundingAdjustment.objects.filter(line__in=lines)
        .values("line__source")
        .annotate(t=Sum("delta"))
        .values_list("line__source", "t")
    )
    out = {}
    for source in Source.values:
        base = original.get(source) or Decimal(0)
        out[source] = (base, base + (adjusted.get(source) or Decimal(0)))
    return out


def program_totals(*, user: Any, program: Program) -> dict[str, dict[str, Decimal]]:
    """Totals by source: original and current (in 元), over the funding lines ``user`` may see."""
    labels = dict(Source.choices)
    totals = _by_source(restrict(FundingLine.objects.filter(project__program=program), user, "view"))
    return {str(labels[s]): {"original": o, "current": c} for s, (o, c) in totals.items()}


@dataclass
class FiscalCheck:
    level: str  # ok | warn | alarm | unknown
    share: Decimal | None
    district_total: Decimal
    fiscal: FiscalYear | None
    message: str

    @property
    def share_text(self) -> str:
        """The share as the message states it (2 decimals of a percent), "—" when unknown."""
        return "—" if self.share is None else f"{self.share * 100:.2f}%"


def fiscal_area(program: Program) -> Organisation:
    """The area whose 财力 a program is matched against: the issuer when it is a district, else the issuer's
    district one level up (杜集区 for 区政府), else the issuer itself."""
    from orgs.models import OrgKind

    issuer = program.issuer
    if issuer.kind != OrgKind.DISTRICT and issuer.parent_id and issuer.parent.kind == OrgKind.DISTRICT:
        return issuer.parent
    return issuer


def _fiscal_year_of(program: Program, user: Any) -> FiscalYear | None:
    """The FiscalYear of ``fiscal_area(program)``, in one query (the issuer's row or its parent's)."""
    from django.db.models import Q

    from orgs.models import OrgKind

    rows = list(
        restrict(
            FiscalYear.objects.filter(year=program.year).filter(
                Q(organisation_id=program.issuer_id) | Q(organisation__children=program.issuer_id)
            ),
            user,
            "view",
        )
        .select_related("organisation")
        .order_by("id")
    )
    own = [f for f in rows if f.organisation_id == program.issuer_id]
    parent = [
        f for f in rows if f.organisation_id != program.issuer_id and f.organisation.kind == OrgKind.DISTRICT
    ]
    if own and own[0].organisation.kind == OrgKind.DISTRICT:
        return own[0]
    return (parent or own or [None])[0]


def fiscal_check(*, user: Any, program: Program) -> FiscalCheck | None:
    """财力匹配: the district's own livelihood money against its general public budget expenditure (None for
    whoever may not see the fiscal figures)."""
    if not can_any(user, "view", FiscalYear):
        return None
    fiscal = _fiscal_year_of(program, user)
    lines = restrict(
        FundingLine.objects.filter(project__program=program, source=Source.DISTRICT), user, "view"
    )
    district = _by_source(lines)[Source.DISTRICT][1]
    if fiscal is None:
        return FiscalCheck(
            "unknown",
            None,
            district,
            None,
            _("尚未录入%(year)s年财力数据，无法进行财力匹配检查。") % {"year": program.year},
        )
    own = fiscal.own_commitment if fiscal.own_commitment is not None else district
    share = (own / fiscal.budget_expenditure) if fiscal.budget_expenditure else None
    if share is None:
        return FiscalCheck("unknown", None, own, fiscal, _("一般公共预算支出为零，无法计算比例。"))
    pct = f"{share * 100:.2f}%"
    sample = _("（示例财力数据）") if fiscal.is_sample else ""
    if share > fiscal.alarm_share:
        return FiscalCheck(
            "alarm",
            share,
            own,
            fiscal,
            _(
                "区级民生资金占一般公共预算支出%(share)s，超过警示阈值%(threshold)s：请核实财力，避免脱离实际、寅吃卯粮。"
            )
            % {"share": pct, "threshold": f"{fiscal.alarm_share * 100:.0f}%"}
            + sample,
        )
    if share > fiscal.warn_share:
        return FiscalCheck(
            "warn",
            share,
            own,
            fiscal,
            _("区级民生资金占一般公共预算支出%(share)s，超过提示阈值%(threshold)s，请关注与财力是否匹配。")
            % {"share": pct, "threshold": f"{fiscal.warn_share * 100:.0f}%"}
            + sample,
        )
    message = _("区级民生资金占一般公共预算支出%(share)s，在阈值以内。") % {"share": pct}
    return FiscalCheck("ok", share, own, fiscal, message + sample)
