"""The public portal: no login, read-only but for the anonymous feedback form, official figures only."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control

from core.security import client_ip
from disclosure.services import feedback_submit
from portal import selectors
from portal.forms import FeedbackForm

FEEDBACK_PER_HOUR = 5
#: All visitors together, per project and hour (a crowd of addresses cannot flood one project).
FEEDBACK_PER_TARGET_HOUR = 30


@cache_control(public=True, max_age=60)
def index(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/index.html", {"programs": selectors.programs()})


@cache_control(public=True, max_age=60)
def program(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.program_get(pk)
    period, rows = selectors.official_rows(item)
    projects = selectors.program_projects(item)
    return render(
        request,
        "portal/program.html",
        {
            "program": item,
            "period": period,
            "projects": [(p, rows.get(p.id)) for p in projects],
            "supervision": selectors.supervision_summary(item),
            "disclosures": selectors.disclosures(item)[:50],
            "publicity": selectors.publicity(item)[:20],
        },
    )


def _count(key: str, limit: int) -> bool:
    """Count one attempt under key for this hour; True when the limit was already reached."""
    key = f"{key}:{timezone.now():%Y%m%d%H}"
    count = cache.get_or_set(key, 0, 3600)
    if count >= limit:
        return True
    try:
        cache.incr(key)
    except ValueError:  # expired in between
        cache.set(key, 1, 3600)
    return False


def _too_many(request: HttpRequest, target: str) -> bool:
    """At most FEEDBACK_PER_HOUR per visitor and FEEDBACK_PER_TARGET_HOUR per project, each hour.

    The visitor is a salted hash of the client address, kept only in the cache; refused attempts count too.
    """
    ip = client_ip(request)
    visitor = hashlib.sha256(f"{settings.SECRET_KEY}:{ip}".encode()).hexdigest()[:32]
    # A visitor over its own limit is not counted against the project: one address cannot use up its quota.
    return _count(f"fb:ip:{visitor}", FEEDBACK_PER_HOUR) or _count(
        f"fb:target:{target}", FEEDBACK_PER_TARGET_HOUR
    )


def project(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.project_get(pk)
    form = FeedbackForm(request.POST or None)
    if request.method == "POST":
        if _too_many(request, f"project:{item.pk}"):
            messages.error(request, _("提交次数过多，请稍后再试。"))
        elif form.is_valid():
            try:
                feedback_submit(
                    program=item.program,
                    project=item,
                    satisfaction=form.cleaned_data["satisfaction"],
                    aware=form.cleaned_data["aware"],
                    text=form.cleaned_data["text"],
                    nonce=form.cleaned_data["nonce"],
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("感谢您的意见！"))
                return redirect("portal:project", pk=pk)
    period, row = selectors.official_row(item)
    from surveys.selectors import portal_surveys

    surveys_open, survey_results = portal_surveys(item)
    return render(
        request,
        "portal/project.html",
        {
            "project": item,
            "period": period,
            "row": row,
            "form": form,
            "supervision": selectors.supervision_summary(item.program, item),
            "disclosures": selectors.disclosures(item.program, item),
            "attachments": selectors.public_attachments(item),
            "surveys_open": surveys_open,
            "survey_results": survey_results,
        },
    )
