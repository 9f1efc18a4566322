from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from catalogue.forms import _style
from orgs.models import LOCAL_KINDS, UNIT_KINDS
from orgs.selectors import organisations_for_kinds, supervisor_accounts
from supervision.models import Method, Supervisor


class SupervisorForm(forms.ModelForm):
    class Meta:
        model = Supervisor
        fields = [
            "name",
            "category",
            "affiliation",
            "certificate_no",
            "term_start",
            "term_end",
            "phone",
            "user",
            "projects",
            "units",
        ]
        widgets = {
            "term_start": forms.DateInput(attrs={"type": "date"}),
            "term_end": forms.DateInput(attrs={"type": "date"}),
        }

    def __init__(self, *args: Any, program: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if program is not None:
            self.fields["projects"].queryset = program.projects.order_by("order")
        current_units = list(self.instance.units.values_list("pk", flat=True)) if self.instance.pk else []
        self.fields["units"].queryset = organisations_for_kinds(LOCAL_KINDS, keep=current_units)
        # the account of a roster entry is a 特邀监督员 account (or the one it already has)
        accounts = supervisor_accounts()
        if self.instance.user_id:
            accounts = accounts | type(self.instance.user).objects.filter(pk=self.instance.user_id)
        self.fields["user"].queryset = accounts.distinct()
        self.fields["user"].label_from_instance = lambda u: (
            f"{u.get_full_name()}（{u.username}）" if u.get_full_name() else u.username
        )
        _style(self)


class InspectionForm(forms.Form):
    """监督情况表, laid out for a phone: one column, big inputs, camera capture for photos."""

    date = forms.DateField(label=_("监督日期"), widget=forms.DateInput(attrs={"type": "date"}))
    unit = forms.ModelChoiceField(label=_("被监督单位"), queryset=None)
    projects = forms.ModelMultipleChoiceField(
        label=_("监督项目"), queryset=None, widget=forms.SelectMultiple(attrs={"size": 6})
    )
    place = forms.CharField(label=_("地点"), max_length=200)
    methods = forms.MultipleChoiceField(
        label=_("监督方式"), choices=Method.choices, widget=forms.CheckboxSelectMultiple
    )
    summary = forms.CharField(label=_("监督情况"), widget=forms.Textarea(attrs={"rows": 4}))
    suggestions = forms.CharField(
        label=_("意见建议"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    finding = forms.CharField(
        label=_("发现的问题（每行一条，需整改）"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    deadline = forms.DateField(
        label=_("整改期限"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, program: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["projects"].queryset = program.projects.order_by("order")
        self.fields["projects"].label_from_instance = lambda p: f"{p.order}. {p.name}"
        self.fields["unit"].queryset = organisations_for_kinds(UNIT_KINDS)
        _style(self)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("finding", "").strip() and not data.get("deadline"):
            self.add_error("deadline", _("有需要整改的问题时，请填写整改期限"))
        return data


class StepForm(forms.Form):
    text = forms.CharField(label=_("说明"), widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _style(self)
