from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import NumberField, cap_text


class AlertRuleForm(forms.Form):
    label = forms.CharField(label=_("名称"), max_length=100, required=False)
    yellow = NumberField(label=_("黄灯阈值"), max_digits=10, decimal_places=2, max_value=10**7)
    red = NumberField(label=_("红灯阈值"), max_digits=10, decimal_places=2, max_value=10**7)
    enabled = forms.BooleanField(label=_("启用"), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    reason = forms.CharField(label=_("修改原因"), max_length=200, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field.widget, forms.CheckboxInput):
                field.widget.attrs["class"] = "form-check-input"
            elif not isinstance(field.widget, forms.HiddenInput):
                field.widget.attrs["class"] = "form-control form-control-sm"
        cap_text(self)

    def data_for_service(self) -> dict[str, Any]:
        return {k: self.cleaned_data[k] for k in ("label", "yellow", "red", "enabled")}
