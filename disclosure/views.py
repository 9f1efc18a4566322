from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Avg, Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from catalogue.forms import _style
from catalogue.models import Program
from core.forms import CountField
from core.policy import restrict
from disclosure import services
from disclosure.models import Disclosure, Feedback, Publicity
from disclosure.rules import may_record_disclosure
from disclosure.selectors import disclosure_program
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


@login_required
def index(request: HttpRequest) -> HttpResponse:
    program = disclosure_program()
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
                messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
    today = timezone.localdate()
    disclosures = restrict(Disclosure.objects.filter(program=program), request.user, "view").select_related(
        "unit", "project"
    )
    feedback = restrict(Feedback.objects.filter(program=program), request.user, "view")
    return render(
        request,
        "disclosure/index.html",
        {
            "program": program,
            "publicity": restrict(
                Publicity.objects.filter(program=program), request.user, "view"
            ).select_related("unit")[:100],
            "disclosures": disclosures,
            "late": [d for d in disclosures if d.start is None and d.due < today]
            + [d for d in disclosures if d.start is not None and d.start > d.due],
            "feedback": feedback[:50],
            "feedback_stats": feedback.aggregate(n=Count("id"), avg=Avg("satisfaction")),
            "pform": pform if may_record else None,
            "dform": dform if may_record else None,
        },
    )
