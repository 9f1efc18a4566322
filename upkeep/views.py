from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from core.forms import errors_to_messages
from core.policy import can
from upkeep import selectors, services
from upkeep.forms import AssetForm, CheckForm


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
                errors_to_messages(request, exc)
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
            errors_to_messages(request, exc)
    return render(
        request,
        "upkeep/asset_detail.html",
        {
            "asset": asset,
            "form": form,
            "may_check": can(request.user, "change", asset),
            "checks": selectors.asset_checks(asset=asset),
        },
    )
