"""The home page: the project package composes what the apps offer (core knows no domain app)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from alerts import selectors as alerts_selectors
from catalogue.derivation import lower_programs
from catalogue.selectors import program_list
from core.policy import actor_for
from core.todo import TodoItem, todo_compose
from dashboard import views as dashboard_views
from dashboard.rules import dashboard_is_home
from disclosure import selectors as disclosure_selectors
from evaluation import selectors as evaluation_selectors
from jobs import selectors as jobs_selectors
from orgs.selectors import organisation_projects, own_organisation
from reporting import selectors as reporting_selectors
from reporting.rules import may_see_rollup_in_top_menu
from responsibility import selectors as responsibility_selectors
from supervision import selectors as supervision_selectors
from upkeep import selectors as upkeep_selectors

#: Every app's to-do queues, in the order the home page lists them (the first one is the way forward when all
#: are empty): reporting, findings, letters, assets, disclosures and feedback, failed background work, alerts.
TODO_SOURCES = (
    reporting_selectors.todo_items,
    supervision_selectors.todo_items,
    responsibility_selectors.todo_items,
    upkeep_selectors.todo_items,
    disclosure_selectors.todo_items,
    evaluation_selectors.todo_items,
    jobs_selectors.todo_items,
    alerts_selectors.todo_items,
)


def todo(*, user: Any) -> dict[str, Any]:
    """The home page's workbench: every app's queues for this user, composed (core.todo.todo_compose)."""
    if actor_for(user).is_public:
        return todo_compose([])
    items: list[TodoItem] = []
    for source in TODO_SOURCES:
        items.extend(source(user=user))
    return todo_compose(items)


def home(request: HttpRequest) -> HttpResponse:
    if dashboard_is_home(request.user):  # dashboard.rules: the 领导's home page is the dashboard
        return dashboard_views.index(request)
    actor = actor_for(request.user)
    programs = list(program_list(user=request.user)[:6])
    org = own_organisation(user=request.user)
    # the actor's own government's program first: the levels above and below share the list
    own = [p for p in programs if actor.government_id and p.issuer.government_id == actor.government_id]
    latest = own[0] if own else (programs[0] if programs else None)
    upper = may_see_rollup_in_top_menu(request.user)  # a city's or the province's staff
    context = {
        "programs": programs,
        "several_issuers": len({p.issuer_id for p in programs}) > 1,
        "latest": latest,
        "upper": upper,
        "lower_programs": lower_programs(user=request.user, program=latest) if upper and latest else [],
        "org": org,
        "my_projects": organisation_projects(user=request.user, organisation=org) if org else None,
        "no_role": request.user.is_authenticated and actor.is_public,
        "todo": todo(user=request.user),
    }
    return render(request, "core/home.html", context)
