from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from search.selectors import SHOWN, search
from search.tokens import QUERY_CHARS


@login_required
def results(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:QUERY_CHARS]
    words, groups = search(user=request.user, query=query) if query else ([], [])
    return render(
        request,
        "search/results.html",
        {"query": query, "words": words, "groups": groups, "shown": SHOWN},
    )
