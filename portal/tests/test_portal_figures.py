"""The program page made for phones: project cards against 序时, charts of confirmed figures with table views and
downloads, the year switcher; a fixed number of queries; pending figures never shown."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from catalogue.models import Program, Project
from disclosure import services as ds
from funding.services import funding_line_create
from reporting import services as rs
from reporting.models import Status
from reporting.tests.helpers import fill

pytestmark = pytest.mark.django_db


def _confirm(office: Any, month: dict[str, Any], unit: Any, period: Any, values: Any, arrived: str) -> Any:
    report = rs.report_open(actor=office, project=month["project"], unit=unit, period=period)
    fill(office, report, month, values, arrived=arrived, spent=str(int(arrived) // 2))
    rs.report_submit(actor=office, report=report)
    report.status = Status.DEPT_APPROVED
    report.save()
    rs.report_confirm(actor=office, report=report, approve=True)
    return report


@pytest.fixture
def year(month: dict[str, Any], office: Any, django_capture_on_commit_callbacks: Any) -> dict[str, Any]:
    """石台镇 confirmed in March and June (the summaries written on commit, as in production)."""
    cache.clear()
    # one block: the summaries' on-commit hook collects every pair of the (test's never-committed) transaction
    with django_capture_on_commit_callbacks(execute=True):
        _confirm(office, month, month["shitai"], month["periods"][3], (2, 1, 20), "100000")
        _confirm(office, month, month["shitai"], month["periods"][6], (5, 4, 50), "300000")
    return month


def _urls(program: Program) -> list[str]:
    pk = program.pk
    return [
        reverse("portal:program", args=[pk]),
        reverse("portal:program_charts", args=[pk]),
        reverse("portal:program_table", args=[pk, "projects", "csv"]),
        reverse("portal:program_table", args=[pk, "trend", "xlsx"]),
    ]


def _queries(client: Any, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_portal_pages_take_the_same_queries_for_few_and_many_projects(
    client: Any, year: dict[str, Any], office: Any
) -> None:
    program = year["program"]
    before = {url: _queries(client, url) for url in _urls(program)}
    for n in range(8):
        extra = Project.objects.create(program=program, order=100 + n, name=f"加测项目{n}", kind="service")
        funding_line_create(actor=office, project=extra, unit=None, source="district", original="50000")
        ds.disclosure_record(
            actor=office,
            data={
                "program": program,
                "project": extra,
                "unit": year["shitai"],
                "title": f"加测公示{n}",
                "place": "村公示栏",
                "due": dt.date(2021, 5, 1),
                "start": dt.date(2021, 5, 1),
            },
        )
    after = {url: _queries(client, url) for url in _urls(program)}
    assert after == before
    assert before[reverse("portal:program", args=[program.pk])] <= 16  # 12 when written


def _stable(content: bytes) -> bytes:
    """The page without its per-request tokens (CSRF, the feedback form's)."""
    return re.sub(rb'name="(csrfmiddlewaretoken|token)" value="[^"]*"', b"", content)


def test_a_pending_report_changes_nothing_on_the_portal(
    client: Any, year: dict[str, Any], office: Any, django_capture_on_commit_callbacks: Any
) -> None:
    urls = _urls(year["program"]) + [reverse("portal:project", args=[year["project"].pk])]
    urls.remove(urls[3])  # the .xlsx carries its creation time
    seen = [_stable(client.get(url).content) for url in urls]
    with django_capture_on_commit_callbacks(execute=True):
        pending = rs.report_open(
            actor=office, project=year["project"], unit=year["duanyuan"], period=year["periods"][6]
        )
        fill(office, pending, year, (7, 7, 77), arrived="777000", spent="700000")
        rs.report_submit(actor=office, report=pending)
        pending.status = Status.DEPT_APPROVED
        pending.save()
    cache.clear()
    assert [_stable(client.get(url).content) for url in urls] == seen
    assert "77.70" not in seen[0].decode()


def test_cards_show_progress_against_schedule_money_and_counts(client: Any, year: dict[str, Any]) -> None:
    page = client.get(reverse("portal:program", args=[year["program"].pk])).content.decode()
    assert 'data-testid="project-cards"' in page
    assert "截至6月" in page
    card = page[
        page.index(">1. 农村危房改造<") if ">1. 农村危房改造<" in page else page.index("农村危房改造") :
    ]
    card = card[: card.index("</article>")]
    assert "at-50" in card  # June: 序时 50 %
    assert "30.00 万元" in card and "15.00 万元" in card
    assert "完成" in card and "公示" in card and "监督问题" in card
    assert "vendor/echarts/echarts.min.js" in page and "js/portal.js" in page


def test_charts_json_and_downloads_carry_the_same_confirmed_numbers(
    client: Any, year: dict[str, Any]
) -> None:
    pk = year["program"].pk
    data = json.loads(client.get(reverse("portal:program_charts", args=[pk])).content)
    assert data["month"] == 6
    trend = data["tables"]["trend"]
    assert [row[0] for row in trend["rows"]] == [3, 6]
    assert [row[3] for row in trend["rows"]] == [10.0, 30.0]  # 万元
    assert trend["labels"] == ["3月", "6月"]
    sources = {row[0]: row[1:] for row in data["tables"]["sources"]["rows"]}
    assert sources["省"] == [180.0, 30.0, 15.0]
    raw = client.get(reverse("portal:program_table", args=[pk, "trend", "csv"]))
    assert raw["Content-Disposition"].startswith("attachment")
    rows = list(csv.reader(io.StringIO(raw.content.decode("utf-8-sig"))))
    assert "截至6月" in rows[0][0]
    assert rows[2][0] == "3" and rows[3][3] == "30.00"
    xlsx = client.get(reverse("portal:program_table", args=[pk, "sources", "xlsx"]))
    assert xlsx.content[:2] == b"PK"
    assert client.get(reverse("portal:program_table", args=[pk, "people", "csv"])).status_code == 404
    assert client.get(reverse("portal:program_table", args=[pk, "trend", "html"])).status_code == 404


def test_year_switcher_lists_the_published_programs_only(client: Any, year: dict[str, Any]) -> None:
    program = year["program"]
    other = Program.objects.create(
        year=2022, issuer=program.issuer, issuer_name="杜集区人民政府", status="published"
    )
    Program.objects.create(year=2099, issuer=program.issuer, issuer_name="杜集区人民政府", status="draft")
    page = client.get(reverse("portal:program", args=[program.pk])).content.decode()
    switcher = page[page.index('data-testid="year-switcher"') :]
    switcher = switcher[: switcher.index("</nav>")]
    assert reverse("portal:program", args=[other.pk]) in switcher and "2022年" in switcher
    assert "2099" not in switcher
    assert 'aria-current="page">2021年' in " ".join(switcher.split())
    empty = client.get(reverse("portal:program", args=[other.pk])).content.decode()
    assert "尚无经确认的进度数据" in empty
    assert "尚无经民生办确认的数据，图表暂不显示" in empty
    assert "echarts" not in empty


def test_unconfirmed_year_has_no_figures_in_json(client: Any, month: dict[str, Any]) -> None:
    data = json.loads(client.get(reverse("portal:program_charts", args=[month["program"].pk])).content)
    assert data["month"] is None
    assert all(not t["rows"] for t in data["tables"].values())


def test_project_page_shows_its_bar_against_schedule(client: Any, year: dict[str, Any]) -> None:
    page = client.get(reverse("portal:project", args=[year["project"].pk])).content.decode()
    progress = page[page.index('data-testid="project-progress"') :]
    assert "15.6%" in progress[:400] and "50.0%" in progress[:400] and "滞后" in progress[:400]
    assert "pct-15" in page and "at-50" in page


def test_public_api_gives_the_portals_chart_data(client: Any, year: dict[str, Any]) -> None:
    pk = year["program"].pk
    api = client.get(f"/api/public/programs/{pk}/charts/")
    assert api.status_code == 200
    page = json.loads(client.get(reverse("portal:program_charts", args=[pk])).content)
    assert api.json() == page and api.json()["tables"]["sources"]["rows"]
    text = api.content.decode()
    # totals by project, source and month: no unit's row, no person
    assert "石台镇" not in text and "段园镇" not in text
    assert "contact" not in text and "phone" not in text


def test_public_api_charts_of_a_draft_program_are_404(client: Any, year: dict[str, Any]) -> None:
    from catalogue.models import Program

    draft = Program.objects.create(year=2099, issuer=year["program"].issuer, issuer_name="x", status="draft")
    assert client.get(f"/api/public/programs/{draft.pk}/charts/").status_code == 404
