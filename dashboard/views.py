"""The dashboard's pages: the district (or the viewer's part of it) for a month, and the drill-down
district → project or unit → the unit's reports on the project → the report page. Thin: the figures come from
dashboard.selectors (read models), the access from dashboard.rules and core.policy."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone

from catalogue.models import Project
from core.policy import actor_for, restrict
from dashboard import charts, selectors
from dashboard.governments import TreeBoard, tree_home
from dashboard.rules import may_see_dashboard
from orgs.models import Organisation
from reporting import governments as tree
from reporting.models import Period
from reporting.rules import may_see_pending, may_see_rollup
from reporting.selectors import period_get


def _gate(request: HttpRequest) -> None:
    if not may_see_dashboard(request.user):
        raise PermissionDenied


def from_above(user: Any, program: Any) -> bool:
    """Whether ``user`` reads ``program`` as an upper government (a city's or the province's staff opening a
    district's dashboard from the roll-up): read-only, confirmed figures only (never a district's pending ones)."""
    actor = actor_for(user)
    if actor.unscoped or not actor.lower_government_ids:
        return False  # a district's own staff (no query: the district dashboard's counts stay as they were)
    government = Organisation.objects.filter(pk=program.issuer_id).values_list("government_id", flat=True)
    return government.first() != actor.government_id


def _board(request: HttpRequest, period: Period) -> selectors.Board:
    above = from_above(request.user, period.program)
    board = selectors.Board(
        user=request.user, period=period, pending=request.GET.get("pending") == "1" and not above
    )
    board.from_above = above
    return board


def _query(board: selectors.Board) -> str:
    return "?pending=1" if board.pending else ""


def _context(request: HttpRequest, board: selectors.Board, **extra: Any) -> dict[str, Any]:
    periods = list(restrict(board.program.periods.order_by("month"), request.user, "view"))
    above = tree_home(request.user) if getattr(board, "from_above", False) else None  # the way back up
    return {
        "programs": selectors.dashboard_programs(user=request.user),  # the year switcher
        "board": board,
        "period": board.period,
        "program": board.program,
        "periods": periods,
        "pending": board.pending,
        "may_pending": may_see_pending(request.user) and not above,
        "above": above,
        "query": _query(board),
        "month_base": reverse("dashboard:index") + f"{board.program.pk}/",
        **extra,
    }


def _main(request: HttpRequest, period: Period) -> HttpResponse:
    board = _board(request, period)
    shown = []
    for key, build in charts.MAIN_CHARTS.items():
        chart = build(board)
        args = [board.program.pk, board.period.month, key]
        chart.src = reverse("dashboard:data", args=[*args, "json"]) + _query(board)
        chart.xlsx = reverse("dashboard:data", args=[*args, "xlsx"]) + _query(board)
        shown.append(chart)
    return render(request, "dashboard/board.html", _context(request, board, kpis=board.kpis, charts=shown))


@login_required
def index(request: HttpRequest) -> HttpResponse:
    """``/dashboard/`` (and the home page of those whose home it is): the newest program, the latest month whose
    deadline has passed; for a city's or the province's staff its lower governments (the tree dashboard) on the
    latest month with confirmed figures below."""
    _gate(request)
    government = tree_home(request.user)
    if government is not None:
        year, month = tree.tree_latest(request.user, government)
        today = timezone.localdate()
        return _tree(request, government, year or today.year, month or today.month)
    program, periods = selectors.dashboard_periods(user=request.user)
    period = selectors.default_month(periods, timezone.localdate())
    if period is None:
        return render(request, "dashboard/board.html", {"board": None, "program": program})
    return _main(request, period)


@login_required
def year(request: HttpRequest, program_pk: int) -> HttpResponse:
    """``/dashboard/<program>/``: the year switcher's target — that program on its default month (the latest
    with confirmed figures whose deadline has passed; a finished year: its last such month)."""
    _gate(request)
    program, periods = selectors.program_periods(user=request.user, program_pk=program_pk)
    period = selectors.default_month(periods, timezone.localdate())
    if period is None:
        return render(request, "dashboard/board.html", {"board": None, "program": program})
    return _main(request, period)


@login_required
def board(request: HttpRequest, program_pk: int, month: int) -> HttpResponse:
    _gate(request)
    return _main(request, period_get(user=request.user, program_pk=program_pk, month=month))


def reached_project(request: HttpRequest, period: Period, project_pk: int) -> Project:
    project = get_object_or_404(
        restrict(Project.objects.filter(program=period.program), request.user, "view").select_related(
            "lead_department"
        ),
        pk=project_pk,
    )
    if not selectors.may_reach_project(request.user, project):
        raise Http404
    return project


def reached_unit(request: HttpRequest, period: Period, unit_pk: int) -> Organisation:
    unit = get_object_or_404(Organisation, pk=unit_pk)
    if not selectors.may_reach_unit(request.user, unit, period.program):
        raise Http404
    return unit


def _drill(request: HttpRequest, program_pk: int, month: int) -> Period:
    _gate(request)
    return period_get(user=request.user, program_pk=program_pk, month=month)


def project_chart(board: selectors.Board, project: Project) -> charts.Chart:
    figures = selectors.unit_figures(
        user=board.user, period=board.period, project=project, pending=board.pending
    )
    return charts.project_units_chart(board, project, figures)


def unit_chart(board: selectors.Board, unit: Organisation) -> charts.Chart:
    figures = selectors.unit_project_figures(
        user=board.user, period=board.period, unit=unit, pending=board.pending
    )
    return charts.unit_projects_chart(board, unit, figures)


@login_required
def project(request: HttpRequest, program_pk: int, month: int, project_pk: int) -> HttpResponse:
    period = _drill(request, program_pk, month)
    item = reached_project(request, period, project_pk)
    board = _board(request, period)
    chart = project_chart(board, item)
    chart.src = reverse("dashboard:project_data", args=[program_pk, month, project_pk, "json"]) + _query(
        board
    )
    chart.xlsx = reverse("dashboard:project_data", args=[program_pk, month, project_pk, "xlsx"]) + _query(
        board
    )
    return render(
        request, "dashboard/drill.html", _context(request, board, chart=chart, subject=item, kind="project")
    )


@login_required
def unit(request: HttpRequest, program_pk: int, month: int, unit_pk: int) -> HttpResponse:
    period = _drill(request, program_pk, month)
    item = reached_unit(request, period, unit_pk)
    board = _board(request, period)
    chart = unit_chart(board, item)
    chart.src = reverse("dashboard:unit_data", args=[program_pk, month, unit_pk, "json"]) + _query(board)
    chart.xlsx = reverse("dashboard:unit_data", args=[program_pk, month, unit_pk, "xlsx"]) + _query(board)
    return render(
        request, "dashboard/drill.html", _context(request, board, chart=chart, subject=item, kind="unit")
    )


@login_required
def reports(request: HttpRequest, program_pk: int, month: int, project_pk: int, unit_pk: int) -> HttpResponse:
    """The last step before the report page: the unit's reports on the project, month by month."""
    period = _drill(request, program_pk, month)
    item = reached_project(request, period, project_pk)
    who = reached_unit(request, period, unit_pk)
    board = _board(request, period)
    rows = selectors.unit_reports(user=request.user, program=period.program, project=item, unit=who)
    return render(
        request, "dashboard/reports.html", _context(request, board, subject=item, unit=who, reports=rows)
    )


