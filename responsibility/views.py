from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from catalogue import selectors as catalogue_selectors
from catalogue.rules import program_in_own_government
from core.downloads import download_response, file_response
from core.forms import errors_to_messages, form_errors, id_or_404
from core.policy import can, restrict
from core.selectors import history_for
from core.services import ConflictError
from funding import selectors as funding_selectors
from funding import services as funding_services
from funding.models import FundingLine
from orgs.models import Organisation
from responsibility import selectors, services
from responsibility.forms import AdjustmentForm, FundingLineForm, SignForm, TargetGridForm
from responsibility.models import Indicator, Letter, Target
from responsibility.rules import may_manage_program_letters, may_see_program_checks


def _target_units(project: Any) -> list[Organisation]:
    units = list(project.implementing_units.all().order_by("order"))
    if not units and project.lead_department:
        units = [project.lead_department]  # a project without implementing units is carried by its department
    return units


@login_required
def project_targets(request: HttpRequest, pk: int) -> HttpResponse:
    project = catalogue_selectors.project_get(user=request.user, pk=pk)
    manage = can(request.user, "plan", project)
    indicators = list(
        restrict(Indicator.objects.filter(project=project), request.user, "view").order_by("order", "id")
    )
    units = _target_units(project)
    targets = restrict(Target.objects.filter(indicator__project=project), request.user, "view")
    current = {(t.indicator_id, t.unit_id): t.value for t in targets}
    grid = TargetGridForm(indicators=indicators, units=units, current=current)
    line_form = FundingLineForm(
        units=Organisation.objects.filter(pk__in=[u.pk for u in units]), auto_id="id_line_%s"
    )
    if request.method == "POST":
        if not manage:
            raise PermissionDenied
        action = request.POST.get("action", "")
        try:
            if action == "defaults":
                services.indicators_apply_defaults(actor=request.user, project=project)
                messages.success(request, _("已按项目类型生成默认指标，可再修改。"))
            elif action == "targets":
                grid = TargetGridForm(request.POST, indicators=indicators, units=units, current=current)
                if grid.is_valid():
                    services.targets_grid_set(
                        actor=request.user,
                        project=project,
                        project_targets={
                            ind: grid.cleaned_data[name]
                            for ind, name in grid.project_targets
                            if name in request.POST  # a field not sent leaves the target as it is
                        },
                        unit_targets=[
                            (ind, unit, grid.cleaned_data[name])
                            for ind, unit, name in grid.cells
                            if grid.cleaned_data[name] is not None
                        ],
                        reason=grid.cleaned_data["reason"],
                    )
                    messages.success(request, _("目标已保存。"))
                else:
                    raise ValidationError(_("目标值有误，请检查标红的格子。"))
            elif action == "line":
                line_form = FundingLineForm(
                    request.POST,
                    units=Organisation.objects.filter(pk__in=[u.pk for u in units]),
                    auto_id="id_line_%s",
                )
                if not line_form.is_valid():
                    raise ValidationError([_("资金计划填写有误。"), *form_errors(line_form)])
                data = line_form.cleaned_data
                funding_services.funding_line_create(
                    actor=request.user,
                    project=project,
                    unit=data["unit"],
                    source=data["source"],
                    original=data["original"],
                    reason=data["reason"],
                )
                messages.success(request, _("已添加资金计划。"))
            elif action.startswith("adjust-"):
                line = get_object_or_404(FundingLine, pk=id_or_404(action.split("-", 1)[1]), project=project)
                form = AdjustmentForm(request.POST)
                if not form.is_valid():
                    raise ValidationError(form_errors(form))
                funding_services.funding_adjust(
                    actor=request.user,
                    line=line,
                    delta=form.cleaned_data["delta"],
                    reason=form.cleaned_data["reason"],
                    date=form.cleaned_data["date"],
                )
                messages.success(request, _("已登记预算调整。"))
            if not grid.errors and (action != "line" or line_form.is_valid()):
                return redirect("responsibility:project_targets", pk=pk)
        except (ValidationError, ConflictError) as exc:
            errors_to_messages(request, exc)
    lines = list(funding_selectors.project_lines(user=request.user, project=project))
    for line in lines:  # one small form per line, with ids of its own (the names stay delta/date/reason)
        line.adjust_form = AdjustmentForm(auto_id=f"id_adjust{line.pk}_%s")
    sums = {}
    for ind in indicators:
        vals = [current[(ind.pk, u.pk)] for u in units if (ind.pk, u.pk) in current]
        sums[ind.pk] = sum(vals, Decimal(0)) if vals else None
    return render(
        request,
        "responsibility/project_targets.html",
        {
            "project": project,
            "indicators": indicators,
            "units": units,
            "grid": grid,
            "manage": manage,
            "lines": lines,
            "line_form": line_form,
            "sums": sums,
            "rows": [
                (ind, grid[f"p-{ind.pk}"], [(u, grid[f"t-{ind.pk}-{u.pk}"]) for u in units])
                for ind in indicators
            ],
        },
    )


