from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from core.models import AuditEvent
from core.policy import can_any
from core.selectors import audit_log


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
