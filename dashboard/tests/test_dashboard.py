"""The dashboard: hand-computed KPIs on the ``month`` scene, who sees what, and a fixed number of queries.

Scene (conftest ``month``): 农村危房改造, targets 石台镇 10/10/100 and 段园镇 20/20/200, province budgets 60 and
120 万元. June (序时 6/12 = 50%): 石台镇 reports 5/5/50 (every indicator exactly 50%: on 序时), 30 万 arrived,
15 万 spent; 段园镇 10/5/100 (50%, 25%, 50%), 60 万 arrived, 30 万 spent. Both confirmed by 民生办.
Project: done 15/10/150 of 30/30/300 → (50% + 33.33% + 50%) / 3 = 44.44%, 5.56 points behind: 滞后.
Funds: 90 of 180 万 arrived (50%), 45 of 90 spent (50%).
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dashboard import selectors
from dashboard.charts import MAIN_CHARTS
from reporting import services
from reporting.models import Period, Report
from reporting.tests.helpers import fill

pytestmark = pytest.mark.django_db


def _confirm(
    office: Any, town: Any, ctx: dict[str, Any], unit: Any, values: Any, arrived: str, spent: str
) -> Report:
    period = ctx["periods"][6]
    report = services.report_open(actor=town, project=ctx["project"], unit=unit, period=period)
    report = fill(town, report, ctx, values, arrived, spent)
    report = services.report_submit(actor=town, report=report)
    report = services.report_decide(actor=office, report=report, action="approve")
    return services.report_decide(actor=office, report=report, action="approve")


@pytest.fixture
def june(
    month: dict[str, Any], office: Any, persona: Any, django_capture_on_commit_callbacks: Any
) -> dict[str, Any]:
    Period.objects.filter(pk=month["periods"][6].pk).update(deadline=dt.date(2099, 1, 5))
    month["periods"][6].refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):  # the summaries are written after commit
        _confirm(office, persona("town_shitai"), month, month["shitai"], (5, 5, 50), "300000", "150000")
        _confirm(
            office, office, month, month["duanyuan"], (10, 5, 100), "600000", "300000"
        )  # 民生办 fills in
    month["period"] = month["periods"][6]
    return month


def test_district_kpis_by_hand(june: dict[str, Any], leader: Any) -> None:
    board = selectors.Board(user=leader, period=june["period"])
    k = board.kpis
    assert k.schedule == Decimal("0.5")
    (housing,) = [f for f in board.figures if f.project_id == june["project"].pk]
    assert round(housing.completion, 4) == Decimal("0.4444") and housing.behind
    assert k.behind == 1 and k.projects == 1
    assert (k.budget, k.arrived, k.spent) == (Decimal(1800000), Decimal(900000), Decimal(450000))
    assert k.arrival_rate == Decimal("0.5") and k.spending_rate == Decimal("0.5")


def test_exactly_on_schedule_is_not_behind(june: dict[str, Any], town_shitai: Any) -> None:
    board = selectors.Board(user=town_shitai, period=june["period"])
    (own,) = [f for f in board.figures if f.reported]
    assert own.completion == Decimal("0.5000") and own.gap == 0 and not own.behind
    assert board.kpis.behind == 0
    assert (board.kpis.budget, board.kpis.arrived) == (Decimal(600000), Decimal(300000))


def test_no_budget_has_no_arrival_rate() -> None:
    figure = selectors.Figure(project_id=1, order=1, name="x", lead_id=None, lead_name="", arrived=Decimal(5))
    assert figure.budget == 0 and figure.arrival_rate is None and figure.spending_rate == 0


def test_on_time_counts_the_units_reports(june: dict[str, Any], town_shitai: Any) -> None:
    from reporting.rules import reported_by

    expected = june["program"].projects.filter(reported_by(june["shitai"])).distinct().count()
    k = selectors.Board(user=town_shitai, period=june["period"]).kpis
    assert (k.reports_expected, k.reports_on_time) == (expected, 1)


def test_funds_by_source(june: dict[str, Any], office: Any) -> None:
    (province,) = selectors.Board(user=office, period=june["period"]).funds
    assert (province.budget, province.arrived, province.spent) == (
        Decimal(1800000),
        Decimal(900000),
        Decimal(450000),
    )


def test_pending_counts_only_when_asked(june: dict[str, Any], office: Any, persona: Any) -> None:
    from responsibility.models import Target

    period = june["periods"][7] if 7 in june["periods"] else None
    if period is None:
        pytest.skip("no July period")
    Period.objects.filter(pk=period.pk).update(deadline=dt.date(2099, 1, 5))
    town = persona("town_shitai")
    report = services.report_open(actor=town, project=june["project"], unit=june["shitai"], period=period)
    report = fill(town, report, june, (6, 6, 60), "400000", "200000")
    services.report_submit(actor=town, report=report)
    assert Target.objects.exists()
    assert [f for f in selectors.Board(user=office, period=period).figures if f.reported] == []
    (pending,) = [f for f in selectors.Board(user=office, period=period, pending=True).figures if f.reported]
    assert pending.pending == 1 and pending.arrived == Decimal(400000)


def test_town_sees_only_its_own_rows(june: dict[str, Any], town_shitai: Any, dept_health: Any) -> None:
    units = selectors.unit_figures(user=town_shitai, period=june["period"], project=june["project"])
    assert [f.unit_id for f in units] == [june["shitai"].pk]
    assert [f for f in selectors.Board(user=dept_health, period=june["period"]).figures if f.reported] == []


def test_trend_month_by_month(june: dict[str, Any], leader: Any) -> None:
    points = {p.month: p for p in selectors.trend(user=leader, program=june["program"])}
    assert points[6].arrival == Decimal("0.5") and points[6].schedule == Decimal("0.5")
    assert points[1].completion is None


def _pages(june: dict[str, Any]) -> list[str]:
    p, m = june["program"].pk, 6
    urls = [reverse("dashboard:board", args=[p, m])]
    urls += [reverse("dashboard:data", args=[p, m, key, "json"]) for key in MAIN_CHARTS]
    urls += [
        reverse("dashboard:project", args=[p, m, june["project"].pk]),
        reverse("dashboard:project_data", args=[p, m, june["project"].pk, "json"]),
        reverse("dashboard:unit", args=[p, m, june["shitai"].pk]),
        reverse("dashboard:unit_data", args=[p, m, june["shitai"].pk, "json"]),
        reverse("dashboard:reports", args=[p, m, june["project"].pk, june["shitai"].pk]),
    ]
    return urls


def _counts(client: Any, urls: list[str]) -> dict[str, int]:
    out = {}
    for url in urls:
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        assert response.status_code == 200, url
        out[url] = len(ctx.captured_queries)
    return out


def _more(june: dict[str, Any], office: Any) -> None:
    """Ten more projects with budgets and confirmed June figures (summaries written as synthetic data does)."""
    from funding.services import funding_line_create
    from reporting.models import Summary

    for project in june["program"].projects.exclude(pk=june["project"].pk).order_by("order")[:10]:
        funding_line_create(actor=office, project=project, unit=None, source="district", original="100000")
        Summary.objects.create(
            project=project,
            period=june["period"],
            unit=None,
            budget=Decimal(100000),
            arrived=Decimal(50000),
            spent=Decimal(1000),
            completion=Decimal("0.3"),
            schedule=Decimal("0.5"),
        )
        for unit in (june["shitai"], june["duanyuan"]):  # and the units' rows of it
            Summary.objects.create(
                project=project,
                period=june["period"],
                unit=unit,
                budget=Decimal(50000),
                arrived=Decimal(25000),
                spent=Decimal(500),
                completion=Decimal("0.3"),
                schedule=Decimal("0.5"),
            )


@pytest.mark.parametrize("persona_name", ["leader", "town_shitai"])
def test_fixed_number_of_queries(
    june: dict[str, Any], client_for: Any, office: Any, persona_name: str
) -> None:
    client = client_for(persona_name)
    urls = _pages(june)
    client.get(urls[0])  # warm-up (session, caches)
    small = _counts(client, urls)
    _more(june, office)
    assert _counts(client, urls) == small
    print(persona_name, small)  # noqa: T201  (the counts, for the report)


def test_json_spec_and_excel(june: dict[str, Any], client_for: Any) -> None:
    client = client_for("leader")
    p = june["program"].pk
    spec = json.loads(client.get(reverse("dashboard:data", args=[p, 6, "projects", "json"])).content)
    assert spec["schedule"] == 50.0 and spec["categories"][0] == "农村危房改造"
    assert spec["series"][0]["data"][0] == 44.4
    assert spec["links"][0].startswith(f"/dashboard/{p}/6/projects/")
    response = client.get(reverse("dashboard:data", args=[p, 6, "projects", "xlsx"]))
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxml")
    from python_calamine import CalamineWorkbook

    rows = CalamineWorkbook.from_filelike(io.BytesIO(response.content)).get_sheet_by_index(0).to_python()
    assert rows[3][1] == "农村危房改造" and abs(rows[3][3] - 0.4444) < 0.0001 and rows[3][5] == 180.0


def test_empty_chart_has_a_message(month: dict[str, Any], client_for: Any) -> None:
    page = (
        client_for("leader").get(reverse("dashboard:board", args=[month["program"].pk, 6])).content.decode()
    )
    # no confirmed figure: the projects and the units by kind say so; funds (budgets), the trend (序时) and the
    # ranking (on-time scores) still have something to draw
    assert page.count('data-testid="chart-empty"') == 3
    assert "本月尚无已确认的项目数据。" in page


def test_leader_home_is_the_dashboard(june: dict[str, Any], client_for: Any) -> None:
    page = client_for("leader").get("/").content.decode()
    assert 'data-testid="kpis"' in page and "vendor/echarts/echarts.min.js" in page
    assert "vendor/echarts" not in client_for("office").get("/").content.decode()


def test_supervisor_has_no_dashboard(client_for: Any) -> None:
    assert client_for("supervisor").get("/dashboard/").status_code == 403
    assert client_for("anon").get("/dashboard/").status_code == 302


def test_drill_down_links(june: dict[str, Any], client_for: Any) -> None:
    client = client_for("leader")
    p = june["program"].pk
    page = client.get(reverse("dashboard:project", args=[p, 6, june["project"].pk])).content.decode()
    reports_url = reverse("dashboard:reports", args=[p, 6, june["project"].pk, june["shitai"].pk])
    assert reports_url in page
    page = client.get(reports_url).content.decode()
    report = Report.objects.get(project=june["project"], unit=june["shitai"], period=june["period"])
    assert reverse("reporting:report_detail", args=[report.pk]) in page


def test_town_cannot_drill_into_another_town(june: dict[str, Any], client_for: Any) -> None:
    client = client_for("town_shitai")
    p = june["program"].pk
    other = june["duanyuan"].pk
    assert client.get(reverse("dashboard:unit", args=[p, 6, other])).status_code == 404
    assert client.get(reverse("dashboard:unit_data", args=[p, 6, other, "json"])).status_code == 404
    assert client.get(reverse("dashboard:reports", args=[p, 6, june["project"].pk, other])).status_code == 404
    spec = json.loads(
        client.get(reverse("dashboard:project_data", args=[p, 6, june["project"].pk, "json"])).content
    )
    assert spec["categories"] == [june["shitai"].display_name]


def test_a_project_without_a_confirmed_report_is_listed_as_not_reported(
    june: dict[str, Any], leader: Any, client_for: Any
) -> None:
    board = selectors.Board(user=leader, period=june["period"])
    silent = [f for f in board.figures if not f.reported]
    others = june["program"].projects.exclude(pk=june["project"].pk)
    assert {f.project_id for f in silent} == set(others.values_list("pk", flat=True)) and silent
    assert all(f.completion is None and f.arrived == 0 for f in silent)
    assert board.kpis.projects == 1 and board.kpis.unreported == len(silent)
    spec = json.loads(
        client_for("leader")
        .get(reverse("dashboard:data", args=[june["program"].pk, 6, "projects", "json"]))
        .content
    )
    assert spec["categories"][0] == "农村危房改造"  # the reported one first, the silent ones after it
    assert f"{silent[0].name}（未报）" in spec["categories"]
    page = client_for("leader").get(reverse("dashboard:board", args=[june["program"].pk, 6])).content.decode()
    assert "未报" in page


def test_a_town_sees_its_unreported_projects_too(june: dict[str, Any], town_shitai: Any) -> None:
    from catalogue.models import Project
    from reporting.rules import reported_by

    figures = selectors.project_figures(user=town_shitai, periods=[june["period"]])
    own = Project.objects.filter(reported_by(june["shitai"]), program=june["program"]).distinct()
    assert {f.project_id for f in figures} == set(own.values_list("pk", flat=True))
    assert [f.reported for f in figures if f.project_id == june["project"].pk] == [True]


def _previous_year(june: dict[str, Any]) -> Any:
    """A finished program of the year before, with a December whose deadline has passed."""
    from catalogue.models import Program

    current = june["program"]
    program = Program.objects.filter(issuer=current.issuer, year=current.year - 1).first()
    if program is None:
        program = Program.objects.get(pk=current.pk)
        program.pk = None
        program.year -= 1
    program.status = Program.Status.PUBLISHED
    program.save()
    program.periods.all().delete()
    Period.objects.create(program=program, month=11, label="11月", deadline=dt.date(program.year, 12, 5))
    Period.objects.create(program=program, month=12, label="12月", deadline=dt.date(program.year + 1, 1, 5))
    return program


def test_year_switcher_opens_a_previous_year_on_its_last_month(june: dict[str, Any], client_for: Any) -> None:
    old = _previous_year(june)
    client = client_for("leader")
    page = client.get(reverse("dashboard:board", args=[june["program"].pk, 6])).content.decode()
    assert 'data-testid="year-switcher"' in page
    assert reverse("dashboard:year", args=[old.pk]) in page
    page = client.get(reverse("dashboard:year", args=[old.pk])).content.decode()
    # the previous year on its last passed month; the month chooser stays in that year
    assert f'href="/dashboard/{old.pk}/12/"' in page and f'href="/dashboard/{old.pk}/11/"' in page
    assert re.search(r'aria-current="page"\s*>\s*12月', page)
    assert client.get(reverse("dashboard:board", args=[old.pk, 11])).status_code == 200
    home = client.get(reverse("dashboard:index")).content.decode()
    assert f'href="/dashboard/{june["program"].pk}/6/' in home  # the newest program stays the default


def test_year_switcher_refuses_a_draft_program(june: dict[str, Any], client_for: Any) -> None:
    from catalogue.models import Program

    old = _previous_year(june)
    Program.objects.filter(pk=old.pk).update(status=Program.Status.DRAFT)
    assert client_for("leader").get(reverse("dashboard:year", args=[old.pk])).status_code == 404


def test_summary_stores_on_time_counts_and_money_by_source(june: dict[str, Any]) -> None:
    from reporting.models import Summary, SummaryFunds

    rows = Summary.objects.filter(project=june["project"], period=june["period"])
    on_time = {s.unit_id: s.reports_on_time for s in rows}
    assert (on_time.pop(None), on_time.pop(june["shitai"].pk), on_time.pop(june["duanyuan"].pk)) == (2, 1, 1)
    assert set(on_time.values()) <= {0}  # the other reporting units have confirmed nothing
    funds = {
        (f.summary.unit_id, f.source): (f.budget, f.arrived, f.spent)
        for f in SummaryFunds.objects.filter(summary__in=rows).select_related("summary")
    }
    assert funds == {
        (None, "province"): (Decimal(1800000), Decimal(900000), Decimal(450000)),
        (june["shitai"].pk, "province"): (Decimal(600000), Decimal(300000), Decimal(150000)),
        (june["duanyuan"].pk, "province"): (Decimal(1200000), Decimal(600000), Decimal(300000)),
    }


def test_a_report_confirmed_after_a_passed_deadline_is_not_on_time(june: dict[str, Any], office: Any) -> None:
    from reporting.rollup import summary_refresh

    Period.objects.filter(pk=june["period"].pk).update(deadline=dt.date(2000, 1, 5))
    summary_refresh(project_id=june["project"].pk, period_id=june["period"].pk)
    june["period"].refresh_from_db()
    k = selectors.Board(user=office, period=june["period"]).kpis
    assert k.reports_on_time == 0 and k.reports_expected > 0


def test_funds_and_on_time_read_the_summary_rows_not_the_reports(june: dict[str, Any], office: Any) -> None:
    board = selectors.Board(user=office, period=june["period"])
    with CaptureQueriesContext(connection) as ctx:
        (province,) = board.funds
        board.kpis  # noqa: B018  (computed on first use)
    sql = " ".join(q["sql"] for q in ctx.captured_queries)
    assert (
        "reporting_report" not in sql.replace("reporting_reporting", "")
        and "reporting_reportfunds" not in sql
    )
    assert "reporting_summaryfunds" in sql
    assert (province.budget, province.arrived) == (Decimal(1800000), Decimal(900000))


def test_town_funds_by_source_are_its_own_rows(june: dict[str, Any], town_shitai: Any) -> None:
    (province,) = selectors.Board(user=town_shitai, period=june["period"]).funds
    assert (province.budget, province.arrived, province.spent) == (
        Decimal(600000),
        Decimal(300000),
        Decimal(150000),
    )


def test_pending_funds_and_on_time_only_when_asked(june: dict[str, Any], office: Any, persona: Any) -> None:
    period = june["periods"].get(7)
    if period is None:
        pytest.skip("no July period")
    Period.objects.filter(pk=period.pk).update(deadline=dt.date(2099, 1, 5))
    period.refresh_from_db()
    town = persona("town_shitai")
    report = services.report_open(actor=town, project=june["project"], unit=june["shitai"], period=period)
    report = fill(town, report, june, (6, 6, 60), "400000", "200000")
    services.report_submit(actor=town, report=report)
    official = selectors.Board(user=office, period=period)
    assert official.funds[0].arrived == 0 and official.kpis.reports_on_time == 0
    asked = selectors.Board(user=office, period=period, pending=True)
    (province,) = asked.funds
    assert province.arrived == Decimal(400000) and asked.kpis.reports_on_time == 1


def test_migration_backfill_equals_the_refresh(june: dict[str, Any]) -> None:
    import importlib

    from django.apps import apps

    from reporting.models import Summary, SummaryFunds

    def stored() -> set[tuple[Any, ...]]:
        rows = Summary.objects.filter(period=june["period"])
        return {(s.project_id, s.unit_id, s.reports_on_time) for s in rows} | {
            (f.summary.project_id, f.summary.unit_id, f.source, f.budget, f.arrived, f.spent)
            for f in SummaryFunds.objects.filter(summary__in=rows).select_related("summary")
        }

    refreshed = stored()
    SummaryFunds.objects.all().delete()
    Summary.objects.update(reports_on_time=0)
    importlib.import_module("reporting.migrations.0004_summary_funds_on_time").backfill(apps, None)
    assert stored() == refreshed