def tree_board(request: HttpRequest, year: int) -> tuple[Organisation, int]:
    """The government of a tree dashboard (``?government=``, else the user's own): 403 for whoever has no
    roll-up (a district's staff), 404 for a government the user may not open."""
    if not may_see_rollup(request.user):
        raise PermissionDenied
    government = tree.tree_government(request.user, request.GET.get("government"))
    if government is None or not 2000 <= year <= 2100:
        raise Http404
    return government, year


def _tree(request: HttpRequest, government: Organisation, year: int, month: int) -> HttpResponse:
    if not 1 <= month <= 12:
        raise Http404
    board = TreeBoard(user=request.user, government=government, year=year, month=month)
    own = None  # the government's own program's dashboard (its own staff), when it has reporting periods
    if government.pk == actor_for(request.user).government_id:
        from catalogue.models import Program
        from catalogue.selectors import program_list
        from core.policy import own_government

        mine = own_government(request.user, Program)
        if not isinstance(mine, bool):
            own = (
                program_list(user=request.user)
                .filter(mine, status=Program.Status.PUBLISHED, periods__isnull=False)
                .distinct()
                .first()
            )
    return render(
        request,
        "dashboard/tree.html",
        {
            "tree": board,
            "government": government,
            "governments": tree.tree_governments(request.user),
            "kpis": board.kpis,
            "charts": board.charts(),
            "year": year,
            "month": month,
            "months": range(1, 13),
            "own_program": own,
        },
    )


@login_required
def tree_view(request: HttpRequest, year: int, month: int) -> HttpResponse:
    """``/dashboard/tree/<year>/<month>/``: a city's districts (the province's cities) at a glance, confirmed
    figures only, with the drill-down to a district's dashboard (read-only) or a city's tree dashboard."""
    government, year = tree_board(request, year)
    return _tree(request, government, year, month)
