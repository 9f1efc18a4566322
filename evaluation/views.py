"""Pages of 绩效管理: thin — forms in, services for writes, selectors for reads, evaluation.rules for access."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from core.policy import restrict
from core.services import ConflictError
from evaluation import exports, selectors, services
from evaluation.forms import DecisionForm, EvaluationForm, MonitoringForm, TargetForm
from evaluation.models import MonitoringSheet, PerformanceTarget, SelfEvaluation, Status
from evaluation.rules import may_decide, may_draft, may_see_evaluation


def _errors(request: HttpRequest, exc: Exception) -> None:
    if isinstance(exc, ConflictError):
        messages.error(request, _("保存失败：该表已被其他人修改，请刷新后重新填写。"))
    elif isinstance(exc, ValidationError):
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.error(request, str(exc) or _("没有权限"))


def _version(request: HttpRequest) -> int | None:
    try:
        return int(request.POST.get("version") or 0) or None
    except ValueError:
        return None


def _month(request: HttpRequest) -> int:
    try:
        month = int(request.GET.get("month") or selectors.DEFAULT_MONITORING_MONTH)
    except ValueError:
        month = selectors.DEFAULT_MONITORING_MONTH
    return month if 1 <= month <= 12 else selectors.DEFAULT_MONITORING_MONTH


def _download(content: bytes, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response


@login_required
def index(request: HttpRequest, program_pk: int | None = None) -> HttpResponse:
    if not may_see_evaluation(request.user):
        raise PermissionDenied
    program = selectors.evaluation_program(user=request.user, pk=program_pk)
    if program is None:
        return render(request, "evaluation/index.html", {"program": None, "rows": []})
    projects = list(selectors.evaluation_projects(user=request.user, program=program))
    forms = {
        t.project_id: t
        for t in restrict(PerformanceTarget.objects.filter(project__program=program), request.user)
    }
    evals = {
        e.project_id: e
        for e in restrict(SelfEvaluation.objects.filter(project__program=program), request.user)
    }
    rows = [(p, forms.get(p.pk), evals.get(p.pk)) for p in projects]
    return render(
        request,
        "evaluation/index.html",
        {
            "program": program,
            "rows": rows,
            "submitted": Status.SUBMITTED,
            "month": selectors.DEFAULT_MONITORING_MONTH,
        },
    )


@login_required
def target_detail(request: HttpRequest, pk: int) -> HttpResponse:
    project = selectors.project_get(user=request.user, pk=pk)
    sheet = selectors.target_sheet(project=project)
    fmt = request.GET.get("format")
    if fmt in ("docx", "pdf"):
        content, content_type = exports.document_bytes(exports.target_document(sheet), fmt)
        return _download(
            content,
            content_type,
            f"{sheet.form}.{fmt}"
            if sheet.form.pk
            else f"{project.program.year}年{project.name}绩效目标申报表.{fmt}",
        )
    if fmt == "xlsx":
        return _download(
            exports.target_xlsx(sheet),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            f"{project.program.year}年{project.name}绩效目标申报表.xlsx",
        )
    if fmt:
        raise Http404
    may_edit = may_draft(request.user, project) and sheet.form.editable
    form = TargetForm(
        request.POST
        if request.method == "POST" and request.POST.get("action") in ("save", "submit")
        else None,
        instance=sheet.form,
        indicators=sheet.indicators,
        targets={g.indicator.pk: g.target for g in sheet.grid},
    )
    decision = DecisionForm(request.POST if request.POST.get("action") in ("approve", "return") else None)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action in ("save", "submit"):
                if not may_edit:
                    raise PermissionDenied(_("不能修改该绩效目标申报表"))
                if form.is_valid():
                    saved = services.performance_target_save(
                        actor=request.user,
                        project=project,
                        data=form.data_fields(),
                        grid=form.grid(),
                        expected_version=_version(request),
                    )
                    if action == "submit":
                        services.performance_target_submit(
                            actor=request.user, form=saved, expected_version=saved.version
                        )
                        messages.success(request, _("已提交民生办审核。"))
                    else:
                        messages.success(request, _("已保存。"))
                    return redirect("evaluation:target", pk=project.pk)
            elif action in ("approve", "return"):
                if not sheet.form.pk or not may_decide(request.user, sheet.form):
                    raise PermissionDenied(_("只有民生办可以审核"))
                if decision.is_valid():
                    services.performance_target_decide(
                        actor=request.user,
                        form=sheet.form,
                        approve=action == "approve",
                        reason=decision.cleaned_data["reason"],
                        expected_version=_version(request),
                    )
                    messages.success(request, _("已审核通过。") if action == "approve" else _("已退回。"))
                    return redirect("evaluation:target", pk=project.pk)
            else:
                raise PermissionDenied(_("未知操作"))
        except (ValidationError, ConflictError, PermissionDenied) as exc:
            _errors(request, exc)
    return render(
        request,
        "evaluation/target.html",
        {
            "project": project,
            "sheet": sheet,
            "form": form if may_edit else None,
            "decision": decision
            if sheet.form.pk
            and sheet.form.status == Status.SUBMITTED
            and may_decide(request.user, sheet.form)
            else None,
            "history": _history(sheet.form),
        },
    )


def _history(obj: Any) -> Any:
    if not getattr(obj, "pk", None):
        return []
    from core.selectors import history_for

    return history_for(obj)


@login_required
def monitoring(request: HttpRequest, program_pk: int) -> HttpResponse:
    program = selectors.evaluation_program(user=request.user, pk=program_pk)
    if not may_see_evaluation(request.user):
        raise PermissionDenied
    month = _month(request)
    rows = selectors.monitoring_rows(user=request.user, program=program, month=month)
    if request.GET.get("format") == "xlsx":
        return _download(
            exports.monitoring_xlsx(program, month, rows),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            f"{program.year}年绩效运行监控表（1-{month}月）.xlsx",
        )
    return render(
        request,
        "evaluation/monitoring.html",
        {
            "program": program,
            "month": month,
            "months": range(1, 13),
            "rows": rows,
            "at_risk": [r for r in rows if r.at_risk],
            "data_month": rows[0].data_month if rows else None,
        },
    )


@login_required
def monitoring_edit(request: HttpRequest, pk: int, month: int) -> HttpResponse:
    project = selectors.project_get(user=request.user, pk=pk)
    if not 1 <= month <= 12:
        raise Http404
    row = selectors.monitoring_row(user=request.user, project=project, month=month)
    may_edit = may_draft(request.user, project)
    instance = row.sheet or MonitoringSheet(project=project, month=month)
    form = MonitoringForm(
        request.POST if request.method == "POST" else None, instance=instance, indicators=row.indicators
    )
    if request.method == "POST":
        try:
            if not may_edit:
                raise PermissionDenied(_("不能填报该项目的绩效监控"))
            if form.is_valid():
                services.monitoring_save(
                    actor=request.user,
                    project=project,
                    month=month,
                    data=form.data_fields(),
                    expected_version=_version(request),
                )
                messages.success(request, _("已保存。"))
                return redirect(
                    reverse("evaluation:monitoring", args=[project.program_id]) + f"?month={month}"
                )
        except (ValidationError, ConflictError, PermissionDenied) as exc:
            _errors(request, exc)
    return render(
        request,
        "evaluation/monitoring_edit.html",
        {"project": project, "row": row, "form": form if may_edit else None, "month": month},
    )


@login_required
def self_evaluation(request: HttpRequest, pk: int) -> HttpResponse:
    project = selectors.project_get(user=request.user, pk=pk)
    sheet = selectors.evaluation_sheet(project=project)
    evaluation = sheet.evaluation
    may_edit = may_draft(request.user, project) and evaluation.editable
    form = EvaluationForm(
        request.POST
        if request.method == "POST" and request.POST.get("action") in ("save", "submit")
        else None,
        instance=evaluation,
        lines=sheet.result.lines,
    )
    decision = DecisionForm(request.POST if request.POST.get("action") in ("approve", "return") else None)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action in ("save", "submit"):
                if not may_edit:
                    raise PermissionDenied(_("不能修改该绩效自评表"))
                if form.is_valid():
                    saved = services.self_evaluation_save(
                        actor=request.user,
                        project=project,
                        data=form.data_fields(),
                        expected_version=_version(request),
                    )
                    if action == "submit":
                        services.self_evaluation_submit(
                            actor=request.user, evaluation=saved, expected_version=saved.version
                        )
                        messages.success(request, _("已提交民生办复核。"))
                    else:
                        messages.success(request, _("已保存，得分已按数据重新计算。"))
                    return redirect("evaluation:self", pk=project.pk)
            elif action in ("approve", "return"):
                if not evaluation.pk or not may_decide(request.user, evaluation):
                    raise PermissionDenied(_("只有民生办可以复核"))
                if decision.is_valid():
                    services.self_evaluation_decide(
                        actor=request.user,
                        evaluation=evaluation,
                        approve=action == "approve",
                        opinion=decision.cleaned_data["reason"],
                        expected_version=_version(request),
                    )
                    messages.success(request, _("已复核通过。") if action == "approve" else _("已退回。"))
                    return redirect("evaluation:self", pk=project.pk)
            else:
                raise PermissionDenied(_("未知操作"))
        except (ValidationError, ConflictError, PermissionDenied) as exc:
            _errors(request, exc)
    lines = [
        (line, sheet.indicators.get(line.key), form.line_fields(line.key) if may_edit else None)
        for line in sheet.result.lines
    ]
    return render(
        request,
        "evaluation/self.html",
        {
            "project": project,
            "sheet": sheet,
            "lines": lines,
            "form": form if may_edit else None,
            "decision": decision
            if evaluation.pk
            and evaluation.status == Status.SUBMITTED
            and may_decide(request.user, evaluation)
            else None,
            "history": _history(evaluation),
        },
    )
