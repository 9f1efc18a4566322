from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from core.changes import changes_attach
from core.forms import AuditFilterForm
from core.models import AuditEvent
from core.policy import can_any
from core.selectors import audit_filter_choices, audit_log


@login_required
def audit_log_view(request: HttpRequest) -> HttpResponse:
    if not can_any(request.user, "view", AuditEvent):
        return render(
            request,
            "403.html",
            {"message": _("只有系统管理员、民生办和领导可以查看全部操作记录。")},
            status=403,
        )
    actors, kinds = audit_filter_choices(user=request.user)
    form = AuditFilterForm(request.GET or None, actors=actors, kinds=kinds)
    filters: dict = {}
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        filters = {
            "actor_id": int(data["actor"]) if data["actor"] else None,
            "content_type_id": int(data["content_type"]) if data["content_type"] else None,
            "action": data["action"],
            "since": data["since"],
            "until": data["until"],
        }
    rows = audit_log(user=request.user, **filters)
    if form.is_bound and not form.is_valid():  # a filter that cannot be applied shows nothing, not everything
        rows, filters = rows.none(), {"invalid": True}
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    changes_attach(list(page.object_list))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "core/audit_log.html",
        {"page": page, "form": form, "query": query.urlencode(), "filtered": bool(filters)},
    )


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
