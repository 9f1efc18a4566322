from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from jobs import selectors


@login_required
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = selectors.job_get(user=request.user, pk=pk)
    state = selectors.job_state(job)
    if request.GET.get("format") == "json":
        return JsonResponse(state)
    template = "jobs/_progress.html" if request.GET.get("partial") else "jobs/job_detail.html"
    return render(request, template, {"job": job, "state": state})
