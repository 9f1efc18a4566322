"""Forms of the disclosure page: a publicity activity and a disclosure (公示)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy

from catalogue.forms import _style
from catalogue.models import Program
from core.forms import CountField
from disclosure.models import Disclosure, Feedback, Publicity
from orgs.models import PUBLISHER_KINDS
from orgs.selectors import organisations_for_kinds


class PublicityForm(forms.ModelForm):
    reach = CountField(label=gettext_lazy("覆盖人次"), required=False)

    class Meta:
        model = Publicity
        fields = ["unit", "project", "date", "kind", "title", "reach", "note"]
        widgets = {"date": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, program: Program, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = program.projects.order_by("order")
        self.fields["unit"].queryset = organisations_for_kinds(PUBLISHER_KINDS, keep=[self.instance.unit_id])
        _style(self)


class DisclosureForm(forms.ModelForm):
    class Meta:
        model = Disclosure
        fields = ["unit", "project", "title", "place", "due", "start", "end", "summary"]
        widgets = {k: forms.DateInput(attrs={"type": "date"}) for k in ("due", "start", "end")}

    def __init__(self, *args, program: Program, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = program.projects.order_by("order")
        self.fields["unit"].queryset = organisations_for_kinds(PUBLISHER_KINDS, keep=[self.instance.unit_id])
        _style(self)


class FeedbackHandleForm(forms.Form):
    outcome = forms.ChoiceField(
        label=gettext_lazy("处理结果"),
        choices=[c for c in Feedback._meta.get_field("outcome").choices if c[0]],
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
        initial="answered",
    )
    reply = forms.CharField(
        label=gettext_lazy("答复（处理意见）"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": gettext_lazy("请填写答复（处理意见）：答复内容，或关闭的理由。")},
        help_text=gettext_lazy(
            "写明答复内容或转办情况；关闭时写明理由。群众意见是匿名的，答复只在本系统内留存。"
        ),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _style(self)
