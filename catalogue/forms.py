from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from catalogue.models import Program, Project, ProjectProposal
from core.forms import cap_text
from orgs.models import DEPARTMENT_KINDS, UNIT_KINDS
from orgs.selectors import organisations_for_kinds


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
            "assessed",
        ]
        widgets = {"summary": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args: Any, editable: tuple[str, ...], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in list(self._meta.fields):
            if name not in editable:
                del self.fields[name]
        # a lead (or co-lead) department among departments, implementing units among departments and towns;
        # what the project already has stays choosable
        project = self.instance
        current: dict[str, list[Any]] = {
            "lead_department": [project.lead_department_id],
            "co_lead_departments": [],
            "implementing_units": [],
        }
        if project.pk:
            current["co_lead_departments"] = list(project.co_lead_departments.values_list("pk", flat=True))
            current["implementing_units"] = list(project.implementing_units.values_list("pk", flat=True))
        kinds = {
            "lead_department": DEPARTMENT_KINDS,
            "co_lead_departments": DEPARTMENT_KINDS,
            "implementing_units": UNIT_KINDS,
        }
        for name, fitting in kinds.items():
            if name in self.fields:
                self.fields[name].queryset = organisations_for_kinds(fitting, keep=current[name])
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
        cap_text(self)

    def content_items(self) -> list[str]:
        return self.cleaned_data["content_items_text"].splitlines()

    def changes(self) -> dict[str, Any]:
        skip = {"content_items_text", "version", "reason"}
        return {k: v for k, v in self.cleaned_data.items() if k not in skip}


def _style(form: forms.Form) -> None:
    cap_text(form)  # TextFields have no length limit of their own
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput | forms.CheckboxSelectMultiple):
            widget.attrs.setdefault("class", "form-check-input")
        elif isinstance(widget, forms.Select) and not isinstance(widget, forms.SelectMultiple):
            widget.attrs.setdefault("class", "form-select")
        else:
            widget.attrs.setdefault("class", "form-control")


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("原因"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _style(self)


class RenameForm(ReasonForm):
    name = forms.CharField(label=_("新名称"), max_length=100)
    silent = forms.BooleanField(label=_("仍列为继续实施（不作为调整）"), required=False)
    field_order = ["name", "silent", "reason"]


class ContentForm(ReasonForm):
    add = forms.CharField(
        label=_("增加内容"), required=False, widget=forms.Textarea(attrs={"rows": 2}), help_text=_("每行一项")
    )
    remove = forms.MultipleChoiceField(
        label=_("退出内容"), required=False, widget=forms.CheckboxSelectMultiple
    )
    field_order = ["add", "remove", "reason"]

    def __init__(self, *args: Any, items: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["remove"].choices = [(i, i) for i in items]


class SplitForm(ReasonForm):
    names = forms.CharField(
        label=_("拆分后的项目名称"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("每行一个，至少两个"),
    )
    field_order = ["names", "reason"]


class MergeForm(ReasonForm):
    projects = forms.ModelMultipleChoiceField(
        label=_("要合并的项目"),
        queryset=Project.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("第一个勾选的项目保留，其余并入"),
    )
    name = forms.CharField(label=_("合并后的名称"), max_length=100, required=False)
    absorb = forms.BooleanField(label=_("纳入（保留第一个项目的名称）"), required=False)
    field_order = ["projects", "name", "absorb", "reason"]

    def __init__(self, *args: Any, program: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["projects"].queryset = program.projects.order_by("order")
        self.fields["projects"].label_from_instance = lambda p: f"{p.order}. {p.name}"


class NewProjectForm(ReasonForm):
    name = forms.CharField(label=_("项目名称"), max_length=100)
    kind = forms.ChoiceField(label=_("项目类型"), choices=Project._meta.get_field("kind").choices)
    summary = forms.CharField(label=_("项目简介"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    lead_department = forms.ModelChoiceField(label=_("牵头单位"), queryset=None, required=False)
    field_order = ["name", "kind", "summary", "lead_department", "reason"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["lead_department"].queryset = organisations_for_kinds(DEPARTMENT_KINDS)
        self.fields["reason"].required = False


class ProposalForm(forms.ModelForm):
    class Meta:
        model = ProjectProposal
        fields = ["year", "title", "summary", "kind", "source", "proposer", "lead_department"]
        widgets = {"summary": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["lead_department"].queryset = organisations_for_kinds(
            DEPARTMENT_KINDS, keep=[self.instance.lead_department_id]
        )
        _style(self)


class ProposalDecisionForm(ReasonForm):
    program = forms.ModelChoiceField(label=_("列入计划"), queryset=Program.objects.none(), required=False)
    decision = forms.ChoiceField(
        label=_("处理"), choices=[("accept", _("采纳为新增项目")), ("decline", _("不采纳"))]
    )
    field_order = ["decision", "program", "reason"]

    def __init__(self, *args: Any, programs: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["program"].queryset = programs
        self.fields["reason"].required = False


class NoticeForm(forms.ModelForm):
    """The notice's own parts (catalogue.services.program_notice_update)."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    reviewed = forms.MultipleChoiceField(
        label=_("已核对，无需修改"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("由上年文本起草的部分标为“待修改”；修改后或在此勾选后不再提示"),
    )
    reason = forms.CharField(label=_("修改说明"), max_length=500, required=False)

    class Meta:
        model = Program
        fields = ["doc_number", "doc_date", "recipients", "preamble", "requirements", "cc"]
        widgets = {
            "doc_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "recipients": forms.Textarea(attrs={"rows": 2}),
            "preamble": forms.Textarea(attrs={"rows": 6}),
            "requirements": forms.Textarea(attrs={"rows": 12}),
            "cc": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {
            "doc_number": _("如：淮杜政〔2022〕9号"),
            "requirements": _("每段一行；分项写作“（一）标题。内容”"),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        program = self.instance
        self.fields["version"].initial = program.version
        self.fields["reviewed"].choices = [
            (part, Program._meta.get_field(part).verbose_name) for part in program.notice_pending or []
        ]
        if not program.notice_pending:
            del self.fields["reviewed"]
        _style(self)

    def parts(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self._meta.fields}


class PublishForm(forms.Form):
    confirm = forms.BooleanField(label=_("我已逐项核对以上提醒，确认发布"), required=False)
    reason = forms.CharField(label=_("发布说明"), max_length=500, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _style(self)


class DerivationStatusForm(forms.Form):
    """One derived item: 采纳, 调整 (with local overrides) or 不适用 (with a reason)."""

    status = forms.ChoiceField(
        label=_("采纳情况"),
        choices=[
            ("adopted", _("采纳")),
            ("adjusted", _("调整")),
            ("not_applicable", _("不适用")),
        ],
    )
    reason = forms.CharField(label=_("理由"), max_length=500, required=False)
    name = forms.CharField(
        label=_("本级名称"), max_length=100, required=False, help_text=_("调整时填写；留空不改")
    )
    content_items_text = forms.CharField(
        label=_("本级建设内容"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("调整时填写，每行一项；留空不改"),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def overrides(self) -> dict[str, Any]:
        data = self.cleaned_data
        found: dict[str, Any] = {}
        if data.get("name", "").strip():
            found["name"] = data["name"].strip()
        items = [line.strip() for line in data.get("content_items_text", "").splitlines() if line.strip()]
        if items:
            found["content_items"] = items
        return found


class UpperDecisionForm(forms.Form):
    key = forms.CharField(widget=forms.HiddenInput, max_length=80)
    decision = forms.ChoiceField(choices=[("accept", _("接受")), ("decline", _("不接受"))])
    reason = forms.CharField(label=_("理由"), max_length=500, required=False)
