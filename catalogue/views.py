from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from catalogue import forms, selectors, services
from catalogue.diff import program_diff
from catalogue.exports import diff_xlsx
from catalogue.forms import ProjectForm
from catalogue.models import Program, ProjectProposal
from core import staging
from core.forms import id_or_404
from core.policy import can, can_any, can_see_history
from core.selectors import history_for
from core.services import ConflictError
from funding.selectors import fiscal_check


def program_list(request: HttpRequest) -> HttpResponse:
    return render(
        request, "catalogue/program_list.html", {"programs": selectors.program_list(user=request.user)}
    )


def program_detail(request: HttpRequest, pk: int) -> HttpResponse:
    program = selectors.program_get(user=request.user, pk=pk)
    layout = selectors.program_layout(user=request.user, program=program)
    manage = can(request.user, "change", program)
    return render(
        request,
        "catalogue/program_detail.html",
        {
            "program": program,
            "layout": layout,
            "manage": manage,
            "editable": manage and selectors.program_is_editable(program),
            "amendment": program.amendments.filter(closed_at__isnull=True).first(),
            "has_next": Program.objects.filter(issuer_id=program.issuer_id, year=program.year + 1).exists(),
            "fiscal": fiscal_check(user=request.user, program=program),
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
            "can_adjust": can(request.user, "change", project.program)
            and selectors.program_is_editable(project.program),
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


# --- year over year -------------------------------------------------------------------------------------


def _errors(request: HttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


def _managed_program(request: HttpRequest, pk: int) -> Program:
    program = selectors.program_get(user=request.user, pk=pk)
    if not can(request.user, "change", program):
        raise PermissionDenied
    return program


def program_diff_view(request: HttpRequest, pk: int) -> HttpResponse:
    program = selectors.program_get(user=request.user, pk=pk)
    diff = program_diff(later=program)
    return render(request, "catalogue/program_diff.html", {"program": program, "diff": diff})


def program_diff_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    program = selectors.program_get(user=request.user, pk=pk)
    data = diff_xlsx(program_diff(later=program))
    response = HttpResponse(
        data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    filename = f"{program.year}年与上年项目对比.xlsx"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


@login_required
@require_POST
def program_roll_over_view(request: HttpRequest, pk: int) -> HttpResponse:
    program = _managed_program(request, pk)
    try:
        draft = services.program_roll_over(actor=request.user, program=program)
    except ValidationError as exc:
        _errors(request, exc)
        return redirect("catalogue:program_detail", pk=pk)
    messages.success(request, _("已生成%(year)s年草稿，全部项目暂列为继续实施。") % {"year": draft.year})
    if draft.notice_pending:
        messages.info(
            request,
            _("通知的开头语和工作要求已按%(year)s年的文本起草，标为“待修改”：请在“编辑通知”中修改或核对。")
            % {"year": program.year},
        )
    return redirect("catalogue:program_detail", pk=draft.pk)


def _notice_context(program: Program) -> dict[str, Any]:
    from catalogue.checklist import checklist_summary, notice_checklist, part_label
    from catalogue.notice import notice_document
    from documents.render import title_lines

    document = notice_document(program)
    return {
        "program": program,
        "document": document,
        "title_lines": title_lines(document.title),
        "pending": [part_label(p) for p in program.notice_pending or []],
        **checklist_summary(notice_checklist(program)),
    }


@login_required
def program_notice_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The notice's parts (文号, 成文日期, 主送, 开头语, 工作要求, 抄送), its checklist and a preview."""
    program = _managed_program(request, pk)
    editable = selectors.program_is_editable(program)
    form = forms.NoticeForm(request.POST or None, instance=program) if editable else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        fresh = selectors.program_get(user=request.user, pk=pk)  # the form has written into ``program``
        try:
            if request.POST.get("action") == "redraft":
                version = form.fields["version"].clean(request.POST.get("version"))
                services.program_notice_redraft(actor=request.user, program=fresh, expected_version=version)
                messages.success(request, _("已按上年文本和现有项目数重新起草待修改的部分。"))
                return redirect("catalogue:program_notice_edit", pk=pk)
            if form.is_valid():
                services.program_notice_update(
                    actor=request.user,
                    program=fresh,
                    data=form.parts(),
                    reviewed=form.cleaned_data.get("reviewed", []),
                    expected_version=form.cleaned_data["version"],
                    reason=form.cleaned_data["reason"],
                )
                messages.success(request, _("通知已保存。"))
                return redirect("catalogue:program_notice_edit", pk=pk)
        except ConflictError:
            form.add_error(None, _("保存失败：通知已被其他人修改。请刷新页面，查看最新内容后再修改。"))
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, exc.messages)
        program = fresh
    return render(
        request,
        "catalogue/notice_form.html",
        {**_notice_context(program), "form": form, "editable": editable},
    )


def program_notice_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """The notice as the PDF that will be issued, shown in the browser (not downloaded)."""
    import io

    from catalogue.notice import notice_document
    from core.downloads import PDF_CSP, _protect
    from documents.render import render_pdf

    program = selectors.program_get(user=request.user, pk=pk)
    buffer = io.BytesIO()
    render_pdf(notice_document(program), buffer)
    response = HttpResponse(buffer.getvalue(), content_type="application/pdf")
    name = f"{program.issuer_name}关于{program.display_title}的通知.pdf"
    response["Content-Disposition"] = f"inline; filename*=UTF-8''{quote(name)}"
    return _protect(response, PDF_CSP)


@login_required
def program_publish_view(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the consistency check and the notice's checklist; POST: publish (warnings need the confirmation)."""
    program = _managed_program(request, pk)
    form = forms.PublishForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.program_publish(
                actor=request.user,
                program=program,
                reason=form.cleaned_data["reason"],
                confirm_warnings=form.cleaned_data["confirm"],
            )
        except services.PublishWarnings:
            form.add_error("confirm", _("发布前检查有提醒：请逐项核对，勾选确认后再发布。"))
        except ValidationError as exc:
            messages.error(request, _("未能发布，请先处理以下问题："))
            _errors(request, exc)
            return redirect("catalogue:program_publish", pk=pk)
        else:
            messages.success(request, _("已发布，计划已锁定。"))
            return redirect("catalogue:program_detail", pk=pk)
    diff = program_diff(later=program)
    return render(
        request,
        "catalogue/program_publish.html",
        {
            **_notice_context(program),
            "form": form,
            "diff_errors": diff.errors,
            "editable": selectors.program_is_editable(program),
            "amendment": program.amendments.filter(closed_at__isnull=True).first(),
        },
    )


@login_required
def program_amend_view(request: HttpRequest, pk: int) -> HttpResponse:
    program = _managed_program(request, pk)
    form = forms.ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.program_amend(actor=request.user, program=program, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            _errors(request, exc)
        else:
            messages.success(request, _("已发起修订。修改完成后请重新发布。"))
        return redirect("catalogue:program_detail", pk=pk)
    return render(
        request,
        "catalogue/action_form.html",
        {
            "program": program,
            "form": form,
            "title": _("发起修订"),
            "hint": _("已发布的计划只能通过有记录的修订来修改。请写明修订原因。"),
        },
    )


@login_required
def program_merge_view(request: HttpRequest, pk: int) -> HttpResponse:
    program = _managed_program(request, pk)
    form = forms.MergeForm(request.POST or None, program=program)
    if request.method == "POST" and form.is_valid():
        chosen = [int(v) for v in request.POST.getlist("projects")]
        projects = sorted(form.cleaned_data["projects"], key=lambda p: chosen.index(p.pk))
        try:
            target = services.projects_merge(
                actor=request.user,
                projects=projects,
                name=form.cleaned_data["name"],
                reason=form.cleaned_data["reason"],
                absorb=form.cleaned_data["absorb"],
            )
        except ValidationError as exc:
            _errors(request, exc)
        else:
            messages.success(request, _("已合并为“%(name)s”。") % {"name": target.name})
            return redirect("catalogue:project_detail", pk=target.pk)
    return render(
        request, "catalogue/action_form.html", {"program": program, "form": form, "title": _("合并项目")}
    )


@login_required
def project_new_view(request: HttpRequest, pk: int) -> HttpResponse:
    program = _managed_program(request, pk)
    form = forms.NewProjectForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            project = services.project_create_new(actor=request.user, program=program, **form.cleaned_data)
        except ValidationError as exc:
            _errors(request, exc)
        else:
            messages.success(request, _("已新增项目“%(name)s”。") % {"name": project.name})
            return redirect("catalogue:project_detail", pk=project.pk)
    return render(
        request, "catalogue/action_form.html", {"program": program, "form": form, "title": _("新增项目")}
    )


PROJECT_ACTIONS = {
    "retire": (
        forms.ReasonForm,
        _("退出"),
        _("项目不再列入本年度计划；上年项目记为“退出”，须写明原因，如“任务已完成”。"),
    ),
    "rename": (forms.RenameForm, _("更名"), ""),
    "content": (forms.ContentForm, _("增减内容"), ""),
    "split": (forms.SplitForm, _("拆分"), _("一个项目拆为多个，每个都记为由原项目调整而来。")),
}


@login_required
def project_action_view(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    project = selectors.project_get(user=request.user, pk=pk)
    program = _managed_program(request, project.program_id)
    if action not in PROJECT_ACTIONS:
        raise Http404
    form_class, title, hint = PROJECT_ACTIONS[action]
    extra = {"items": [c.name for c in project.content_items.all()]} if action == "content" else {}
    form = form_class(request.POST or None, **extra)
    if request.method == "POST" and form.is_valid():
        data, reason = form.cleaned_data, form.cleaned_data["reason"]
        try:
            if action == "retire":
                services.project_retire(actor=request.user, project=project, reason=reason)
                messages.success(request, _("“%(name)s”已退出。") % {"name": project.name})
                return redirect("catalogue:program_detail", pk=program.pk)
            if action == "rename":
                services.project_rename(
                    actor=request.user,
                    project=project,
                    name=data["name"],
                    reason=reason,
                    silent=data["silent"],
                )
            elif action == "content":
                services.project_content_change(
                    actor=request.user,
                    project=project,
                    add=data["add"].splitlines(),
                    remove=data["remove"],
                    reason=reason,
                )
            elif action == "split":
                services.project_split(
                    actor=request.user, project=project, names=data["names"].splitlines(), reason=reason
                )
        except ValidationError as exc:
            _errors(request, exc)
        else:
            messages.success(request, _("已记录。"))
            return redirect("catalogue:project_detail", pk=project.pk)
    return render(
        request,
        "catalogue/action_form.html",
        {
            "program": program,
            "project": project,
            "form": form,
            "title": f"{title}：{project.name}",
            "hint": hint,
        },
    )


@login_required
def proposal_list(request: HttpRequest) -> HttpResponse:
    if not can_any(request.user, "view", ProjectProposal):
        return render(request, "403.html", status=403)
    form = forms.ProposalForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.proposal_create(actor=request.user, data=form.cleaned_data)
            except ValidationError as exc:
                _errors(request, exc)
            else:
                messages.success(request, _("已登记项目建议。"))
                return redirect("catalogue:proposal_list")
    return render(
        request,
        "catalogue/proposal_list.html",
        {
            "proposals": selectors.proposal_list(user=request.user),
            "form": form if can_any(request.user, "add", ProjectProposal) else None,
            "may_decide": can_any(request.user, "change", ProjectProposal),
        },
    )


@login_required
def proposal_decide(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = selectors.proposal_get(user=request.user, pk=pk)
    if not can(request.user, "change", proposal):
        raise PermissionDenied
    programs = selectors.editable_programs(user=request.user)
    form = forms.ProposalDecisionForm(
        request.POST or None,
        programs=programs,
        initial={"program": programs.filter(year=proposal.year).first()},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if data["decision"] == "accept":
                if not data["program"]:
                    raise ValidationError(_("请选择列入哪个年度计划。"))
                project = services.proposal_accept(
                    actor=request.user, proposal=proposal, program=data["program"], reason=data["reason"]
                )
                messages.success(request, _("已采纳为新增项目。"))
                return redirect("catalogue:project_detail", pk=project.pk)
            services.proposal_decline(actor=request.user, proposal=proposal, reason=data["reason"])
            messages.success(request, _("已记录不采纳。"))
            return redirect("catalogue:proposal_list")
        except ValidationError as exc:
            _errors(request, exc)
    return render(
        request,
        "catalogue/action_form.html",
        {"form": form, "title": _("处理项目建议：%(t)s") % {"t": proposal.title}, "hint": proposal.summary},
    )


def program_notice(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """The notice of a program, written from its data: .txt, .docx (GB/T 9704) or PDF."""
    import io

    from catalogue.notice import notice_document, notice_text
    from documents.render import render_docx, render_pdf

    program = selectors.program_get(user=request.user, pk=pk)
    name = f"{program.issuer_name}关于{program.display_title}的通知"
    if fmt == "txt":
        response = HttpResponse(notice_text(program), content_type="text/plain; charset=utf-8")
    elif fmt in ("docx", "pdf"):
        buffer = io.BytesIO()
        (render_docx if fmt == "docx" else render_pdf)(notice_document(program), buffer)
        kind = (
            "application/pdf"
            if fmt == "pdf"
            else "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        )
        response = HttpResponse(buffer.getvalue(), content_type=kind)
    else:
        raise Http404
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(f'{name}.{fmt}')}"
    return response


NOTICE_IMPORT = "catalogue.notice_import"


@login_required
def program_import(request: HttpRequest) -> HttpResponse:
    """Paste or upload a notice → a preview of the program it describes → confirm to create a draft."""
    from catalogue.notice import NOTICE_MAX_CHARS, notice_upload_text, parse_text

    if not can_any(request.user, "add", Program):
        raise PermissionDenied
    from core.policy import actor_for
    from orgs.rules import government_organisations

    issuers = (
        government_organisations(actor_for(request.user))  # one's own government issues its program
        .filter(kind__in=("government", "district"), is_sample=False)
        .order_by("order")
    )
    text = request.POST.get("text", "")
    if request.FILES.get("file"):
        try:
            text = notice_upload_text(request.FILES["file"])
        except ValidationError as exc:
            _errors(request, exc)
    elif request.POST.get("token"):
        # the previewed text waits on the server (core.staging), not in the page; it is parsed again here
        pending = staging.staged(request, purpose=NOTICE_IMPORT, token=request.POST["token"])
        if pending is None:
            messages.error(request, _("待导入的通知已失效（可能已经导入或已重新上传），请重新粘贴或上传。"))
            return redirect("catalogue:program_import")
        text = pending.data.decode()
    if len(text) > NOTICE_MAX_CHARS:
        messages.error(
            request,
            _("通知全文超过{limit}字的限制，请检查是否粘贴或上传了别的文件。").format(limit=NOTICE_MAX_CHARS),
        )
        text = ""
    parsed = parse_text(text) if text.strip() else None
    if request.method == "POST" and request.POST.get("action") == "confirm" and parsed and parsed.ok:
        issuer = get_object_or_404(issuers, pk=id_or_404(request.POST.get("issuer", "")))
        try:
            program = services.program_create_from_notice(actor=request.user, data=parsed.data, issuer=issuer)
        except ValidationError as exc:
            _errors(request, exc)
        else:
            staging.discard(request, purpose=NOTICE_IMPORT)
            messages.success(request, _("已按通知生成草稿，请核对项目的类型和分工后再发布。"))
            return redirect("catalogue:program_detail", pk=program.pk)
    token = staging.stage(request, purpose=NOTICE_IMPORT, data=text.encode()) if parsed and parsed.ok else ""
    return render(
        request,
        "catalogue/program_import.html",
        {
            "parsed": parsed,
            "groups": _notice_groups(parsed.data) if parsed and parsed.data else [],
            "text": text,
            "issuers": issuers,
            "token": token,
        },
    )


def _notice_groups(data: Any) -> list[tuple[str, list[Any]]]:
    """The parsed notice's lists for the preview: its change sections, then its categories (labelled)."""
    labels = {"new": _("新增"), "exit": _("退出"), "adjust": _("调整实施"), "continue": _("继续实施")}
    groups = [(labels[kind], items) for kind, items in data.sections.items() if items]
    groups += [(name or _("（未分类）"), items) for name, items in data.categories]
    return groups
