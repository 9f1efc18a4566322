"""Pages of the bulletins: list and generate, edit with preview and checklist, issue, downloads."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bulletins import forms, selectors, services
from bulletins.checklist import bulletin_checklist, checklist_summary
from bulletins.document import bulletin_document, bulletin_filename
from bulletins.exports import bulletin_bytes
from bulletins.models import Bulletin
from bulletins.rules import may_edit, may_manage_bulletins, may_see_bulletins
from core.downloads import PDF_CSP, _protect, download_response
from core.forms import errors_to_form, errors_to_messages
from core.policy import can
from core.services import ConflictError

CONFLICT = _("保存失败：简报已被其他人修改。请刷新页面，查看最新内容后再修改。")
FORMATS = ("docx", "pdf")


@login_required
def index(request: HttpRequest) -> HttpResponse:
    if not may_see_bulletins(request.user):
        raise PermissionDenied
    manage = may_manage_bulletins(request.user)
    form = None
    if manage:
        form = forms.GenerateForm(
            request.POST or None, periods=selectors.periods_for_bulletin(user=request.user)
        )
        if request.method == "POST" and form.is_valid():
            try:
                bulletin = services.bulletin_generate(
                    actor=request.user, period=form.cleaned_data["period"], kind=form.cleaned_data["kind"]
                )
            except (ValidationError, PermissionDenied) as exc:
                errors_to_form(form, exc)
            else:
                messages.success(request, _("已按已确认的数据生成简报草稿。"))
                return redirect("bulletins:detail", pk=bulletin.pk)
    elif request.method == "POST":
        raise PermissionDenied
    return render(
        request,
        "bulletins/index.html",
        {"bulletins": selectors.bulletins(user=request.user), "form": form},
    )


def _context(bulletin: Bulletin) -> dict[str, Any]:
    from documents.render import title_lines

    document = bulletin_document(bulletin)
    return {
        "bulletin": bulletin,
        "document": document,
        "title_lines": title_lines(document.title),
        "figures": bulletin.figures,
        **checklist_summary(bulletin_checklist(bulletin)),
    }


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The bulletin: its free-text parts (a draft, for the office), the checklist, the preview, issue."""
    bulletin = selectors.bulletin_get(user=request.user, pk=pk)
    editable = may_edit(request.user, bulletin)
    form = forms.BulletinForm(request.POST or None, instance=bulletin) if editable else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        fresh = selectors.bulletin_get(user=request.user, pk=pk)  # the form has written into ``bulletin``
        try:
            if request.POST.get("action") == "refresh":
                version = form.fields["version"].clean(request.POST.get("version"))
                services.bulletin_refresh(actor=request.user, bulletin=fresh, expected_version=version)
                messages.success(request, _("已按最新的已确认数据重新取数。"))
                return redirect("bulletins:detail", pk=pk)
            if form.is_valid():
                services.bulletin_update(
                    actor=request.user,
                    bulletin=fresh,
                    data=form.parts(),
                    expected_version=form.cleaned_data["version"],
                    reason=form.cleaned_data["reason"],
                )
                messages.success(request, _("简报已保存。"))
                return redirect("bulletins:detail", pk=pk)
        except ConflictError as exc:
            errors_to_form(form, exc, conflict=CONFLICT)
        except ValidationError as exc:
            errors_to_form(form, exc)
        bulletin = fresh
    issue_form = forms.IssueForm(initial={"version": bulletin.version}) if editable else None
    return render(
        request,
        "bulletins/detail.html",
        {
            **_context(bulletin),
            "form": form,
            "issue_form": issue_form,
            "editable": editable,
            "may_publish": not bulletin.is_draft and can(request.user, "change", bulletin),
        },
    )


@login_required
@require_POST
def issue(request: HttpRequest, pk: int) -> HttpResponse:
    bulletin = selectors.bulletin_get(user=request.user, pk=pk)
    form = forms.IssueForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请求无效，请刷新页面后重试。"))
        return redirect("bulletins:detail", pk=pk)
    try:
        services.bulletin_issue(
            actor=request.user,
            bulletin=bulletin,
            expected_version=form.cleaned_data["version"],
            confirm_warnings=form.cleaned_data["confirm"],
        )
    except services.IssueWarnings:
        messages.error(request, _("印发前检查有提醒：请逐项核对，勾选确认后再印发。"))
    except (ValidationError, PermissionDenied, ConflictError) as exc:
        messages.error(request, _("未能印发，请先处理以下问题："))
        errors_to_messages(request, exc, conflict=CONFLICT)
    else:
        messages.success(request, _("简报已印发。"))
    return redirect("bulletins:detail", pk=pk)


@login_required
@require_POST
def publish(request: HttpRequest, pk: int) -> HttpResponse:
    bulletin = selectors.bulletin_get(user=request.user, pk=pk)
    form = forms.IssueForm(request.POST)
    if not form.is_valid():
        raise Http404
    try:
        services.bulletin_set_public(
            actor=request.user,
            bulletin=bulletin,
            is_public=request.POST.get("public") == "1",
            expected_version=form.cleaned_data["version"],
        )
    except (PermissionDenied, ConflictError) as exc:
        errors_to_messages(request, exc, conflict=CONFLICT)
    else:
        messages.success(request, _("已在门户公开。") if bulletin.is_public else _("已撤回公开。"))
    return redirect("bulletins:detail", pk=pk)


@login_required
def preview(request: HttpRequest, pk: int) -> HttpResponse:
    """The bulletin as the PDF that will be issued, shown in the browser (not downloaded)."""
    bulletin = selectors.bulletin_get(user=request.user, pk=pk)
    response = HttpResponse(bulletin_bytes(bulletin, "pdf"), content_type="application/pdf")
    response["Content-Disposition"] = f"inline; filename*=UTF-8''{quote(bulletin_filename(bulletin, 'pdf'))}"
    return _protect(response, PDF_CSP)


@login_required
def download(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    if fmt not in FORMATS:
        raise Http404
    bulletin = selectors.bulletin_get(user=request.user, pk=pk)
    return download_response(bulletin_bytes(bulletin, fmt), filename=bulletin_filename(bulletin, fmt))
