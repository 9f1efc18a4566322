"""Pages of 绩效管理: thin — forms in, services for writes, selectors for reads, evaluation.rules for access."""

from __future__ import annotations

from decimal import Decimal
from typing import Any
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from core.policy import restrict
from core.services import ConflictError
from evaluation import exports, selectors, services
from evaluation.forms import DecisionForm, EvaluationForm, MonitoringForm, TargetForm
from evaluation.models import MonitoringSheet, Objection, PerformanceTarget, SelfEvaluation, Status
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


# --- 目标管理绩效考评 -----------------------------------------------------------------------------------------


def _pk(value: Any) -> int:
    """A posted or queried id; anything but digits finds nothing (404), never a 500."""
    text = str(value or "")
    return int(text) if text.isdigit() else 0


def _assessment_program(request: HttpRequest, program_pk: int | None) -> Any:
    from evaluation.rules import may_see_assessment

    if not may_see_assessment(request.user):
        raise PermissionDenied
    return selectors.evaluation_program(user=request.user, pk=program_pk)


@login_required
def assessment(request: HttpRequest, program_pk: int | None = None) -> HttpResponse:
    """The year's scheme (tracks, items, rules and formulas) and its runs; 民生办 creates the scheme from the
    template and computes runs here."""
    from evaluation.assessment import formula
    from evaluation.forms import ComputeForm
    from evaluation.rules import may_manage_assessment

    program = _assessment_program(request, program_pk)
    scheme = selectors.assessment_scheme(program=program) if program else None
    manage = may_manage_assessment(request.user, program)
    compute = ComputeForm(request.POST if request.POST.get("action") == "compute" else None)
    if request.method == "POST":
        if not manage or program is None:
            raise PermissionDenied
        action = request.POST.get("action")
        try:
            if action == "template":
                services.scheme_create_from_template(actor=request.user, program=program)
                messages.success(request, _("已按模板创建考评办法，可继续修改。"))
            elif action == "compute" and scheme and compute.is_valid():
                run = services.run_compute(
                    actor=request.user,
                    scheme=scheme,
                    month=compute.cleaned_data["month"],
                    annual=compute.cleaned_data["annual"],
                )
                messages.success(request, _("考评结果已计算。"))
                return redirect("evaluation:run", run.pk)
        except (ValidationError, PermissionDenied, ConflictError) as exc:
            _errors(request, exc)
        return redirect("evaluation:assessment_program", program.pk)
    tracks = []
    if scheme:
        for track in scheme.tracks.all():
            tracks.append((track, [(item, formula(item)) for item in track.items.all()]))
    return render(
        request,
        "evaluation/assessment/index.html",
        {
            "program": program,
            "scheme": scheme,
            "tracks": tracks,
            "total": sum((i.points for t, items in tracks for i, _f in items), Decimal(0)),
            "runs": selectors.assessment_runs(user=request.user, scheme=scheme) if scheme else [],
            "manage": manage,
            "compute": compute,
        },
    )


