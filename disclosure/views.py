from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from core.forms import errors_to_messages
from disclosure import selectors, services
from disclosure.forms import DisclosureForm, PublicityForm
from disclosure.rules import may_record_disclosure


@login_required
def index(request: HttpRequest) -> HttpResponse:
    program = selectors.disclosure_program()
    may_record = may_record_disclosure(request.user)
    pform = PublicityForm(
        request.POST if request.POST.get("kind_of") == "publicity" else None, program=program, prefix="p"
    )
    dform = DisclosureForm(
        request.POST if request.POST.get("kind_of") == "disclosure" else None, program=program, prefix="d"
    )
    if request.method == "POST":
        if not may_record:
            raise PermissionDenied
        form = pform if request.POST.get("kind_of") == "publicity" else dform
        if form.is_valid():
            try:
                data = {**form.cleaned_data, "program": program}
                if form is pform:
                    services.publicity_record(actor=request.user, data=data)
                else:
                    services.disclosure_record(actor=request.user, data=data)
                messages.success(request, _("已登记。"))
                return redirect("disclosure:index")
            except (ValidationError, PermissionDenied) as exc:
                errors_to_messages(request, exc)
    page = selectors.disclosure_page(user=request.user, program=program)
    return render(
        request,
        "disclosure/index.html",
        {
            "program": program,
            **page,
            "pform": pform if may_record else None,
            "dform": dform if may_record else None,
        },
    )
