"""The program's 财力 page: the 财力匹配 result and, for 民生办, the form that sets the year's figures."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from catalogue import selectors as catalogue_selectors
from core.forms import errors_to_form, form_errors
from core.policy import can, can_any
from core.services import ConflictError
from funding import selectors, services
from funding.forms import FiscalYearForm
from funding.models import FiscalYear


@login_required
def fiscal_year(request: HttpRequest, pk: int) -> HttpResponse:
    program = catalogue_selectors.program_get(user=request.user, pk=pk)
    check = selectors.fiscal_check(user=request.user, program=program)
    if check is None:
        raise PermissionDenied(_("您无权查看年度财力。"))
    fiscal = check.fiscal
    manage = can(request.user, "change", fiscal) if fiscal else can_any(request.user, "change", FiscalYear)
    form = FiscalYearForm(request.POST or None, fiscal=fiscal)
    if request.method == "POST":
        if not manage:
            raise PermissionDenied(_("只有民生办可以维护年度财力。"))
        if form.is_valid():
            try:
                services.fiscal_year_set(
                    actor=request.user,
                    organisation=selectors.fiscal_area(program),
                    year=program.year,
                    data=form.data_for_service(),
                    reason=form.cleaned_data["reason"],
                    expected_version=form.cleaned_data["version"],
                )
            except (ConflictError, ValidationError) as exc:
                errors_to_form(form, exc)
            else:
                messages.success(request, _("年度财力已保存。"))
                return redirect("funding:fiscal_year", pk=program.pk)
        else:
            for message in form_errors(form):
                messages.error(request, message)
    return render(
        request,
        "funding/fiscal_year.html",
        {"program": program, "fiscal": check, "form": form, "manage": manage},
    )
