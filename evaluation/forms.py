"""The forms of the performance pages: thin, numbers through core.forms, choices from the models."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from catalogue.forms import _style
from core.forms import MoneyField, QuantityField
from evaluation import scoring
from evaluation.models import DeviationReason, Likelihood, MonitoringSheet, PerformanceTarget, SelfEvaluation
from responsibility.models import Indicator, Operator, Polarity


class TargetForm(forms.ModelForm):
    """The 申报表's texts and, per indicator, its operator, polarity and qualitative value (``g<id>-…``)."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = PerformanceTarget
        fields = ["overall_goal", "annual_goal", "contact", "phone"]
        widgets = {
            "overall_goal": forms.Textarea(attrs={"rows": 3}),
            "annual_goal": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(
        self, *args: Any, indicators: list[Indicator], targets: dict[int, Any] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.indicators = indicators
        self.targets = targets or {}
        self.fields["version"].initial = self.instance.version
        for i in indicators:
            self.fields[f"g{i.pk}-operator"] = forms.ChoiceField(
                label=_("“%(n)s”指标值符号") % {"n": i.name}, choices=Operator.choices, initial=i.operator
            )
            self.fields[f"g{i.pk}-polarity"] = forms.ChoiceField(
                label=_("“%(n)s”指标性质") % {"n": i.name}, choices=Polarity.choices, initial=i.polarity
            )
            self.fields[f"g{i.pk}-qualitative_value"] = forms.CharField(
                label=_("“%(n)s”定性指标值") % {"n": i.name},
                max_length=100,
                required=False,
                initial=i.qualitative_value,
            )
        _style(self)

    def grid_rows(self) -> list[tuple[Indicator, Any, Any, Any, Any]]:
        return [
            (
                i,
                self.targets.get(i.pk, i.target),
                self[f"g{i.pk}-operator"],
                self[f"g{i.pk}-polarity"],
                self[f"g{i.pk}-qualitative_value"],
            )
            for i in self.indicators
        ]

    def grid(self) -> dict[Indicator, dict[str, Any]]:
        return {
            i: {
                "operator": self.cleaned_data[f"g{i.pk}-operator"],
                "polarity": self.cleaned_data[f"g{i.pk}-polarity"],
                "qualitative_value": self.cleaned_data[f"g{i.pk}-qualitative_value"].strip(),
                "version": i.version,
            }
            for i in self.indicators
        }

    def data_fields(self) -> dict[str, Any]:
        return {k: self.cleaned_data[k] for k in self.Meta.fields}


class DecisionForm(forms.Form):
    reason = forms.CharField(
        label=_("审核意见（退回时必填）"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _style(self)


class MonitoringForm(forms.ModelForm):
    forecast_spent = MoneyField(label=_("全年预计支出（万元）"), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = MonitoringSheet
        fields = ["forecast_spent", "deviation_reason", "deviation_note", "likelihood", "measures"]
        widgets = {
            "deviation_note": forms.Textarea(attrs={"rows": 2}),
            "measures": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, indicators: list[dict[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["deviation_reason"].choices = [("", _("无偏差")), *DeviationReason.choices]
        self.fields["likelihood"].choices = [("", "—"), *Likelihood.choices]
        self.fields["version"].initial = self.instance.version
        self.indicator_rows = indicators
        for ind in indicators:
            if ind.get("id") is None:
                continue
            self.fields[f"f{ind['id']}"] = QuantityField(
                label=_("“%(n)s”全年预计完成值") % {"n": ind["name"]},
                required=False,
                initial=ind.get("forecast"),
            )
        _style(self)

    def rows(self) -> list[tuple[dict[str, Any], Any]]:
        return [(ind, self[f"f{ind['id']}"]) for ind in self.indicator_rows if ind.get("id") is not None]

    def data_fields(self) -> dict[str, Any]:
        data = {k: self.cleaned_data[k] for k in self.Meta.fields}
        data["forecasts"] = {
            str(ind["id"]): self.cleaned_data[f"f{ind['id']}"]
            for ind in self.indicator_rows
            if ind.get("id") is not None and self.cleaned_data.get(f"f{ind['id']}") is not None
        }
        return data


JUDGEMENTS = [("", "—"), *scoring.QUALITATIVE_LABELS.items()]


class EvaluationForm(forms.ModelForm):
    """Weights, the satisfaction value and its source, the department's opinion; per line (``n<key>-…``): not
    applicable, 未完成原因, and for a qualitative indicator its judgement."""

    weight_budget = QuantityField(label=_("预算执行率分值"), decimal_places=2, max_value=100)
    weight_output = QuantityField(label=_("产出指标分值"), decimal_places=2, max_value=100)
    weight_benefit = QuantityField(label=_("效益指标分值"), decimal_places=2, max_value=100)
    weight_satisfaction = QuantityField(label=_("满意度指标分值"), decimal_places=2, max_value=100)
    satisfaction_value = QuantityField(
        label=_("满意度调查结果（%）"), decimal_places=2, max_value=100, required=False
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = SelfEvaluation
        fields = [
            "weight_budget",
            "weight_output",
            "weight_benefit",
            "weight_satisfaction",
            "satisfaction_value",
            "satisfaction_source",
            "department_opinion",
        ]
        widgets = {"department_opinion": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, lines: list[scoring.Line], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lines = lines
        self.fields["version"].initial = self.instance.version
        notes = self.instance.notes or {}
        for line in lines:
            note = notes.get(line.key, {})
            self.fields[f"n{line.key}-na"] = forms.BooleanField(
                label=_("不适用"), required=False, initial=bool(note.get("na"))
            )
            self.fields[f"n{line.key}-reason"] = forms.CharField(
                label=_("未完成原因"), max_length=1000, required=False, initial=note.get("reason", "")
            )
            if line.operator == "qual":
                self.fields[f"n{line.key}-judgement"] = forms.ChoiceField(
                    label=_("完成情况"), choices=JUDGEMENTS, required=False, initial=note.get("judgement", "")
                )
        _style(self)

    def line_fields(self, key: str) -> dict[str, Any]:
        found = {"na": self[f"n{key}-na"], "reason": self[f"n{key}-reason"]}
        if f"n{key}-judgement" in self.fields:
            found["judgement"] = self[f"n{key}-judgement"]
        return found

    def data_fields(self) -> dict[str, Any]:
        data = {k: self.cleaned_data[k] for k in self.Meta.fields}
        notes = {}
        for line in self.lines:
            note = {
                "na": bool(self.cleaned_data.get(f"n{line.key}-na")),
                "reason": (self.cleaned_data.get(f"n{line.key}-reason") or "").strip(),
            }
            if f"n{line.key}-judgement" in self.fields:
                note["judgement"] = self.cleaned_data.get(f"n{line.key}-judgement") or ""
            notes[line.key] = note
        data["notes"] = notes
        return data
