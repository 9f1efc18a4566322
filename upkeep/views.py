from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from catalogue.forms import _style
from catalogue.models import Project
from core.forms import CountField, MoneyField
from core.policy import can, restrict
from orgs.models import CUSTODIAN_KINDS
from orgs.selectors import organisations_for_kinds
from upkeep import selectors, services
from upkeep.models import Asset, Check


class CheckForm(forms.Form):
    date = forms.DateField(label=gettext_lazy("检查日期"), widget=forms.DateInput(attrs={"type": "date"}))
    condition = forms.ChoiceField(label=gettext_lazy("状况"), choices=Check.Condition.choices)
    note = forms.CharField(
        label=gettext_lazy("检查情况"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    photo = forms.FileField(label=gettext_lazy("照片"), required=False)

    def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        _style(self)


class AssetForm(forms.ModelForm):
    fund_amount = MoneyField(label=gettext_lazy("年度管护经费（万元）"), required=False)
    check_interval_days = CountField(label=gettext_lazy("检查周期（天）"), max_value=3660)

    class Meta:
        model = Asset
        fields = [
            "project",
            "name",
            "location",
            "quantity",
            "owner",
            "custodian",
            "responsible_person",
            "phone",
            "fund_amount",
            "fund_source",
            "period_start",
            "period_end",
            "check_interval_days",
        ]
        widgets = {
            "period_start": forms.DateInput(attrs={"type": "date"}),
            "period_end": forms.DateInput(attrs={"type": "date"}),
        }

    def __init__(self, *args, user, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        plannable = restrict(Project.objects.filter(program__is_sample=False), user, "plan")
        self.fields["project"].queryset = plannable.select_related("program").order_by(
            "-program__year", "order"
        )
        self.fields["custodian"].queryset = organisations_for_kinds(
            CUSTODIAN_KINDS, keep=[self.instance.custodian_id]
        )
        _style(self)


@login_required
def index(request: HttpRequest) -> HttpResponse:
    """Assets and the attention lists; 民生办 and lead departments register assets of their projects here."""
    form = AssetForm(request.POST or None, user=request.user)
    may_register = form.fields["project"].queryset.exists()
    if request.method == "POST":
        if not may_register:
            raise PermissionDenied
        if form.is_valid():
            try:
                asset = services.asset_save(
                    actor=request.user, data=dict(form.cleaned_data), reason="登记管护资产"
                )
                messages.success(request, _("已登记资产。"))
                return redirect("upkeep:asset_detail", pk=asset.pk)
            except (ValidationError, PermissionDenied) as exc:
                messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
    context = {
        "assets": selectors.assets(user=request.user),
        "attention": selectors.attention(user=request.user),
        "form": form if may_register else None,
    }
    return render(request, "upkeep/index.html", context)


@login_required
def asset_detail(request: HttpRequest, pk: int) -> HttpResponse:
    asset = get_object_or_404(selectors.assets(user=request.user), pk=pk)
    form = CheckForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.asset_check(actor=request.user, asset=asset, **form.cleaned_data)
            messages.success(request, _("已登记检查。"))
            return redirect("upkeep:asset_detail", pk=pk)
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
    return render(
        request,
        "upkeep/asset_detail.html",
        {
            "asset": asset,
            "form": form,
            "may_check": can(request.user, "change", asset),
            "checks": asset.checks.select_related("finding"),
        },
    )
