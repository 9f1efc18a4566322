"""The public portal: no login, read-only but for the anonymous feedback form, official figures only."""

from __future__ import annotations

import hashlib
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control

from core.security import client_ip
from core.templatetags.labels import month_label, year_label
from disclosure.services import feedback_submit
from evaluation.selectors import published_runs
from portal import selectors
from portal.exports import table_csv, table_xlsx
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
    figures = selectors.program_figures(item)
    return render(
        request,
        "portal/program.html",
        {
            "program": item,
            "years": list(selectors.programs()),
            "period": figures.period,
            "figures": figures,
            "cards": figures.cards,
            "tables": figures.tables,
            "supervision": selectors.supervision_summary(item),
            "disclosures": selectors.disclosures(item)[:50],
            "publicity": selectors.publicity(item)[:20],
            "assessment_runs": list(published_runs(program=item)),
        },
    )


def _caption(item: Any, figures: selectors.ProgramFigures, table: selectors.Table) -> str:
    month = month_label(figures.month) if figures.month else _("尚无经确认的数据")
    return _("%(year)s%(title)s（截至%(month)s，经确认的数据）") % {
        "year": year_label(item.year),
        "title": table.title,
        "month": month,
    }


def _number(value: Any) -> Any:
    return float(value) if isinstance(value, Decimal) else value


def _label(name: str, row: list[Any]) -> str:
    """A row's category label on its chart: the project (with its number), the source, the month."""
    if name == "projects":
        return f"{row[0]}. {row[1]}"
    if name == "trend":
        return month_label(row[0])
    return str(row[0])


def charts_payload(item: Any) -> dict[str, Any]:
    """The charts' numbers of a published program (confirmed figures only: no unit's report, no person), as the
    portal's charts and the public API (``/api/public/programs/<id>/charts/``) give them."""
    figures = selectors.program_figures(item)
    return {
        "month": figures.month,
        "month_label": month_label(figures.month) if figures.month else None,
        "tables": {
            name: {
                "title": t.title,
                "caption": _caption(item, figures, t),
                "head": t.head,
                "labels": [_label(name, row) for row in t.rows],
                "rows": [[_number(v) for v in row] for row in t.rows],
            }
            for name, t in figures.tables.items()
        },
    }


@cache_control(public=True, max_age=60)
def program_charts(request: HttpRequest, pk: int) -> JsonResponse:
    """The charts' numbers (the same tables as the page's table views and the downloads)."""
    return JsonResponse(charts_payload(selectors.program_get(pk)), json_dumps_params={"ensure_ascii": False})


@cache_control(public=True, max_age=60)
def program_table(request: HttpRequest, pk: int, name: str, fmt: str) -> HttpResponse:
    if fmt not in ("csv", "xlsx"):
        raise Http404
    item = selectors.program_get(pk)
    figures = selectors.program_figures(item)
    table = figures.tables.get(name)
    if table is None:
        raise Http404
    caption = _caption(item, figures, table)
    filename = f"{item.year}-{name}.{fmt}"
    if fmt == "csv":
        response = HttpResponse(table_csv(table, caption=caption), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(
            table_xlsx(table, caption=caption),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


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
            "card": selectors.ProjectCard(project=item, row=row),
            "form": form,
            "supervision": selectors.supervision_summary(item.program, item),
            "disclosures": selectors.disclosures(item.program, item),
            "attachments": selectors.public_attachments(item),
            "surveys_open": surveys_open,
            "survey_results": survey_results,
        },
    )


@cache_control(public=True, max_age=60)
def bulletins(request: HttpRequest) -> HttpResponse:
    """The issued monthly bulletins marked public, with their downloads."""
    from bulletins.selectors import public_bulletins

    return render(request, "portal/bulletins.html", {"bulletins": public_bulletins()})


def bulletin_download(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    from django.http import Http404
    from django.shortcuts import get_object_or_404

    from bulletins.document import bulletin_filename
    from bulletins.exports import bulletin_bytes
    from bulletins.selectors import public_bulletins
    from core.downloads import download_response

    if fmt not in ("docx", "pdf"):
        raise Http404
    bulletin = get_object_or_404(public_bulletins(), pk=pk)
    return download_response(bulletin_bytes(bulletin, fmt), filename=bulletin_filename(bulletin, fmt))