@login_required
def assessment_scheme(request: HttpRequest, program_pk: int) -> HttpResponse:
    """民生办 edits the scheme without /admin/: settings, tracks and items."""
    from evaluation.forms import ItemForm, SchemeForm, TrackForm, bands_text
    from evaluation.models import Item, Track
    from evaluation.rules import may_manage_assessment

    program = _assessment_program(request, program_pk)
    if not may_manage_assessment(request.user, program):
        raise PermissionDenied
    scheme = selectors.assessment_scheme(program=program)
    if scheme is None:
        raise Http404
    action = request.POST.get("action", "")
    settings_form = SchemeForm(
        request.POST if action == "scheme" else None,
        initial={
            "title": scheme.title,
            "objection_days": scheme.objection_days,
            "bands": bands_text(scheme.bands),
            "constrain_bottom": scheme.constrain_bottom,
            "constrain_lowest_band": scheme.constrain_lowest_band,
        },
    )
    track_form = TrackForm(request.POST if action == "track" else None, prefix="track")
    item_form = ItemForm(request.POST if action == "item" else None, prefix="item")
    if request.method == "POST":
        try:
            if action == "scheme" and settings_form.is_valid():
                services.scheme_update(
                    actor=request.user,
                    scheme=scheme,
                    data=settings_form.cleaned_data,
                    expected_version=_version(request) or scheme.version,
                )
                messages.success(request, _("考评办法已保存。"))
                return redirect("evaluation:assessment_scheme", program.pk)
            if action == "track" and track_form.is_valid():
                track = None
                if request.POST.get("track_id"):
                    track = get_object_or_404(Track, scheme=scheme, pk=_pk(request.POST.get("track_id")))
                services.track_save(
                    actor=request.user, scheme=scheme, track=track, data=track_form.cleaned_data
                )
                messages.success(request, _("考核类别已保存。"))
                return redirect("evaluation:assessment_scheme", program.pk)
            if action == "item" and item_form.is_valid():
                track = get_object_or_404(Track, scheme=scheme, pk=_pk(request.POST.get("track")))
                item = None
                if request.POST.get("item_id"):
                    item = get_object_or_404(Item, track__scheme=scheme, pk=_pk(request.POST.get("item_id")))
                services.item_save(actor=request.user, track=track, item=item, data=item_form.cleaned_data)
                messages.success(request, _("考核项目已保存。"))
                return redirect("evaluation:assessment_scheme", program.pk)
            if action == "delete_item":
                item = get_object_or_404(Item, track__scheme=scheme, pk=_pk(request.POST.get("item_id")))
                services.item_delete(actor=request.user, item=item)
                messages.success(request, _("考核项目已删除。"))
                return redirect("evaluation:assessment_scheme", program.pk)
        except (ValidationError, PermissionDenied, ConflictError) as exc:
            _errors(request, exc)
    edit_item = None
    if request.GET.get("item"):
        edit_item = get_object_or_404(Item, track__scheme=scheme, pk=_pk(request.GET.get("item")))
        if action != "item":
            item_form = ItemForm(instance=edit_item, prefix="item")
    edit_track = None
    if request.GET.get("track"):
        edit_track = get_object_or_404(Track, scheme=scheme, pk=_pk(request.GET.get("track")))
        if action != "track":
            track_form = TrackForm(instance=edit_track, prefix="track")
    return render(
        request,
        "evaluation/assessment/scheme.html",
        {
            "program": program,
            "scheme": scheme,
            "settings_form": settings_form,
            "track_form": track_form,
            "item_form": item_form,
            "edit_item": edit_item,
            "edit_track": edit_track,
            "tracks": list(scheme.tracks.all()),
        },
    )


@login_required
def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A run's ranking of towns and of departments (scoped), approval, publication and the 通报."""
    from evaluation.rules import may_manage_assessment, may_see_assessment

    if not may_see_assessment(request.user):
        raise PermissionDenied
    run = selectors.run_get(user=request.user, pk=pk)
    fmt = request.GET.get("format")
    if fmt in ("docx", "pdf"):
        if not (run.locked or may_manage_assessment(request.user, run)):
            raise PermissionDenied
        content, content_type = exports.document_bytes(
            exports.assessment_notice(
                run,
                selectors.public_results(run=run),
                rewards=selectors.notice_rewards(run=run),
                constraints=selectors.notice_constraints(run=run),
            ),
            fmt,
        )
        return _download(content, content_type, f"{run}结果通报.{fmt}")
    if fmt:
        raise Http404
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "approve":
                services.run_approve(actor=request.user, run=run)
                messages.success(request, _("考评结果已审定，结果已锁定。"))
            elif action == "publish":
                services.run_publish(actor=request.user, run=run)
                messages.success(request, _("考评结果已在公众门户公布。"))
            elif action == "recompute":
                services.run_compute(
                    actor=request.user, scheme=run.scheme, month=run.month, annual=run.annual
                )
                messages.success(request, _("考评结果已重新计算。"))
            else:
                raise PermissionDenied
        except (ValidationError, PermissionDenied, ConflictError) as exc:
            _errors(request, exc)
        return redirect("evaluation:run", run.pk)
    groups = selectors.run_results(user=request.user, run=run)
    return render(
        request,
        "evaluation/assessment/run.html",
        {
            "run": run,
            "program": run.scheme.program,
            "towns": groups.get("local", []),
            "departments": groups.get("department", []),
            "manage": may_manage_assessment(request.user, run),
            "incentives": selectors.run_incentives_summary(user=request.user, run=run),
            "open_objections": Objection.objects.filter(
                score__result__run=run, answered_at__isnull=True
            ).count()
            if may_manage_assessment(request.user, run)
            else 0,
        },
    )


