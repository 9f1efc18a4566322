from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from catalogue.models import Program
from core.downloads import file_response, thumbnail_response
from core.forms import errors_to_messages, id_or_404
from core.policy import can_any
from core.services import ConflictError
from supervision import selectors, services
from supervision.forms import InspectionForm, StepForm, SupervisorForm
from supervision.models import Finding, Photo, Supervisor
from supervision.rules import (
    may_answer_finding,
    may_file_inspection,
    may_manage_supervisors,
    may_see_rectification_rates,
    may_verify_finding,
)


def _errors(request: HttpRequest, exc: Exception) -> None:
    errors_to_messages(request, exc, conflict=_("该问题已被其他人处理，请刷新。"))


def _program() -> Program:
    return Program.objects.filter(status=Program.Status.PUBLISHED, is_sample=False).order_by("-year").first()


@login_required
def index(request: HttpRequest) -> HttpResponse:
    overdue = request.GET.get("overdue") == "1"
    return render(
        request,
        "supervision/index.html",
        {
            "findings": selectors.findings(
                user=request.user,
                status=request.GET.get("status", ""),
                overdue=overdue,
                queue=request.GET.get("todo", ""),
            )[:200],
            "inspections": selectors.inspections(user=request.user)[:50],
            "rates": selectors.rectification_rates(user=request.user)
            if may_see_rectification_rates(request.user)
            else [],
            "overdue": overdue,
            "queue": request.GET.get("todo", "") if request.GET.get("todo") in selectors.QUEUES else "",
            "may_file": may_file_inspection(request.user),
            "statuses": Finding.Status.choices,
        },
    )


@login_required
def supervisor_list(request: HttpRequest) -> HttpResponse:
    may_manage = can_any(request.user, "add", Supervisor)
    form = SupervisorForm(request.POST or None, program=_program()) if may_manage else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            data = {k: v for k, v in form.cleaned_data.items() if k not in ("projects", "units")}
            try:
                services.supervisor_register(
                    actor=request.user,
                    data=data,
                    projects=form.cleaned_data["projects"],
                    units=form.cleaned_data["units"],
                )
                messages.success(request, _("已登记特邀监督员。"))
                return redirect("supervision:supervisors")
            except ValidationError as exc:
                _errors(request, exc)
    return render(
        request,
        "supervision/supervisors.html",
        {"supervisors": selectors.supervisors(user=request.user), "form": form},
    )


@login_required
def inspection_new(request: HttpRequest) -> HttpResponse:
    supervisor = selectors.supervisor_of(user=request.user)
    if request.GET.get("supervisor") and may_manage_supervisors(request.user):
        supervisor = get_object_or_404(
            selectors.supervisors(user=request.user), pk=id_or_404(request.GET["supervisor"])
        )
    if supervisor is None or not may_file_inspection(request.user, supervisor):
        return render(
            request, "403.html", {"message": _("只有登记在册的特邀监督员可以填报监督情况表。")}, status=403
        )
    program = _program()
    form = InspectionForm(request.POST or None, request.FILES or None, program=program)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        problems = [line.strip() for line in data["finding"].splitlines() if line.strip()]
        projects = list(data["projects"])
        try:
            inspection = services.inspection_file(
                actor=request.user,
                supervisor=supervisor,
                program=program,
                date=data["date"],
                projects=projects,
                unit=data["unit"],
                place=data["place"],
                methods=data["methods"],
                summary=data["summary"],
                suggestions=data["suggestions"],
                photos=request.FILES.getlist("photos"),
                findings=[
                    {
                        "description": p,
                        "responsible": data["unit"],
                        "deadline": data["deadline"],
                        "project": projects[0] if len(projects) == 1 else None,
                    }
                    for p in problems
                ],
            )
            messages.success(request, _("已提交监督情况表，发现问题%(n)s条已交办。") % {"n": len(problems)})
            return redirect("supervision:inspection_detail", pk=inspection.pk)
        except (ValidationError, PermissionDenied) as exc:
            _errors(request, exc)
    return render(request, "supervision/inspection_form.html", {"form": form, "supervisor": supervisor})


@login_required
def inspection_detail(request: HttpRequest, pk: int) -> HttpResponse:
    inspection = get_object_or_404(selectors.inspections(user=request.user), pk=pk)
    return render(
        request,
        "supervision/inspection_detail.html",
        {"inspection": inspection, "findings": selectors.inspection_findings(inspection=inspection)},
    )


@login_required
def finding_detail(request: HttpRequest, pk: int) -> HttpResponse:
    finding = get_object_or_404(selectors.findings(user=request.user), pk=pk)
    form = StepForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        action, text = request.POST.get("action"), form.cleaned_data["text"]
        try:
            if action == "answer":
                services.finding_answer(
                    actor=request.user, finding=finding, text=text, evidence=request.FILES.getlist("evidence")
                )
            elif action in ("close", "reopen"):
                services.finding_verify(
                    actor=request.user, finding=finding, close=action == "close", text=text
                )
            messages.success(request, _("已记录。"))
            return redirect("supervision:finding_detail", pk=pk)
        except (ValidationError, PermissionDenied, ConflictError) as exc:
            _errors(request, exc)
    return render(
        request,
        "supervision/finding_detail.html",
        {
            "finding": finding,
            "form": form,
            "steps": selectors.finding_steps(finding=finding),
            "may_answer": finding.status in (Finding.Status.OPEN, Finding.Status.REOPENED)
            and may_answer_finding(request.user, finding),
            "may_verify": finding.status == Finding.Status.ANSWERED
            and may_verify_finding(request.user, finding),
        },
    )


def _visible_photo(request: HttpRequest, pk: int) -> Photo:
    """The photo, if its inspection or finding is one the user may see (core.policy via the selectors); else 404."""
    photo = selectors.photo_visible(user=request.user, pk=pk)
    if photo is None:
        raise Http404
    return photo


@login_required
def photo_file(request: HttpRequest, pk: int) -> HttpResponse:
    photo = _visible_photo(request, pk)
    return file_response(photo.file, content_type=photo.content_type, filename=photo.original_name)


@login_required
def photo_thumbnail(request: HttpRequest, pk: int) -> HttpResponse:
    photo = _visible_photo(request, pk)
    return thumbnail_response(photo.file, content_type=photo.content_type)
