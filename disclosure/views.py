from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.forms import errors_to_form, errors_to_messages
from core.policy import can, can_any, can_see_history, restrict
from core.selectors import history_for
from core.services import ConflictError
from disclosure import selectors, services
from disclosure.forms import DisclosureForm, FeedbackHandleForm, PublicityForm
from disclosure.models import Feedback
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


# --- public feedback: 民生办 answers or closes it ---------------------------------------------------------

FEEDBACK_FILTERS = {
    "open": gettext_lazy("待处理"),
    "handled": gettext_lazy("已处理"),
    "all": gettext_lazy("全部"),
}


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
        except (ConflictError, ValidationError) as exc:
            errors_to_form(form, exc, conflict=_("保存失败：这条意见已被其他人处理。请刷新页面后再处理。"))
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
