"""The 财力 form of a program's year: money typed in 万元 (stored 元), thresholds typed in percent."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from catalogue.forms import _style
from core import numbers
from core.forms import MoneyField, QuantityField
from funding.models import FiscalYear

HUNDRED = Decimal(100)
AREA_MAX_WAN = Decimal(10) ** 9  # a whole area's budget (10万亿元), beyond one amount's MONEY_MAX_WAN


class FiscalYearForm(forms.Form):
    budget_revenue = MoneyField(label=_("一般公共预算收入（万元）"), max_wan=AREA_MAX_WAN)
    budget_expenditure = MoneyField(label=_("一般公共预算支出（万元）"), max_wan=AREA_MAX_WAN)
    own_commitment = MoneyField(
        label=_("区级民生投入承诺（万元）"),
        required=False,
        max_wan=AREA_MAX_WAN,
        help_text=_("留空则按资金计划中的区级资金合计"),
    )
    warn_pct = QuantityField(label=_("提示阈值（%）"), max_value=100, initial=Decimal(10))
    alarm_pct = QuantityField(label=_("警示阈值（%）"), max_value=100, initial=Decimal(15))
    note = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    reason = forms.CharField(label=_("修改原因"), max_length=300, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, fiscal: FiscalYear | None = None, **kwargs: Any) -> None:
        if fiscal is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "budget_revenue": fiscal.budget_revenue,
                "budget_expenditure": fiscal.budget_expenditure,
                "own_commitment": fiscal.own_commitment,
                "warn_pct": fiscal.warn_share * HUNDRED,
                "alarm_pct": fiscal.alarm_share * HUNDRED,
                "note": fiscal.note,
                "version": fiscal.version,
            }
        super().__init__(*args, **kwargs)
        for name in ("warn_pct", "alarm_pct"):
            self.fields[name].decimal_places = 2
        _style(self)

    def data_for_service(self) -> dict[str, Any]:
        """The cleaned values as the model stores them (元, shares as fractions)."""
        data = self.cleaned_data
        return {
            "budget_revenue": data["budget_revenue"],
            "budget_expenditure": data["budget_expenditure"],
            "own_commitment": data["own_commitment"],
            "warn_share": numbers.safe_quantize(data["warn_pct"] / HUNDRED, Decimal("0.0001")),
            "alarm_share": numbers.safe_quantize(data["alarm_pct"] / HUNDRED, Decimal("0.0001")),
            "note": data["note"],
        }
