from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from orgs.models import ROLE_KINDS, Membership, Organisation, Role
from orgs.rules import assignable_roles
from orgs.selectors import organisations_for_roles
from orgs.services import CONTACT_FIELDS, AccountData


class ContactForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(label=_("修改原因"), max_length=500, required=False)

    class Meta:
        model = Organisation
        fields = list(CONTACT_FIELDS)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = self.instance.version
        for f in self.fields.values():
            f.widget.attrs.setdefault("class", "form-control")

    def changes(self) -> dict[str, str]:
        return {k: self.cleaned_data[k] for k in CONTACT_FIELDS}


class OrganisationSelect(forms.Select):
    """Each option carries the roles its organisation fits (``data-roles``); static/js/app.js hides the
    options that do not fit the role chosen in the select named by ``data-roles-from``."""

    def __init__(self, *args: Any, fits: dict[int, list[str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fits = fits or {}

    def create_option(
        self, name: str, value: Any, label: Any, selected: Any, index: int, **kwargs: Any
    ) -> Any:
        option = super().create_option(name, value, label, selected, index, **kwargs)
        pk = getattr(value, "value", value)
        if pk not in (None, ""):
            option["attrs"]["data-roles"] = " ".join(self.fits.get(int(pk), []))
        return option


def _organisation_label(org: Organisation) -> str:
    """The name with its kind, unless the name says it already (开发区, not 开发区（开发区）)."""
    kind = str(org.get_kind_display())
    return org.name if org.name.endswith(kind) else f"{org.name}（{kind}）"


def _style(form: forms.Form) -> None:
    for field in form.fields.values():
        css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
        field.widget.attrs.setdefault("class", css)


class UserForm(forms.Form):
    """Create or edit an account: name, username, role and organisation in one form."""

    name = forms.CharField(label=_("姓名"), max_length=150)
    username = forms.CharField(label=_("账号"), max_length=150, help_text=_("登录用的用户名，如拼音或工号"))
    role = forms.ChoiceField(label=_("角色"))
    organisation = forms.ModelChoiceField(label=_("所属单位"), queryset=Organisation.objects.none())
    phone = forms.CharField(label=_("手机"), max_length=30, required=False)
    title = forms.CharField(label=_("职务"), max_length=50, required=False)
    reason = forms.CharField(label=_("原因（记入操作记录）"), max_length=500, required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        roles = assignable_roles(user)
        self.fields["role"].choices = [("", "---------")] + [(r, Role(r).label) for r in roles]
        organisations = organisations_for_roles(roles)
        fits = {o.pk: [r for r in roles if o.kind in ROLE_KINDS[r]] for o in organisations}
        field = self.fields["organisation"]
        field.queryset = organisations
        field.widget = OrganisationSelect(fits=fits, attrs={"data-roles-from": "id_role"})
        field.widget.choices = field.choices
        field.label_from_instance = _organisation_label
        _style(self)

    def data_object(self) -> AccountData:
        d = self.cleaned_data
        return AccountData(
            username=d["username"].strip(),
            name=d["name"].strip(),
            organisation=d["organisation"],
            role=d["role"],
            phone=d["phone"].strip(),
            title=d["title"].strip(),
        )

    @classmethod
    def initial_for(cls, account: Any, membership: Membership | None) -> dict[str, Any]:
        initial: dict[str, Any] = {"name": account.get_full_name(), "username": account.username}
        if membership is not None:
            initial.update(
                role=membership.role,
                organisation=membership.organisation_id,
                phone=membership.phone,
                title=membership.title,
            )
        return initial


class AccountActionForm(forms.Form):
    """Deactivate / reactivate / reset password: a reason for the audit trail."""

    reason = forms.CharField(label=_("原因"), max_length=500)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _style(self)


class UserFilterForm(forms.Form):
    q = forms.CharField(label=_("搜索"), required=False, max_length=100)
    organisation = forms.ModelChoiceField(
        label=_("单位"), queryset=Organisation.objects.none(), required=False, empty_label=_("全部单位")
    )
    role = forms.ChoiceField(label=_("角色"), required=False)
    active = forms.ChoiceField(
        label=_("状态"),
        required=False,
        choices=[("", _("全部")), ("1", _("启用")), ("0", _("已停用"))],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.filter(is_sample=False).order_by(
            "kind", "order", "name"
        )
        self.fields["role"].choices = [("", _("全部角色")), *Role.choices, ("none", _("未分配"))]
        _style(self)
        self.fields["q"].widget.attrs["placeholder"] = _("姓名、账号、手机")

    def filters(self) -> dict[str, Any]:
        if not self.is_valid():
            return {}
        d = self.cleaned_data
        active = {"1": True, "0": False}.get(d.get("active") or "")
        return {
            "q": (d.get("q") or "").strip(),
            "organisation": d.get("organisation"),
            "role": d.get("role") or "",
            "active": active,
        }


class UsersImportForm(forms.Form):
    file = forms.FileField(label=_("Excel 文件"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].widget.attrs.update({"class": "form-control", "accept": ".xlsx,.xls,.ods"})
