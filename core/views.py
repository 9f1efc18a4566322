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


def admin_login(request: HttpRequest) -> HttpResponse:
    """The admin's login page: a signed-in user without admin rights gets a 403 page saying so (not a second
    login form); staff go on to the admin; anyone else logs in as usual."""
    from django.contrib import admin
    from django.shortcuts import redirect
    from django.utils.http import url_has_allowed_host_and_scheme

    if request.user.is_authenticated:
        if admin.site.has_permission(request):
            target = request.GET.get("next", "")
            safe = url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()})
            return redirect(target if target and safe else "admin:index")
        return render(
            request,
            "403.html",
            {"message": _("系统设置只对系统管理员开放；您的日常工作都可以在系统页面中完成。")},
            status=403,
        )
    return admin.site.login(request)
