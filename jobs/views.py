from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from core.policy import can_any
from jobs import exports, schedule, selectors
from jobs.models import ScheduledRun


@login_required
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = selectors.job_get(user=request.user, pk=pk)
    state = selectors.job_state(job)
    if request.GET.get("format") == "json":
        return JsonResponse(state)
    template = "jobs/_progress.html" if request.GET.get("partial") else "jobs/job_detail.html"
    return render(request, template, {"job": job, "state": state})


@login_required
def job_file(request: HttpRequest, pk: int) -> HttpResponse:
    """The file a job made (a large export): only its starter, still allowed to see the table (re-checked)."""
    from core.downloads import download_response

    job = selectors.job_get(user=request.user, pk=pk)
    filename = exports.export_check(user=request.user, job=job)
    try:
        with job.output.open("rb") as handle:
            data = handle.read()
    except OSError as exc:  # removed by the clean-up, or the store is away
        raise Http404 from exc
    return download_response(data, filename=filename)


@login_required
def schedule_list(request: HttpRequest) -> HttpResponse:
    """The scheduled jobs with their last run and result, and the workers' heartbeats (系统管理员)."""
    if not can_any(request.user, "view", ScheduledRun):
        raise PermissionDenied
    context = {
        "rows": selectors.schedule_rows(user=request.user),
        "workers": selectors.worker_rows(user=request.user),
        "may_run": can_any(request.user, "change", ScheduledRun),
    }
    return render(request, "jobs/schedule.html", context)


@login_required
@require_POST
def schedule_run(request: HttpRequest, name: str) -> HttpResponse:
    """Start a scheduled job now (it runs in a worker like any other)."""
    if not can_any(request.user, "change", ScheduledRun):
        raise PermissionDenied
    if name not in schedule.registered():
        raise Http404
    job = schedule.scheduled_start(name=name, actor=request.user)
    messages.success(request, _("已加入后台队列。"))
    return redirect("jobs:job_detail", pk=job.pk)


@never_cache
def health(request: HttpRequest) -> JsonResponse:
    """For the load balancer and monitoring, without login: one status word per check, HTTP 200 when all are
    "ok", else 503. Reveals nothing else (no versions, paths, counts or names)."""
    checks = selectors.health_checks()
    healthy = all(v == "ok" for v in checks.values())
    return JsonResponse({"status": "ok" if healthy else "fail", **checks}, status=200 if healthy else 503)