@login_required
def result_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One unit's score: every item with its points, score and formula; a link to each item's data."""
    from evaluation.assessment import formula

    result = selectors.result_get(user=request.user, pk=pk)
    items = selectors.result_items(user=request.user, result=result)
    tracks: list[tuple[Any, list[Any]]] = []
    for score in items:
        if not tracks or tracks[-1][0] != score.item.track:
            tracks.append((score.item.track, []))
        tracks[-1][1].append((score, formula(score.item)))
    return render(
        request,
        "evaluation/assessment/result.html",
        {
            "result": result,
            "run": result.run,
            "program": result.run.scheme.program,
            "tracks": tracks,
            "incentives": selectors.unit_incentives(user=request.user, result=result),
        },
    )


@login_required
def score_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One item of one unit: the formula, the data rows counted (with links), the samples, the manual score,
    objections, answers and re-scores."""
    from evaluation.assessment import formula
    from evaluation.forms import AnswerForm, ManualScoreForm, ObjectionForm, RescoreForm
    from evaluation.models import SampleCheck
    from evaluation.rules import may_manage_assessment, may_object, may_score

    score = selectors.score_get(user=request.user, pk=pk)
    action = request.POST.get("action", "")
    manual = ManualScoreForm(
        request.POST if action == "manual" else None,
        request.FILES if action == "manual" else None,
        initial={"value": score.computed, "evidence": score.evidence, "scorer_name": score.scorer_name},
    )
    objection_form = ObjectionForm(request.POST if action == "object" else None)
    answer_form = AnswerForm(request.POST if action == "answer" else None)
    rescore_form = RescoreForm(request.POST if action == "rescore" else None)
    if request.method == "POST":
        try:
            if action == "manual" and manual.is_valid():
                services.manual_score_save(
                    actor=request.user,
                    score=score,
                    value=manual.cleaned_data["value"],
                    evidence=manual.cleaned_data["evidence"],
                    scorer_name=manual.cleaned_data["scorer_name"],
                    evidence_file=manual.cleaned_data.get("evidence_file"),
                )
                messages.success(request, _("评分已保存。"))
                return redirect("evaluation:score", score.pk)
            if action == "sample":
                check = get_object_or_404(SampleCheck, score=score, pk=_pk(request.POST.get("check")))
                services.sample_result_save(
                    actor=request.user,
                    check=check,
                    passed=request.POST.get("passed") == "1",
                    note=request.POST.get("note", ""),
                )
                messages.success(request, _("抽查结果已保存。"))
                return redirect("evaluation:score", score.pk)
            if action == "object" and objection_form.is_valid():
                services.objection_file(
                    actor=request.user, score=score, text=objection_form.cleaned_data["text"]
                )
                messages.success(request, _("申诉已提交，等待民生办答复。"))
                return redirect("evaluation:score", score.pk)
            if action == "answer" and answer_form.is_valid():
                objection = get_object_or_404(score.objections.all(), pk=_pk(request.POST.get("objection")))
                services.objection_answer(
                    actor=request.user,
                    objection=objection,
                    answer=answer_form.cleaned_data["answer"],
                    new_score=answer_form.cleaned_data["new_score"],
                )
                messages.success(request, _("申诉已答复。"))
                return redirect("evaluation:score", score.pk)
            if action == "rescore" and rescore_form.is_valid():
                services.item_rescore(
                    actor=request.user,
                    score=score,
                    value=rescore_form.cleaned_data["value"],
                    reason=rescore_form.cleaned_data["reason"],
                )
                messages.success(request, _("已复核并记录。"))
                return redirect("evaluation:score", score.pk)
            if action not in ("manual", "object", "answer", "rescore"):
                raise PermissionDenied
        except (ValidationError, PermissionDenied, ConflictError) as exc:
            _errors(request, exc)
    return render(
        request,
        "evaluation/assessment/score.html",
        {
            "score": score,
            "result": score.result,
            "run": score.result.run,
            "program": score.result.run.scheme.program,
            "formula": formula(score.item),
            "rows": selectors.score_rows(score),
            "samples": selectors.sample_rows(score),
            "objections": list(score.objections.all()),
            "rescores": list(score.rescores.select_related("by")),
            "may_score": may_score(request.user, score) and bool(score.detail.get("manual")),
            "may_check": may_score(request.user, score) and score.item.rule == "sample",
            "may_object": may_object(request.user, score),
            "manage": may_manage_assessment(request.user, score) and not score.result.run.locked,
            "manual_form": manual,
            "objection_form": objection_form,
            "answer_form": answer_form,
            "rescore_form": rescore_form,
        },
    )


