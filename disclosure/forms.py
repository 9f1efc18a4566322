"""Forms of the disclosure page: a publicity activity and a disclosure (公示)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy

from catalogue.forms import _style
from catalogue.models import Program
from core.forms import CountField
from disclosure.models import Disclosure, Publicity
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
