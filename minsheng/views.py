"""The home page: the project package composes what the apps offer (core knows no domain app)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from catalogue.selectors import program_list
from core.policy import actor_for
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
        "no_role": request.user.is_authenticated and actor.is_public,
        "todo": todo(user=request.user) if not actor.is_public else [],
    }
    return render(request, "core/home.html", context)
