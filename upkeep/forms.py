"""Forms of the asset register: registering an asset (money in 万元, core.forms.MoneyField) and a check."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy

from catalogue.forms import _style
from core.forms import CountField, MoneyField
from orgs.models import CUSTODIAN_KINDS
from orgs.selectors import organisations_for_kinds
from upkeep import selectors
from upkeep.models import Asset, Check


class CheckForm(forms.Form):
    date = forms.DateField(label=gettext_lazy("检查日期"), widget=forms.DateInput(attrs={"type": "date"}))
    condition = forms.ChoiceField(label=gettext_lazy("状况"), choices=Check.Condition.choices)
    note = forms.CharField(
        label=gettext_lazy("检查情况"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    photo = forms.FileField(label=gettext_lazy("照片"), required=False)

    def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        _style(self)


class AssetForm(forms.ModelForm):
    fund_amount = MoneyField(label=gettext_lazy("年度管护经费（万元）"), required=False)
    check_interval_days = CountField(label=gettext_lazy("检查周期（天）"), max_value=3660)

    class Meta:
        model = Asset
        fields = [
            "project",
            "name",
            "location",
            "quantity",
            "owner",
            "custodian",
            "responsible_person",
            "phone",
            "fund_amount",
            "fund_source",
            "period_start",
            "period_end",
            "check_interval_days",
        ]
        widgets = {
            "period_start": forms.DateInput(attrs={"type": "date"}),
            "period_end": forms.DateInput(attrs={"type": "date"}),
        }

    def __init__(self, *args, user, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = selectors.plannable_projects(user=user)
        self.fields["custodian"].queryset = organisations_for_kinds(
            CUSTODIAN_KINDS, keep=[self.instance.custodian_id]
        )
        _style(self)
