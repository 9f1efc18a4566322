from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from catalogue.models import Project
from orgs.models import Organisation


class ProjectForm(forms.ModelForm):
    """Fields are cut down to what the caller may edit (catalogue.services.project_editable_fields)."""

    content_items_text = forms.CharField(
        label=_("建设（实施）内容"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("每行一项"),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(label=_("修改原因"), max_length=500, widget=forms.TextInput)

    class Meta:
        model = Project
        fields = [
            "name",
            "kind",
            "summary",
            "lead_department",
            "co_lead_departments",
            "implementing_units",
            "assignment_is_default",
        ]
        widgets = {"summary": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args: Any, editable: tuple[str, ...], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in list(self._meta.fields):
            if name not in editable:
                del self.fields[name]
        orgs = Organisation.objects.filter(is_active=True).order_by("order", "name")
        for name in ("lead_department", "co_lead_departments", "implementing_units"):
            if name in self.fields:
                self.fields[name].queryset = orgs
        if self.instance.pk:
            self.fields["content_items_text"].initial = "\n".join(
                c.name for c in self.instance.content_items.all()
            )
            self.fields["version"].initial = self.instance.version
        for field in self.fields.values():
            css = "form-check-input" if isinstance(field.widget, forms.CheckboxInput) else "form-control"
            if isinstance(field.widget, forms.Select) and not isinstance(field.widget, forms.SelectMultiple):
                css = "form-select"
            field.widget.attrs.setdefault("class", css)

    def content_items(self) -> list[str]:
        return self.cleaned_data["content_items_text"].splitlines()

    def changes(self) -> dict[str, Any]:
        skip = {"content_items_text", "version", "reason"}
        return {k: v for k, v in self.cleaned_data.items() if k not in skip}
