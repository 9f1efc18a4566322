"""The rush's floor (bench/rush.py): the fill page's URL answered with no work behind it, every other URL as usual.

The GET sends the page recorded from the real server for a unit with nothing filled yet (the same bytes, its CSRF
token swapped for this client's); the POST parses the same fields and redirects, as the fill page does after a
save. Everything before the view is the project's own: gunicorn, the middleware (session, login, CSRF, axes, the
access log, the policy's scope), the session's user read from the database. The units' cycle through it is what
any fill page could reach on this machine with this client: the ceiling that the capacity is compared with."""

from __future__ import annotations

import os
from pathlib import Path

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect
from django.urls import include, path

PAGE = Path(os.environ["RUSH_FLOOR_PAGE"]).read_text(encoding="utf-8")
TOKEN = os.environ["RUSH_FLOOR_TOKEN"]  # the recorded page's CSRF token


@login_required
def fill(request: HttpRequest, program_pk: int, month: int) -> HttpResponse:
    if request.method == "POST":
        if not request.POST:  # parsed, as the fill page parses them
            return HttpResponse(status=400)
        return redirect(request.path)
    return HttpResponse(PAGE.replace(TOKEN, get_token(request)))


urlpatterns = [
    path("reporting/<int:program_pk>/<int:month>/fill/", fill),
    path("", include("minsheng.urls")),
]
