"""The dashboard of a city's and the province's staff (issue 14 item 4 × issue 12): its lower governments from the
roll-up (reporting.governments, confirmed figures only), the charts' JSON and Excel, the drill-down to a district's
dashboard read-only, and a fixed number of queries whatever the number of districts.

The fixture (reporting/tests/test_city_rollup.py ``two``): 杜集区 confirmed 石台镇's June report; 相山区's waits."""

from __future__ import annotations

import io
import zipfile
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from orgs.models import Organisation
from reporting.tests import test_city_rollup as rollup_tests
from reporting.tests.test_city_rollup import MONTH, _hand_a

pytestmark = pytest.mark.django_db
two = rollup_tests.two  # the fixture: 杜集区 confirmed, 相山区 waiting
TREE = f"/dashboard/tree/2021/{MONTH}/"


def _json(client: Any, key: str, government: str = "huaibei") -> dict[str, Any]:
    response = client.get(f"{TREE}data/{key}.json?government={government}")
    assert response.status_code == 200, response.status_code
    return response.json()


def test_city_office_home_dashboard_is_its_districts(client_for: Any, two: dict[str, Any]) -> None:
    response = client_for("city_office").get("/dashboard/")
    assert response.status_code == 200
    assert "dashboard/tree.html" in [t.name for t in response.templates]
    board = response.context["tree"]
    assert (board.government.code, board.year, board.month) == ("huaibei", 2021, MONTH)
    html = response.content.decode()
    assert "杜集区" in html and "相山区" in html


def test_city_kpis_count_only_confirmed_districts(client_for: Any, two: dict[str, Any]) -> None:
    kpis = client_for("city_leader").get(TREE).context["kpis"]
    hand = _hand_a(two["a"])
    assert kpis.districts_reporting == 1 and kpis.districts >= 2
    assert kpis.completion == hand["completion"]  # 相山区's submitted report counts nowhere
    assert (kpis.budget, kpis.arrived, kpis.spent) == (Decimal(1800000), Decimal(300000), Decimal(200000))
    assert kpis.arrival_rate == Decimal(300000) / 1800000
    assert kpis.spending_rate == Decimal(200000) / 300000


def test_city_ranking_chart_never_shows_unconfirmed_figures(client_for: Any, two: dict[str, Any]) -> None:
    client = client_for("city_office")
    spec = _json(client, "ranking")
    data = dict(zip(spec["categories"], spec["series"][0]["data"], strict=True))
    assert data["杜集区"] is not None and data["相山区"] is None
    rates = _json(client, "rates")
    arrival = dict(zip(rates["categories"], rates["series"][1]["data"], strict=True))
    assert arrival["相山区"] is None  # its 70万 arrived waits for 相山区's 民生办
    funds = _json(client, "funds")
    assert 70.0 not in funds["series"][1]["data"]


def test_city_ranking_excel_has_the_same_numbers(client_for: Any, two: dict[str, Any]) -> None:
    response = client_for("city_office").get(f"{TREE}data/ranking.xlsx?government=huaibei")
    assert response.status_code == 200
    book = zipfile.ZipFile(io.BytesIO(response.content))
    strings = book.read("xl/sharedStrings.xml").decode()
    assert "杜集区" in strings and "相山区" in strings and "暂无已确认数据" in strings


def test_drill_down_opens_the_district_read_only(client_for: Any, two: dict[str, Any]) -> None:
    client = client_for("city_office")
    links = dict(zip(_json(client, "ranking")["categories"], _json(client, "ranking")["links"], strict=True))
    assert links["相山区"] is None  # nothing confirmed: nothing to open
    assert links["杜集区"] == f"/dashboard/{two['a']['program'].pk}/{MONTH}/"
    response = client.get(links["杜集区"] + "?pending=1")
    assert response.status_code == 200
    assert response.context["board"].pending is False  # never a district's pending figures
    assert 'data-testid="read-only-from-above"' in response.content.decode()
    assert 'data-testid="pending-toggle"' not in response.content.decode()


def test_district_keeps_its_own_dashboard_and_pending(client_for: Any, two: dict[str, Any]) -> None:
    response = client_for("office").get(f"/dashboard/{two['a']['program'].pk}/{MONTH}/?pending=1")
    assert response.status_code == 200 and response.context["board"].pending is True
    assert 'data-testid="read-only-from-above"' not in response.content.decode()


@pytest.mark.parametrize("role", ["office", "leader", "office_b", "town_b"])
def test_a_district_sees_no_city_dashboard(client_for: Any, two: dict[str, Any], role: str) -> None:
    client = client_for(role)
    for url in (TREE, f"{TREE}?government=huaibei", f"{TREE}data/ranking.json?government=huaibei"):
        assert client.get(url).status_code == 403, (role, url)


def test_city_cannot_open_the_province_dashboard(client_for: Any, two: dict[str, Any]) -> None:
    client = client_for("city_office")
    assert client.get(f"{TREE}?government=anhui").status_code == 404
    assert client.get(f"{TREE}data/ranking.json?government=anhui").status_code == 404


def test_province_dashboard_ranks_cities_and_drills_to_a_city(client_for: Any, two: dict[str, Any]) -> None:
    client = client_for("province_office")
    response = client.get("/dashboard/")
    assert response.status_code == 200 and response.context["tree"].government.code == "anhui"
    spec = _json(client, "ranking", "anhui")
    links = dict(zip(spec["categories"], spec["links"], strict=True))
    city = Organisation.objects.get(code="huaibei").display_name
    assert links[city] == f"{TREE}?government=huaibei"
    assert client.get(links[city]).context["tree"].government.code == "huaibei"


def _more_districts(n: int) -> None:
    """``n`` more districts of 淮北市, each with a published 2021 program and its June period (no figures)."""
    from catalogue.models import Program, Project
    from reporting.models import Period

    city = Organisation.objects.get(code="huaibei")
    for i in range(n):
        district = Organisation.objects.create(
            code=f"extra-{i}", name=f"测试{i}区", kind="district", level="district", parent=city
        )
        program = Program.objects.create(
            year=2021, issuer=district, issuer_name=district.name, status=Program.Status.PUBLISHED
        )
        Project.objects.create(program=program, order=1, name="农村危房改造", kind="works")
        Period.objects.create(program=program, month=MONTH, deadline=f"2021-{MONTH:02d}-25")


def test_city_dashboard_query_count_is_fixed(client_for: Any, two: dict[str, Any]) -> None:
    client = client_for("city_office")
    urls = [
        TREE + "?government=huaibei",
        *(f"{TREE}data/{k}.json?government=huaibei" for k in ("ranking", "rates")),
    ]

    def counts() -> list[int]:
        out = []
        for url in urls:
            client.get(url)  # warm: the session, the actor's caches
            with CaptureQueriesContext(connection) as ctx:
                assert client.get(url).status_code == 200
            out.append(len(ctx))
        return out

    before = counts()
    _more_districts(3)
    after = counts()
    assert after == before, (before, after)
    print("tree dashboard queries (page, ranking json, rates json):", before)
