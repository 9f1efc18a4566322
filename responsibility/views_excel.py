"""Pages of the Excel round trip of targets and budgets: download the template, upload, preview, confirm.

The checked file waits between preview and confirm as every import's does (``core.staging``: a private file,
the session holds its token); the confirm step checks it again inside the transaction
(``excel.targets_import_apply``)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from catalogue import selectors as catalogue_selectors
from catalogue.models import Program
from core import staging
from core.downloads import download_response
from responsibility import excel


def _purpose(program: Program) -> str:
    return f"responsibility-targets-{program.pk}"


def _program_to_plan(request: HttpRequest, pk: int) -> Program:
    program = catalogue_selectors.program_get(user=request.user, pk=pk)
    if not excel.plannable_projects(user=request.user, program=program).exists():
        raise PermissionDenied(_("您没有可以设置目标和资金的项目。"))
    return program


@login_required
def targets_template(request: HttpRequest, pk: int) -> HttpResponse:
    program = _program_to_plan(request, pk)
    return download_response(
        excel.targets_template(user=request.user, program=program),
        filename=f"{program.year}年{program.noun}目标与资金.xlsx",
    )


def _render(request: HttpRequest, program: Program, **extra: Any) -> HttpResponse:
    context = {
        "program": program,
        "preview": None,
        "token": "",
        "max_mb": excel.MAX_BYTES // (1024 * 1024),
        "labels": excel.CHANGE_LABELS,
    }
    context.update(extra)
    preview = context["preview"]
    if preview is not None:
        context["counts"] = [(excel.CHANGE_LABELS[k], n) for k, n in preview.counts.items() if n]
    return render(request, "responsibility/targets_import.html", context)


@login_required
def targets_import(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the upload form. POST: check the uploaded workbook and show its errors or its changes."""
    program = _program_to_plan(request, pk)
    if request.method != "POST":
        return _render(request, program)
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, _("请选择要上传的文件。"))
        return _render(request, program)
    if upload.size and upload.size > excel.MAX_BYTES:
        messages.error(request, _("文件过大，请分批导入。"))
        return _render(request, program)
    preview = excel.targets_import_preview(
        user=request.user, program=program, file=upload.read(), filename=upload.name or ""
    )
    token = ""
    staging.discard(request, purpose=_purpose(program))
    if preview.ok and preview.changes:
        token = staging.stage(request, purpose=_purpose(program), data=preview.content, name=preview.filename)
    return _render(request, program, preview=preview, token=token)


@login_required
@require_POST
def targets_import_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    program = _program_to_plan(request, pk)
    pending = staging.staged(request, purpose=_purpose(program), token=request.POST.get("token", ""))
    if pending is None:
        messages.error(request, _("待导入的文件已失效（可能已经导入或已重新上传），请重新上传。"))
        return redirect("responsibility:targets_import", pk=program.pk)
    content = pending.data
    preview = excel.ImportPreview(content=content, filename=pending.name)
    try:
        counts = excel.targets_import_apply(user=request.user, program=program, preview=preview)
    except ValidationError as exc:
        staging.discard(request, purpose=_purpose(program))
        failed = excel.ImportPreview(content=content, filename=preview.filename, errors=exc.messages)
        messages.error(request, _("导入失败，没有写入任何数据。请修改后重新上传。"))
        return _render(request, program, preview=failed)
    staging.discard(request, purpose=_purpose(program))
    messages.success(
        request,
        _(
            "导入完成：新增单位目标%(target_create)d条，修改单位目标%(target_update)d条，"
            "修改项目年度目标%(indicator_target)d项，新增资金计划%(line_create)d条，预算调整%(line_adjust)d笔。"
        )
        % counts,
    )
    return redirect("responsibility:program_matrix", pk=program.pk)
