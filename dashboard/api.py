"""The dashboard's JSON endpoints (what static/js/dashboard.js draws) and the Excel downloads of the same
numbers: one URL per chart, ``.json`` or ``.xlsx``. Access as the pages: dashboard.rules + core.policy."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _

from core.downloads import download_response
from dashboard import charts, views
from dashboard.exports import chart_xlsx


def _answer(board: views.selectors.Board, chart: charts.Chart, fmt: str) -> HttpResponse:
    if fmt == "xlsx":
        program = board.program
        heading = _("%(year)s年%(noun)s（截至%(month)s月）") % {
            "year": program.year,
            "noun": program.noun,
            "month": board.period.month,
        }
        basis = _("含待审核数据，非正式") if board.pending else _("只计民生办已确认的数据")
        data = chart_xlsx(chart, heading=heading, note=f"{basis}；{_('金额单位：万元')}")
        return download_response(data, filename=f"{heading}{chart.title}.xlsx")
    if fmt != "json":
        raise Http404
    response = JsonResponse(chart.spec(), json_dumps_params={"ensure_ascii": False})
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def chart_data(request: HttpRequest, program_pk: int, month: int, key: str, fmt: str) -> HttpResponse:
    build = charts.MAIN_CHARTS.get(key)
    if build is None:
        raise Http404
    period = views._drill(request, program_pk, month)
    board = views._board(request, period)
    return _answer(board, build(board), fmt)


@login_required
def project_data(
    request: HttpRequest, program_pk: int, month: int, project_pk: int, fmt: str
) -> HttpResponse:
    period = views._drill(request, program_pk, month)
    item = views.reached_project(request, period, project_pk)
    board = views._board(request, period)
    return _answer(board, views.project_chart(board, item), fmt)


@login_required
def unit_data(request: HttpRequest, program_pk: int, month: int, unit_pk: int, fmt: str) -> HttpResponse:
    period = views._drill(request, program_pk, month)
    item = views.reached_unit(request, period, unit_pk)
    board = views._board(request, period)
    return _answer(board, views.unit_chart(board, item), fmt)


@login_required
def tree_data(request: HttpRequest, year: int, month: int, key: str, fmt: str) -> HttpResponse:
    """A tree dashboard's chart (``?government=``): JSON for dashboard.js or the same numbers as Excel."""
    from dashboard.governments import TREE_CHARTS, TreeBoard

    if key not in TREE_CHARTS:
        raise Http404
    government, year = views.tree_board(request, year)
    if not 1 <= month <= 12:
        raise Http404
    board = TreeBoard(user=request.user, government=government, year=year, month=month)
    chart = board.chart(key)
    if fmt == "xlsx":
        heading = _("%(government)s%(year)s年（截至%(month)s月）") % {
            "government": government.name,
            "year": year,
            "month": month,
        }
        note = f"{_('只计各区县民生办已确认的数据')}；{_('金额单位：万元')}"
        return download_response(
            chart_xlsx(chart, heading=heading, note=note), filename=f"{heading}{chart.title}.xlsx"
        )
    if fmt != "json":
        raise Http404
    response = JsonResponse(chart.spec(), json_dumps_params={"ensure_ascii": False})
    response["Cache-Control"] = "private, no-store"
    return response
