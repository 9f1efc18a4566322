from __future__ import annotations

import time
from typing import Any

from django import forms
from django.core import signing
from django.utils.translation import gettext_lazy as _

from core.forms import CountField, cap_text
from orgs.models import UNIT_KINDS
from orgs.selectors import organisations_for_kinds
from surveys.models import Method, Response, Wave

MIN_SECONDS = 3
MAX_AGE = 86400


def _style(form: forms.Form) -> None:
    cap_text(form)
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput):
            widget.attrs.setdefault("class", "form-check-input")
        elif isinstance(widget, forms.Select):
            widget.attrs.setdefault("class", "form-select")
        elif not isinstance(widget, forms.RadioSelect):
            widget.attrs.setdefault("class", "form-control")


class WaveForm(forms.Form):
    project = forms.ModelChoiceField(label=_("项目"), queryset=None)  # type: ignore[arg-type]
    unit = forms.ModelChoiceField(label=_("调查单位"), queryset=None)  # type: ignore[arg-type]
    questionnaire = forms.ModelChoiceField(label=_("问卷"), queryset=None)  # type: ignore[arg-type]
    name = forms.CharField(label=_("调查名称"), max_length=100)
    method = forms.ChoiceField(label=_("调查方式"), choices=Method.choices)
    sample_size = CountField(label=_("计划样本量"), max_value=100000)
    start = forms.DateField(label=_("开始日期"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("结束日期"), widget=forms.DateInput(attrs={"type": "date"}))
    is_open = forms.BooleanField(label=_("接受网上答卷（调查方式为线上时）"), required=False)

    def __init__(self, *args: Any, projects: Any, questionnaires: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = projects
        self.fields["unit"].queryset = organisations_for_kinds(UNIT_KINDS)
        self.fields["questionnaire"].queryset = questionnaires
        _style(self)

    def clean_sample_size(self) -> int:
        value = self.cleaned_data["sample_size"]
        if value < 1:
            raise forms.ValidationError(_("计划样本量须至少为1"))
        return value


class WaveEditForm(forms.Form):
    name = forms.CharField(label=_("调查名称"), max_length=100)
    method = forms.ChoiceField(label=_("调查方式"), choices=Method.choices)
    sample_size = CountField(label=_("计划样本量"), max_value=100000)
    start = forms.DateField(label=_("开始日期"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("结束日期"), widget=forms.DateInput(attrs={"type": "date"}))
    is_open = forms.BooleanField(label=_("接受网上答卷（调查方式为线上时）"), required=False)
    is_published = forms.BooleanField(label=_("在门户网站公开调查结果"), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, wave: Wave, **kwargs: Any) -> None:
        initial = {
            f: getattr(wave, f)
            for f in ("name", "method", "sample_size", "start", "end", "is_open", "is_published")
        }
        initial["version"] = wave.version
        super().__init__(*args, initial=initial, **kwargs)
        _style(self)


class AnswerForm(forms.Form):
    """One answer sheet: a radio group per question. ``public``: the portal's spam resistance without personal
    data (a hidden honeypot field and a signed render time with a one-time nonce, as the feedback form)."""

    def __init__(self, *args: Any, wave: Wave, public: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.public = public
        self.questions = list(wave.questionnaire.questions.prefetch_related("options"))
        for question in self.questions:
            self.fields[f"q{question.pk}"] = forms.TypedChoiceField(
                label=f"{question.order}. {question.text}",
                coerce=int,
                choices=[(o.pk, o.label) for o in question.options.all()],
                widget=forms.RadioSelect(attrs={"class": "btn-check"}),
                error_messages={"required": _("请选择一项")},
            )
        if public:
            from portal.forms import feedback_token

            self.fields["website"] = forms.CharField(
                required=False, widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"})
            )
            self.fields["token"] = forms.CharField(widget=forms.HiddenInput, initial=feedback_token())

    def question_fields(self) -> list[Any]:
        return [self[f"q{q.pk}"] for q in self.questions]

    def choices(self) -> dict[int, int]:
        return {q.pk: self.cleaned_data[f"q{q.pk}"] for q in self.questions}

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not self.public:
            return data
        from portal.forms import SALT as FEEDBACK_SALT

        if data.get("website"):
            raise forms.ValidationError(_("提交失败。"))
        try:
            token = signing.loads(data.get("token", ""), salt=FEEDBACK_SALT, max_age=MAX_AGE)
            started, nonce = float(token["t"]), str(token["n"])
        except (signing.BadSignature, TypeError, KeyError, ValueError) as exc:
            raise forms.ValidationError(_("页面已过期，请刷新后再提交。")) from exc
        if time.time() - started < MIN_SECONDS:
            raise forms.ValidationError(_("提交过快，请稍后再试。"))
        if Response.objects.filter(token_nonce=nonce).exists():
            raise forms.ValidationError(_("该答卷已提交，请勿重复提交"))
        data["nonce"] = nonce
        return data


class ImportForm(forms.Form):
    file = forms.FileField(label=_("答卷表格（.xlsx、.xls、.ods）"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _style(self)