@login_required
def program_responsibility(request: HttpRequest, pk: int) -> HttpResponse:
    program = catalogue_selectors.program_get(user=request.user, pk=pk)
    unit_kind = request.GET.get("units", "")
    units, rows = selectors.responsibility_matrix(user=request.user, program=program, unit_kind=unit_kind)
    if request.GET.get("format") == "xlsx":
        from responsibility.exports import matrix_xlsx

        return download_response(
            matrix_xlsx(program, units, rows), filename=f"{program.year}年责任分工矩阵.xlsx"
        )
    staff_wide = may_see_program_checks(request.user)
    return render(
        request,
        "responsibility/matrix.html",
        {
            "program": program,
            "units": units,
            "rows": rows,
            "unit_kind": unit_kind,
            "may_plan": restrict(program.projects.all(), request.user, "plan").exists(),
            "problems": selectors.target_problems(user=request.user, program=program) if staff_wide else [],
            "fiscal": funding_selectors.fiscal_check(user=request.user, program=program),
            "totals": funding_selectors.program_totals(user=request.user, program=program)
            if staff_wide
            else None,
        },
    )


@login_required
def program_letters(request: HttpRequest, pk: int) -> HttpResponse:
    program = catalogue_selectors.program_get(user=request.user, pk=pk)
    if request.method == "POST":
        try:
            if request.POST.get("action") == "draft_all":
                job = services.letters_draft_all_start(actor=request.user, program=program)
                if job is not None:  # many units: drafted in the background, progress on the job's page
                    return redirect("jobs:job_detail", pk=job.pk)
                services.letters_draft_all(actor=request.user, program=program)
                messages.success(request, _("已为全部责任单位起草（或刷新）目标责任状。"))
            elif request.POST.get("action") == "issue_all":
                services.letters_issue_all(
                    actor=request.user,
                    program=program,
                    confirm_missing_targets=request.POST.get("confirm_missing_targets") == "1",
                )
                messages.success(request, _("已下达全部起草的目标责任状。"))
        except (ValidationError, ConflictError) as exc:
            errors_to_messages(request, exc)
        return redirect("responsibility:program_letters", pk=pk)
    overview = selectors.letters_overview(user=request.user, program=program)
    drafted = [letter for _unit, letter in overview if letter and letter.status == Letter.Status.DRAFTED]
    return render(
        request,
        "responsibility/letters.html",
        {
            "program": program,
            "overview": overview,
            "unsigned": [
                u for u, letter in overview if letter is None or letter.status != Letter.Status.SIGNED
            ],
            "manage": may_manage_program_letters(request.user, program),
            # letters an upper government (the city) addressed to this one, for the same year
            "received": list(
                selectors.letters_addressed(user=request.user).filter(program__year=program.year)
            )
            if program_in_own_government(request.user, program.pk)
            else [],
            "missing_targets": [
                (letter.organisation, names)
                for letter in drafted
                if (names := services.letter_missing_targets(letter))
            ],
        },
    )


@login_required
def letter_detail(request: HttpRequest, pk: int) -> HttpResponse:
    letter = get_object_or_404(selectors.letter_list(user=request.user), pk=pk)
    form = SignForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        try:
            if request.POST.get("action") == "refresh":
                services.letter_draft(
                    actor=request.user, program=letter.program, organisation=letter.organisation
                )
                messages.success(request, _("已按最新目标和资金刷新。"))
            elif request.POST.get("action") == "issue":
                services.letter_issue(
                    actor=request.user,
                    letter=letter,
                    confirm_missing_targets=request.POST.get("confirm_missing_targets") == "1",
                )
                messages.success(request, _("已下达。"))
            elif form.is_valid():
                services.letter_sign(
                    actor=request.user,
                    letter=letter,
                    signed_date=form.cleaned_data["signed_date"],
                    scan=form.cleaned_data["scan"],
                    signer=form.cleaned_data["signer"],
                )
                messages.success(request, _("已登记签订。"))
            else:
                raise ValidationError(
                    [f"{form.fields[k].label}：{' '.join(v)}" for k, v in form.errors.items()]
                )
            return redirect("responsibility:letter_detail", pk=pk)
        except (ValidationError, ConflictError, PermissionDenied) as exc:
            if isinstance(exc, PermissionDenied):
                return render(request, "403.html", {"message": str(exc)}, status=403)
            errors_to_messages(request, exc)
    return render(
        request,
        "responsibility/letter_detail.html",
        {
            "letter": letter,
            "form": form,
            "manage": may_manage_program_letters(request.user, letter.program),
            "signatory": selectors.signatory_name(letter.organisation),
            "can_sign": can(request.user, "change", letter) and letter.status == Letter.Status.ISSUED,
            "missing_targets": services.letter_missing_targets(letter)
            if letter.status == Letter.Status.DRAFTED
            else [],
            "history": history_for(letter),
        },
    )


@login_required
def letter_file(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    letter = get_object_or_404(selectors.letter_list(user=request.user), pk=pk)
    from responsibility.letter_document import letter_document

    document = letter_document(letter)
    buffer = io.BytesIO()
    if fmt == "docx":
        from documents.render import render_docx

        render_docx(document, buffer)
    elif fmt == "pdf":
        from documents.render import render_pdf

        render_pdf(document, buffer)
    else:
        return HttpResponse(status=404)
    return download_response(buffer.getvalue(), filename=f"{letter}.{fmt}")


@login_required
def letter_scan(request: HttpRequest, pk: int) -> HttpResponse:
    letter = get_object_or_404(selectors.letter_list(user=request.user), pk=pk)
    if not letter.scan:
        return HttpResponse(status=404)
    return file_response(
        letter.scan, content_type=letter.scan_content_type, filename=letter.scan.name.rsplit("/", 1)[-1]
    )
