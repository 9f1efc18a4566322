from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from core.policy import can, can_see_history
from core.selectors import history_for
from core.services import ConflictError
from orgs import selectors, services
from orgs.forms import ContactForm


@login_required
def tree(request: HttpRequest) -> HttpResponse:
    return render(request, "orgs/tree.html", {"roots": selectors.organisation_tree(user=request.user)})


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    org = selectors.organisation_get(user=request.user, pk=pk)
    return render(
        request,
        "orgs/detail.html",
        {
            "org": org,
            "members": selectors.organisation_members(user=request.user, organisation=org),
            "projects": selectors.organisation_projects(user=request.user, organisation=org),
            "can_edit": can(request.user, "change", org),
            "history": history_for(org) if can_see_history(request.user, org) else None,
        },
    )


@login_required
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    org = selectors.organisation_get(user=request.user, pk=pk)
    if not can(request.user, "change", org):
        return render(request, "403.html", {"message": _("您只能修改本单位的联系信息。")}, status=403)
    form = ContactForm(request.POST or None, instance=org)
    if request.method == "POST" and form.is_valid():
        try:
            services.organisation_update_contact(
                actor=request.user,
                organisation=selectors.organisation_get(user=request.user, pk=pk),
                data=form.changes(),
                expected_version=form.cleaned_data["version"],
                reason=form.cleaned_data["reason"],
            )
        except ConflictError:
            form.add_error(None, _("保存失败：该单位信息已被其他人修改。请刷新页面后再修改。"))
        else:
            messages.success(request, _("已保存。"))
            return redirect("orgs:detail", pk=pk)
    return render(request, "orgs/edit.html", {"org": org, "form": form})
