"""Pages of programs derived from the level above: derive a program, its items and the upper amendments to
accept or decline, and a project's lineage across the levels (views stay thin: catalogue.derivation decides)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from catalogue import derivation, forms, selectors
from catalogue.models import Derivation, Program
from core.policy import actor_for, can, can_any, restrict
from core.services import ConflictError
from orgs.rules import government_organisations


def _errors(request: HttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


def _choices(request: HttpRequest) -> list[tuple[str, str, Program, object]]:
    """(value, label, upper program, issuer): per own government, the published programs of the level above for
    the years it has no program of yet; its issuer is the one of its latest program (else its 人民政府)."""
    governments = (
        government_organisations(actor_for(request.user))
        .exclude(level="")
        .filter(is_sample=False)
        .select_related("government")
        .order_by("order", "pk")
    )
    choices = []
    for government in governments:
        issuer = derivation.issuer_for(government)
        years = set(Program.objects.filter(issuer__government=government).values_list("year", flat=True))
        for upper in derivation.derivable_programs(issuer):
            if upper.year not in years:
                label = f"{issuer.name} ← {upper.issuer_name}{upper.display_title}"
                choices.append((f"{issuer.pk}-{upper.pk}", label, upper, issuer))
    return choices


@login_required
def program_derive_view(request: HttpRequest) -> HttpResponse:
    """The office picks the upper level's published program; a draft of its own is generated item by item."""
    if not can_any(request.user, "add", Program):
        raise PermissionDenied
    choices = _choices(request)
    if request.method == "POST":
        chosen = {value: (upper, issuer) for value, _label, upper, issuer in choices}.get(
            request.POST.get("source", "")
        )
        if chosen is None:
            messages.error(request, _("请选择上级计划。"))
        else:
            upper, issuer = chosen
            try:
                program = derivation.program_derive(
                    upper=upper, government=issuer, issuer=issuer, actor=request.user
                )
            except ValidationError as exc:
                _errors(request, exc)
            else:
                messages.success(
                    request, _("已由上级计划逐项生成草稿：请逐项标注采纳、调整或不适用，并补充本级新增项目。")
                )
                return redirect("catalogue:program_derivation", pk=program.pk)
    return render(request, "catalogue/program_derive.html", {"choices": choices})


def program_derivation_view(request: HttpRequest, pk: int) -> HttpResponse:
    program = selectors.program_get(user=request.user, pk=pk)
    manage = can(request.user, "change", program)
    view = derivation.derivation_view(user=request.user, program=program)
    return render(
        request,
        "catalogue/program_derivation.html",
        {
            "program": program,
            "view": view,
            "manage": manage,
            "editable": manage and selectors.program_is_editable(program),
            "kinds": forms.NewProjectForm.base_fields["kind"].choices,
        },
    )


@login_required
@require_POST
def derivation_status_view(request: HttpRequest, pk: int, item: int) -> HttpResponse:
    program = selectors.program_get(user=request.user, pk=pk)
    found = get_object_or_404(
        restrict(Derivation.objects.filter(program=program), request.user, "view"), pk=item
    )
    form = forms.DerivationStatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请选择采纳情况。"))
        return redirect("catalogue:program_derivation", pk=pk)
    try:
        derivation.derivation_set_status(
            actor=request.user,
            derivation=found,
            status=form.cleaned_data["status"],
            reason=form.cleaned_data["reason"],
            overrides=form.overrides(),
            expected_version=form.cleaned_data["version"],
        )
    except ValidationError as exc:
        _errors(request, exc)
    except ConflictError:
        messages.error(request, _("该项刚被他人修改，请刷新后重试。"))
    else:
        messages.success(request, _("已保存“%(name)s”的采纳情况。") % {"name": found.upper_name})
    return redirect("catalogue:program_derivation", pk=pk)


@login_required
@require_POST
def upper_change_view(request: HttpRequest, pk: int) -> HttpResponse:
    program = selectors.program_get(user=request.user, pk=pk)
    form = forms.UpperDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请选择接受或不接受。"))
        return redirect("catalogue:program_derivation", pk=pk)
    data = form.cleaned_data
    try:
        if data["decision"] == "accept":
            derivation.upper_change_accept(
                actor=request.user, program=program, key=data["key"], reason=data["reason"]
            )
        else:
            derivation.upper_change_decline(
                actor=request.user, program=program, key=data["key"], reason=data["reason"]
            )
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("已记录对上级修订的处理。"))
    return redirect("catalogue:program_derivation", pk=pk)


@login_required
@require_POST
def derivation_local_view(request: HttpRequest, pk: int) -> HttpResponse:
    program = selectors.program_get(user=request.user, pk=pk)
    form = forms.NewProjectForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            derivation.derivation_add_local(
                actor=request.user,
                program=program,
                name=data["name"],
                kind=data["kind"],
                summary=data["summary"],
                reason=data["reason"],
            )
        except ValidationError as exc:
            _errors(request, exc)
        else:
            messages.success(
                request, _("已新增本级项目“%(name)s”（不列入上级考核）。") % {"name": data["name"]}
            )
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect("catalogue:program_derivation", pk=pk)


def project_levels_view(request: HttpRequest, pk: int) -> HttpResponse:
    project = selectors.project_get(user=request.user, pk=pk)
    return render(
        request,
        "catalogue/project_levels.html",
        {
            "project": project,
            "nodes": derivation.project_levels(user=request.user, project=project),
            "lineage": selectors.project_lineage(user=request.user, project=project),
        },
    )
