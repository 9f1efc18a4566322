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
from core.policy import can
from upkeep import selectors, services
from upkeep.models import Check


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


@login_required
def index(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "upkeep/index.html",
        {"assets": selectors.assets(user=request.user), "attention": selectors.attention(user=request.user)},
    )


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
