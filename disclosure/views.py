from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Avg, Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from catalogue.forms import _style
from catalogue.models import Program
from core.forms import CountField
from core.policy import can, can_any, can_see_history, restrict
from core.selectors import history_for
from core.services import ConflictError
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


# --- public feedback: 民生办 answers or closes it ---------------------------------------------------------

FEEDBACK_FILTERS = {
    "open": gettext_lazy("待处理"),
    "handled": gettext_lazy("已处理"),
    "all": gettext_lazy("全部"),
}


class FeedbackHandleForm(forms.Form):
    outcome = forms.ChoiceField(
        label=gettext_lazy("处理结果"),
        choices=[c for c in Feedback._meta.get_field("outcome").choices if c[0]],
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
        initial="answered",
    )
    reply = forms.CharField(
        label=gettext_lazy("答复（处理意见）"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": gettext_lazy("请填写答复（处理意见）：答复内容，或关闭的理由。")},
        help_text=gettext_lazy(
            "写明答复内容或转办情况；关闭时写明理由。群众意见是匿名的，答复只在本系统内留存。"
        ),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _style(self)


def _feedback_visible(request: HttpRequest) -> Any:
    if not can_any(request.user, "view", Feedback):
        raise PermissionDenied
    return restrict(Feedback.objects.all(), request.user, "view").select_related(
        "program", "project", "handled_by"
    )


@login_required
def feedback_list(request: HttpRequest) -> HttpResponse:
    """群众意见: unanswered first; a filter by state; each links to the page where it is handled."""
    rows = _feedback_visible(request)
    status = request.GET.get("status", "open")
    status = status if status in FEEDBACK_FILTERS else "open"
    if status == "open":
        rows = rows.filter(handled=False)
    elif status == "handled":
        rows = rows.filter(handled=True)
    counts = _feedback_visible(request).aggregate(
        open=Count("id", filter=Q(handled=False)), handled=Count("id", filter=Q(handled=True))
    )
    return render(
        request,
        "disclosure/feedback_list.html",
        {
            "rows": rows.order_by("handled", "-created_at")[:200],
            "status": status,
            "filters": FEEDBACK_FILTERS,
            "counts": counts,
            "may_handle": can_any(request.user, "change", Feedback),
        },
    )


@login_required
def feedback_detail(request: HttpRequest, pk: int) -> HttpResponse:
    feedback = get_object_or_404(_feedback_visible(request), pk=pk)
    may_handle = can(request.user, "change", feedback)
    form = None
    if may_handle:
        initial = {
            "version": feedback.version,
            "outcome": feedback.outcome or "answered",
            "reply": feedback.reply,
        }
        form = FeedbackHandleForm(request.POST or None, initial=initial)
    elif request.method == "POST":
        raise PermissionDenied
    if form is not None and request.method == "POST" and form.is_valid():
        try:
            services.feedback_handle(
                actor=request.user,
                feedback=feedback,
                outcome=form.cleaned_data["outcome"],
                reply=form.cleaned_data["reply"],
                expected_version=form.cleaned_data["version"],
            )
        except ConflictError:
            form.add_error(None, _("保存失败：这条意见已被其他人处理。请刷新页面后再处理。"))
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("已处理。"))
            return redirect(f"{reverse('disclosure:feedback_list')}?status=open")
    return render(
        request,
        "disclosure/feedback_detail.html",
        {
            "feedback": feedback,
            "form": form,
            "history": history_for(feedback) if can_see_history(request.user, feedback) else None,
        },
    )
