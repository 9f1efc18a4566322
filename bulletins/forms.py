from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from bulletins.models import Bulletin, Kind
from bulletins.services import EDITABLE_PARTS


def _style(form: forms.Form) -> None:
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput):
            widget.attrs.setdefault("class", "form-check-input")
        elif isinstance(widget, forms.Select):
            widget.attrs.setdefault("class", "form-select")
        elif not isinstance(widget, forms.HiddenInput):
            widget.attrs.setdefault("class", "form-control")


class GenerateForm(forms.Form):
    period = forms.ModelChoiceField(label=_("统计月份"), queryset=None, empty_label=None)
    kind = forms.ChoiceField(label=_("文种"), choices=Kind.choices, initial=Kind.BRIEFING)

    def __init__(self, *args: Any, periods: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["period"].queryset = periods
        self.fields["period"].label_from_instance = lambda p: str(p)
        _style(self)


class BulletinForm(forms.ModelForm):
    """The parts of a bulletin the office writes (bulletins.services.bulletin_update)."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(label=_("修改说明"), max_length=500, required=False)

    class Meta:
        model = Bulletin
        fields = list(EDITABLE_PARTS)
        widgets = {
            "issue_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "recipients": forms.Textarea(attrs={"rows": 2}),
            "opening": forms.Textarea(attrs={"rows": 3}),
            "analysis": forms.Textarea(attrs={"rows": 4}),
            "next_steps": forms.Textarea(attrs={"rows": 6}),
            "cc": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = self.instance.version
        if self.instance.kind == Kind.BRIEFING:
            del self.fields["doc_number"]
            del self.fields["recipients"]
        else:
            del self.fields["issue_number"]
        _style(self)

    def parts(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self._meta.fields if name in self.fields}


class IssueForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    confirm = forms.BooleanField(label=_("已核对以上提醒，确认印发"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _style(self)
