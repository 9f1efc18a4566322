from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from catalogue import selectors, services
from catalogue.forms import ProjectForm
from core.policy import can, can_see_history
from core.selectors import history_for
from core.services import ConflictError


def program_list(request: HttpRequest) -> HttpResponse:
    return render(
        request, "catalogue/program_list.html", {"programs": selectors.program_list(user=request.user)}
    )


def program_detail(request: HttpRequest, pk: int) -> HttpResponse:
    program = selectors.program_get(user=request.user, pk=pk)
    layout = selectors.program_layout(user=request.user, program=program)
    return render(
        request,
        "catalogue/program_detail.html",
        {
            "program": program,
            "layout": layout,
            "history": history_for(program) if can_see_history(request.user, program) else None,
        },
    )


def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    project = selectors.project_get(user=request.user, pk=pk)
    return render(
        request,
        "catalogue/project_detail.html",
        {
            "project": project,
            "lineage": selectors.project_lineage(user=request.user, project=project),
            "can_edit": can(request.user, "change", project),
            "history": history_for(project) if can_see_history(request.user, project) else None,
        },
    )


@login_required
def project_edit(request: HttpRequest, pk: int) -> HttpResponse:
    project = selectors.project_get(user=request.user, pk=pk)  # 404 when not visible
    if not can(request.user, "change", project):
        return render(request, "403.html", {"message": _("您无权修改该项目。")}, status=403)
    editable = services.project_editable_fields(user=request.user)
    form = ProjectForm(request.POST or None, instance=project, editable=editable)
    if request.method == "POST" and form.is_valid():
        try:
            services.project_update(
                actor=request.user,
                project=selectors.project_get(user=request.user, pk=pk),
                data=form.changes(),
                content_items=form.content_items(),
                expected_version=form.cleaned_data["version"],
                reason=form.cleaned_data["reason"],
            )
        except ConflictError:
            form.add_error(None, _("保存失败：该项目已被其他人修改。请刷新页面，查看最新内容后再修改。"))
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("已保存。"))
            return redirect("catalogue:project_detail", pk=pk)
    return render(request, "catalogue/project_form.html", {"project": project, "form": form})
