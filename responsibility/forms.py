from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from catalogue.forms import _style
from core.forms import CountField, MoneyField, QuantityField
from core.numbers import MONEY_MAX_WAN
from responsibility.models import Indicator


class IndicatorForm(forms.ModelForm):
    reason = forms.CharField(label=_("修改原因"), max_length=300, required=False)
    target = QuantityField(label=_("项目年度目标"), required=False)
    order = CountField(label=_("序号"), max_value=10_000)

    class Meta:
        model = Indicator
        fields = ["name", "unit", "category", "direction", "cumulative", "additive", "target", "order"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _style(self)


class TargetGridForm(forms.Form):
    """One input per (indicator, unit): name ``t-<indicator>-<unit>``; empty means no target for that unit."""

    reason = forms.CharField(label=_("修改原因"), max_length=300, required=False)

    def __init__(
        self,
        *args: Any,
        indicators: list[Any],
        units: list[Any],
        current: dict[tuple[int, int], Any],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.cells: list[tuple[Any, Any, str]] = []
        self.project_targets: list[tuple[Any, str]] = []
        for ind in indicators:
            name = f"p-{ind.pk}"
            self.fields[name] = QuantityField(
                required=False, label=f"{ind.name}·{_('项目目标')}", initial=ind.target
            )
            self.fields[name].widget.attrs.update(
                {"class": "form-control form-control-sm", "aria-label": self.fields[name].label}
            )
            self.project_targets.append((ind, name))
            for unit in units:
                name = f"t-{ind.pk}-{unit.pk}"
                self.fields[name] = QuantityField(
                    required=False,
                    label=f"{ind.name}·{unit.display_name}",
                    initial=current.get((ind.pk, unit.pk)),
                )
                self.fields[name].widget.attrs.update(
                    {
                        "class": "form-control form-control-sm",
                        "inputmode": "decimal",
                        "aria-label": self.fields[name].label,
                    }
                )
                self.cells.append((ind, unit, name))
        _style(self)


class FundingLineForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("单位"), queryset=None, required=False, empty_label=_("项目整体"))
    source = forms.ChoiceField(label=_("资金来源"))
    original = MoneyField(label=_("年初预算（万元）"))
    reason = forms.CharField(label=_("说明"), max_length=300, required=False)

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        from funding.models import Source

        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["source"].choices = Source.choices
        _style(self)


class AdjustmentForm(forms.Form):
    delta = MoneyField(label=_("调整额（万元，减少填负数）"), min_wan=-MONEY_MAX_WAN)
    date = forms.DateField(label=_("调整日期"), widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(label=_("调整原因"), max_length=300)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _style(self)
        for (
            field
        ) in self.fields.values():  # one form per funding line on the page: named by aria-label, not id
            field.widget.attrs["aria-label"] = field.label


class SignForm(forms.Form):
    signed_date = forms.DateField(label=_("签订日期"), widget=forms.DateInput(attrs={"type": "date"}))
    signer = forms.CharField(label=_("签订人"), max_length=50, required=False)
    scan = forms.FileField(label=_("签字盖章扫描件（PDF、PNG或JPEG，不超过10MB）"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _style(self)