def public_results(request: HttpRequest, pk: int) -> HttpResponse:
    """The portal's page of a published run: totals and 档次 per unit (no personal data)."""
    from evaluation.models import Run, RunStatus

    run = get_object_or_404(Run.objects.select_related("scheme__program"), pk=pk, status=RunStatus.PUBLISHED)
    results = selectors.public_results(run=run)
    return render(
        request,
        "evaluation/assessment/public.html",
        {
            "run": run,
            "program": run.scheme.program,
            "towns": [r for r in results if r.group == "local"],
            "departments": [r for r in results if r.group == "department"],
        },
    )


@login_required
def run_incentives(request: HttpRequest, pk: int) -> HttpResponse:
    """正向激励和刚性约束 of a run: the reward pool (settings, a preview of every unit's share with its formula,
    allocation into funding lines, reversal) and the constraints (suggested units, recording, closing)."""
    from evaluation.forms import CloseForm, ConstraintForm, ReverseForm, RewardPoolForm
    from evaluation.models import Constraint, PoolStatus, RewardPool
    from evaluation.rules import may_manage_assessment, may_see_incentives

    if not may_see_incentives(request.user):
        raise PermissionDenied
    run = selectors.run_get(user=request.user, pk=pk)
    program = run.scheme.program
    manage = may_manage_assessment(request.user, run)
    pool = selectors.reward_pool(run=run)
    action = request.POST.get("action", "") if manage else ""
    bands = run.scheme.bands
    projects = selectors.pool_projects(user=request.user, program=program)
    pool_form = RewardPoolForm(
        request.POST if action in ("pool", "preview") else None,
        bands=bands,
        projects=projects,
        initial=RewardPoolForm.initial_for(pool, bands),
        prefix="pool",
    )
    reverse_form = ReverseForm(request.POST if action == "reverse" else None, prefix="reverse")
    results = list(run.results.select_related("unit").order_by("group", "rank", "unit__order"))
    recorded = selectors.constraints(user=request.user, run=run)
    suggested = selectors.constraint_suggestions(run=run, recorded=recorded)
    units = [
        (
            r.unit_id,
            _("%(unit)s（%(score)s，%(band)s，第%(rank)s名）")
            % {"unit": r.unit.display_name, "score": r.score, "band": r.band, "rank": r.rank},
        )
        for r in results
    ]
    chosen = request.GET.get("unit")
    reasons = dict((r.unit_id, why) for r, why in suggested)
    constraint_form = ConstraintForm(
        request.POST if action == "constraint" else None,
        units=units,
        prefix="c",
        initial={
            "unit": chosen,
            "reason": reasons.get(_pk(chosen), "") if chosen and chosen.isdigit() else "",
        },
    )
    close_form = CloseForm(request.POST if action == "close" else None, prefix="close")
    preview: list[Any] = []
    refusal = ""
    if request.method == "POST":
        if not manage:
            raise PermissionDenied
        try:
            if action == "preview" and pool_form.is_valid():
                draft = RewardPool(run=run, **pool_form.service_data())
                preview, refusal = selectors.reward_preview(pool=draft)
            elif action == "pool" and pool_form.is_valid():
                services.reward_pool_save(
                    actor=request.user,
                    run=run,
                    data=pool_form.service_data(),
                    expected_version=pool_form.cleaned_data.get("version") or None,
                )
                messages.success(request, _("奖补资金方案已保存，请核对分配预览后确认分配。"))
                return redirect("evaluation:incentives", run.pk)
            elif action == "allocate" and pool is not None:
                services.reward_pool_allocate(
                    actor=request.user, pool=pool, expected_version=_version(request) or 0
                )
                messages.success(request, _("奖补资金已分配，并已列入资金计划。"))
                return redirect("evaluation:incentives", run.pk)
            elif action == "reverse" and pool is not None and reverse_form.is_valid():
                services.reward_pool_reverse(
                    actor=request.user,
                    pool=pool,
                    reason=reverse_form.cleaned_data["reason"],
                    expected_version=_version(request) or 0,
                )
                messages.success(request, _("奖补资金分配已撤销，资金计划已相应调减。"))
                return redirect("evaluation:incentives", run.pk)
            elif action == "constraint" and constraint_form.is_valid():
                unit = next(r.unit for r in results if r.unit_id == constraint_form.cleaned_data["unit"])
                services.constraint_record(
                    actor=request.user,
                    program=program,
                    run=run,
                    unit=unit,
                    data=constraint_form.service_data(),
                )
                messages.success(request, _("约束措施已登记。"))
                return redirect("evaluation:incentives", run.pk)
            elif action == "close" and close_form.is_valid():
                c = get_object_or_404(Constraint, run=run, pk=_pk(request.POST.get("constraint")))
                services.constraint_close(
                    actor=request.user,
                    constraint=c,
                    follow_up=close_form.cleaned_data["follow_up"],
                    expected_version=_version(request) or 0,
                )
                messages.success(request, _("约束措施已办结。"))
                return redirect("evaluation:incentives", run.pk)
            elif action not in ("preview", "pool", "reverse", "constraint", "close"):
                raise PermissionDenied
        except (ValidationError, PermissionDenied, ConflictError) as exc:
            _errors(request, exc)
    allocated = pool is not None and pool.status == PoolStatus.ALLOCATED
    if pool is not None and not allocated and not preview and not refusal:
        preview, refusal = selectors.reward_preview(pool=pool)
    return render(
        request,
        "evaluation/assessment/incentives.html",
        {
            "run": run,
            "program": program,
            "manage": manage,
            "pool": pool,
            "allocated": allocated,
            "shares": selectors.reward_shares(user=request.user, run=run) if allocated else [],
            "preview": preview,
            "preview_total": sum((s.amount for s in preview), Decimal(0)),
            "refusal": refusal,
            "pool_form": pool_form,
            "reverse_form": reverse_form,
            "constraints": recorded,
            "suggested": suggested,
            "constraint_form": constraint_form,
            "close_form": close_form,
        },
    )
