from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from catalogue.selectors import program_list
from core.models import AuditEvent
from core.policy import PUBLIC, actor_for, can_any
from core.selectors import audit_log
from orgs.selectors import organisation_projects, own_organisation
from reporting.selectors import todo


def home(request: HttpRequest) -> HttpResponse:
    actor = actor_for(request.user)
    programs = list(program_list(user=request.user)[:6])
    org = own_organisation(user=request.user)
    context = {
        "programs": programs,
        "latest": programs[0] if programs else None,
        "org": org,
        "my_projects": organisation_projects(user=request.user, organisation=org) if org else None,
        "no_role": request.user.is_authenticated and actor.role == PUBLIC,
        "todo": todo(user=request.user) if actor.role != PUBLIC else [],
    }
    return render(request, "core/home.html", context)


@login_required
def audit_log_view(request: HttpRequest) -> HttpResponse:
    if not can_any(request.user, "view", AuditEvent):
        return render(
            request,
            "403.html",
            {"message": _("只有系统管理员、民生办和领导可以查看全部操作记录。")},
            status=403,
        )
    page = Paginator(audit_log(user=request.user), 50).get_page(request.GET.get("page"))
    return render(request, "core/audit_log.html", {"page": page})
