"""The forms of the performance pages: thin, numbers through core.forms, choices from the models."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from catalogue.forms import _style
from core.forms import MoneyField, QuantityField
from core.templatetags.labels import year_label
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


# --- 目标管理绩效考评 -----------------------------------------------------------------------------------------


class _StyledForm(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _style(self)


class _StyledModelForm(forms.ModelForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _style(self)


class SchemeForm(_StyledForm):
    title = forms.CharField(label=_("考评办法名称"), max_length=100)
    objection_days = forms.IntegerField(label=_("申诉期限（天）"), min_value=1, max_value=60)
    bands = forms.CharField(
        label=_("档次"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("每行一档：名称 最低分（含本数），如“优秀 90”"),
    )

    constrain_bottom = forms.IntegerField(
        label=_("建议约束的末位单位数"),
        required=False,
        min_value=0,
        max_value=50,
        help_text=_("每个排名组名次最后的若干单位建议通报批评或约谈；0表示不按名次建议"),
    )
    constrain_lowest_band = forms.BooleanField(label=_("最低档次的单位建议约束"), required=False)

    def clean_bands(self) -> list[dict[str, str]]:
        out = []
        for n, line in enumerate(self.cleaned_data["bands"].splitlines(), start=1):
            if not line.strip():
                continue
            parts = line.split()
            if len(parts) != 2:
                raise forms.ValidationError(_("档次第%(n)d行应为“名称 最低分”") % {"n": n})
            out.append({"label": parts[0], "min": parts[1]})
        return out


def bands_text(bands: list[dict[str, Any]]) -> str:
    return "\n".join(f"{b['label']} {b['min']}" for b in bands)


class TrackForm(_StyledModelForm):
    class Meta:
        from evaluation.models import Track

        model = Track
        fields = ["order", "name", "kind", "applies_to", "scorer"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from orgs.models import DEPARTMENT_KINDS
        from orgs.selectors import organisations_for_kinds

        self.fields["scorer"].queryset = organisations_for_kinds(DEPARTMENT_KINDS)


class ItemForm(_StyledModelForm):
    class Meta:
        from evaluation.models import Item

        model = Item
        fields = [
            "order",
            "name",
            "points",
            "rule",
            "metric",
            "per_failure",
            "sample_source",
            "sample_size",
            "criteria",
        ]
        widgets = {"criteria": forms.Textarea(attrs={"rows": 2})}


class ComputeForm(_StyledForm):
    month = forms.IntegerField(label=_("截至月份"), min_value=1, max_value=12, initial=12)
    annual = forms.BooleanField(label=_("年度考评"), required=False)


class ManualScoreForm(_StyledForm):
    value = forms.DecimalField(label=_("得分"), max_digits=6, decimal_places=2, min_value=0)
    evidence = forms.CharField(label=_("评分依据"), widget=forms.Textarea(attrs={"rows": 2}))
    scorer_name = forms.CharField(label=_("评分人"), max_length=50)
    evidence_file = forms.FileField(label=_("依据材料"), required=False)


class ObjectionForm(_StyledForm):
    text = forms.CharField(label=_("申诉理由"), widget=forms.Textarea(attrs={"rows": 3}))


class AnswerForm(_StyledForm):
    answer = forms.CharField(label=_("答复意见"), widget=forms.Textarea(attrs={"rows": 2}))
    new_score = forms.DecimalField(
        label=_("复核后得分"),
        max_digits=6,
        decimal_places=2,
        min_value=0,
        required=False,
        help_text=_("不改变得分请留空"),
    )


class RescoreForm(_StyledForm):
    value = forms.DecimalField(label=_("复核后得分"), max_digits=6, decimal_places=2, min_value=0)
    reason = forms.CharField(label=_("复核理由"), widget=forms.Textarea(attrs={"rows": 2}))


TEXT_MAX = 2000
POOL_MAX_WAN = 100_000  # 10亿元: far above any district's reward pool


class RewardPoolForm(_StyledForm):
    """The reward pool of a run: amount in 万元, the rule, per-band amounts (``band-<n>``), the units taking part,
    where the shares are recorded."""

    amount = MoneyField(label=_("奖补资金总额（万元）"), min_wan=Decimal("0.01"), max_wan=POOL_MAX_WAN)
    rule = forms.ChoiceField(label=_("分配方式"))
    applies_to = forms.ChoiceField(label=_("分配对象"))
    min_band = forms.ChoiceField(label=_("参与分配的最低档次"), required=False)
    target = forms.ChoiceField(label=_("列入方式"))
    project = forms.ModelChoiceField(label=_("列入项目"), queryset=None)
    source = forms.ChoiceField(label=_("资金来源"))
    note = forms.CharField(
        label=_("说明"), required=False, max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 2})
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, bands: list[dict[str, Any]], projects: Any, **kwargs: Any) -> None:
        from evaluation.models import Applies, RewardRule, RewardTarget
        from funding.models import Source

        super().__init__(*args, **kwargs)
        self.bands = [str(b["label"]) for b in bands]
        self.fields["rule"].choices = RewardRule.choices
        self.fields["applies_to"].choices = Applies.choices
        self.fields["min_band"].choices = [("", _("所有单位"))] + [(b, b) for b in self.bands]
        self.fields["target"].choices = RewardTarget.choices
        self.fields["project"].queryset = projects
        self.fields["project"].label_from_instance = lambda p: f"{year_label(p.program.year)} {p.name}"
        self.fields["source"].choices = Source.choices
        for n, label in enumerate(self.bands):
            self.fields[f"band-{n}"] = MoneyField(
                label=_("%(band)s档每个单位定额（万元）") % {"band": label},
                required=False,
                max_wan=POOL_MAX_WAN,
            )
        _style(self)

    def service_data(self) -> dict[str, Any]:
        d = self.cleaned_data
        amounts = {
            label: str(d[f"band-{n}"]) for n, label in enumerate(self.bands) if d.get(f"band-{n}") is not None
        }
        return {
            "amount": d["amount"],
            "rule": d["rule"],
            "band_amounts": amounts,
            "min_band": d.get("min_band") or "",
            "applies_to": d["applies_to"],
            "target": d["target"],
            "project": d["project"],
            "source": d["source"],
            "note": d.get("note") or "",
        }

    @staticmethod
    def initial_for(pool: Any, bands: list[dict[str, Any]]) -> dict[str, Any]:
        if pool is None:
            return {}
        out: dict[str, Any] = {
            name: getattr(pool, name)
            for name in ("amount", "rule", "applies_to", "min_band", "target", "project", "source", "note")
        }
        out["version"] = pool.version
        for n, b in enumerate(bands):
            raw = (pool.band_amounts or {}).get(str(b["label"]))
            if raw not in (None, ""):
                out[f"band-{n}"] = Decimal(str(raw))
        return out


class ReverseForm(_StyledForm):
    reason = forms.CharField(
        label=_("撤销原因"), max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 2})
    )


class ConstraintForm(_StyledForm):
    unit = forms.TypedChoiceField(label=_("单位"), coerce=int)
    kind = forms.ChoiceField(label=_("约束方式"))
    reason = forms.CharField(label=_("事由"), max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 2}))
    date = forms.DateField(label=_("日期"), widget=forms.DateInput(attrs={"type": "date"}))
    attendees = forms.CharField(
        label=_("参加人员"),
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("约谈时必填：约谈人和被约谈人"),
    )
    commitments = forms.CharField(
        label=_("表态和承诺"),
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("约谈时必填"),
    )
    deadline = forms.DateField(
        label=_("整改期限"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, units: list[tuple[int, str]], **kwargs: Any) -> None:
        from evaluation.models import ConstraintKind

        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = units
        self.fields["kind"].choices = ConstraintKind.choices
        _style(self)

    def service_data(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {k: d.get(k) for k in ("kind", "reason", "date", "attendees", "commitments", "deadline")}


class CloseForm(_StyledForm):
    follow_up = forms.CharField(
        label=_("跟踪落实情况"), max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 2})
    )
