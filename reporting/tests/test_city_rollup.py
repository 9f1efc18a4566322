"""Roll-ups up the government tree (issue 14, item 4): the city's table of its districts and the province's of its
cities count a district's figures only once its 民生办 has confirmed them, in one query per table, scoped.

The fixture: 淮北市 with two districts — 杜集区 (district A, the reference program, one report confirmed) and 相山区
(district B, the tenancy personas' district, one report submitted, not confirmed). The expected figures are
computed by hand from the numbers the fixture types in."""

from __future__ import annotations

import io
import zipfile
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalogue.models import Program, Project
from orgs.models import Organisation
from reporting import governments, services
from reporting.models import Status
from reporting.rollup import reporting_units, summary_refresh
from reporting.tests.helpers import fill

pytestmark = pytest.mark.django_db
MONTH = 6


def _district_b(persona: Any) -> dict[str, Any]:
    """相山区's 2021 program, published, with 农村危房改造 carried out by 渠沟镇 (target 40/40/400, budget 80万)."""
    from funding.services import funding_line_create
    from responsibility import services as rs

    office_b = persona("office_b")
    gov = Organisation.objects.get(code="xiangshan-gov")
    town = Organisation.objects.get(code="xiangshan-town")
    program = Program.objects.create(
        year=2021, issuer=gov, issuer_name=gov.name, status=Program.Status.PUBLISHED
    )
    project = Project.objects.create(program=program, order=1, name="农村危房改造", kind="works")
    project.implementing_units.set([town])
    periods = {p.month: p for p in services.periods_open(actor=office_b, program=program)}
    indicators = rs.indicators_apply_defaults(actor=office_b, project=project)
    for ind, value in zip(indicators, (40, 40, 400), strict=True):
        rs.target_set(actor=office_b, indicator=ind, unit=town, value=Decimal(value))
    funding_line_create(actor=office_b, project=project, unit=town, source="province", original="800000")
    return {
        "program": program,
        "project": project,
        "periods": periods,
        "indicators": indicators,
        "town": town,
    }


@pytest.fixture
def two(
    month: dict[str, Any],
    persona: Any,
    office: Any,
    town_shitai: Any,
    django_capture_on_commit_callbacks: Any,
) -> dict[str, Any]:
    """District A confirms 石台镇's June report; district B's June report is submitted and waits."""
    b = _district_b(persona)
    with django_capture_on_commit_callbacks(execute=True):
        report = services.report_open(
            actor=town_shitai, project=month["project"], unit=month["shitai"], period=month["periods"][MONTH]
        )
        fill(town_shitai, report, month, (5, 4, 50), arrived="300000", spent="200000")
        services.report_submit(actor=town_shitai, report=report)
        services.report_review(actor=office, report=report, approve=True)
        services.report_confirm(actor=office, report=report, approve=True)
    town_b = persona("town_b")
    with django_capture_on_commit_callbacks(execute=True):
        report_b = services.report_open(
            actor=town_b, project=b["project"], unit=b["town"], period=b["periods"][MONTH]
        )
        fill(town_b, report_b, b, (20, 20, 200), arrived="700000", spent="600000")
        services.report_submit(actor=town_b, report=report_b)
    report_b.refresh_from_db()
    assert report_b.status == Status.SUBMITTED
    return {
        "a": month,
        "b": b,
        "report_b": report_b,
        "city": Organisation.objects.get(code="huaibei"),
        "province": Organisation.objects.get(code="anhui"),
    }


def _confirm_b(persona: Any, report: Any) -> None:
    """相山区's 民生办 approves (standing in for the lead department) and confirms district B's report."""
    office_b = persona("office_b")
    services.report_review(actor=office_b, report=report, approve=True)
    report.refresh_from_db()
    services.report_confirm(actor=office_b, report=report, approve=True)
    # In a test the whole test is one transaction: the fixture's on-commit refresh (already run) still collects
    # this one's pair, so refresh here as the commit would (reporting.rollup.summary_refresh_on_commit).
    summary_refresh(project_id=report.project_id, period_id=report.period_id)


def _owed(program: Program) -> int:
    return sum(len(reporting_units(p)) for p in program.projects.all())


def _hand_a(month: dict[str, Any]) -> dict[str, Decimal]:
    """District A by hand: one project with figures (农村危房改造): targets 10+20, 10+20, 100+200; 石台镇 did 5, 4,
    50 — the project's completion is the mean of the three rates, stored with 4 decimals; budget 60万 + 120万."""
    rates = [Decimal(5) / 30, Decimal(4) / 30, Decimal(50) / 300]
    completion = (sum(rates) / 3).quantize(Decimal("0.0001"))
    owed = _owed(month["program"])
    parts = (completion, Decimal(300000) / 1800000, Decimal(200000) / 300000, Decimal(1) / owed)
    score = sum(w * p for w, p in zip((40, 20, 20, 20), parts, strict=True))
    return {"completion": completion, "owed": Decimal(owed), "score": score}


def test_city_table_counts_only_the_confirmed_district(two: dict[str, Any], persona: Any) -> None:
    rows = governments.city_table(user=persona("city_office"), city=two["city"], year=2021, month=MONTH)
    by_code = {r.unit.code: r for r in rows}
    assert {"duji", "xiangshan"} <= set(by_code)
    a, b = by_code["duji"], by_code["xiangshan"]
    hand = _hand_a(two["a"])
    assert (a.budget, a.arrived, a.spent) == (Decimal(1800000), Decimal(300000), Decimal(200000))
    assert a.completion == hand["completion"] and a.schedule == Decimal(MONTH) / 12
    assert (a.confirmed, a.owed) == (1, hand["owed"])
    assert a.score.quantize(Decimal("0.0001")) == hand["score"].quantize(Decimal("0.0001"))
    # district B's figures wait for its 民生办: nothing of them counts or shows
    assert (b.budget, b.arrived, b.spent, b.completion, b.confirmed) == (0, 0, 0, None, 0)
    assert not b.has_figures and b.owed == 1
    assert (a.rank, b.rank) == (1, 2)


def test_a_district_counts_once_its_office_confirms(
    two: dict[str, Any], persona: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        _confirm_b(persona, two["report_b"])
    rows = governments.city_table(user=persona("city_leader"), city=two["city"], year=2021, month=MONTH)
    b = next(r for r in rows if r.unit.code == "xiangshan")
    # 渠沟镇 did 20/40, 20/40, 200/400 of its targets: completion 0.5; 70万 of 80万 arrived, 60万 spent
    assert (b.budget, b.arrived, b.spent, b.completion) == (800000, 700000, 600000, Decimal("0.5"))
    score = 40 * Decimal("0.5") + 20 * Decimal(7) / 8 + 20 * Decimal(6) / 7 + 20
    assert b.score.quantize(Decimal("0.0001")) == score.quantize(Decimal("0.0001"))
    assert b.rank == 1  # ahead of district A now


def test_a_draft_programs_figures_never_count_upward(
    two: dict[str, Any], persona: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        _confirm_b(persona, two["report_b"])
    Program.objects.filter(pk=two["b"]["program"].pk).update(status=Program.Status.DRAFT)
    rows = governments.city_table(user=persona("city_office"), city=two["city"], year=2021, month=MONTH)
    assert not next(r for r in rows if r.unit.code == "xiangshan").has_figures


def test_province_table_rolls_up_the_citys_districts(two: dict[str, Any], persona: Any) -> None:
    user = persona("province_office")
    city_rows = governments.city_table(user=user, city=two["city"], year=2021, month=MONTH)
    (huaibei,) = [
        r
        for r in governments.province_table(user=user, province=two["province"], year=2021, month=MONTH)
        if r.unit.code == "huaibei"
    ]
    assert huaibei.districts == len(city_rows) and huaibei.districts_reporting == 1
    assert (huaibei.budget, huaibei.arrived, huaibei.spent) == (1800000, 300000, 200000)
    assert huaibei.completion == _hand_a(two["a"])["completion"]  # the mean over the districts with figures
    assert huaibei.owed == sum(r.owed for r in city_rows) and huaibei.confirmed == 1
    assert huaibei.rank == 1


def test_only_the_governments_above_see_the_tables(two: dict[str, Any], persona: Any) -> None:
    city, province = two["city"], two["province"]
    for role in (
        "office",
        "leader",
        "office_b",
        "town_shitai",
        "dept_health",
        "supervisor",
        "anon",
        "city_office",
    ):
        assert not governments.province_table(user=persona(role), province=province, year=2021, month=MONTH)
    for role in ("office", "leader", "office_b", "leader_b", "town_b", "supervisor", "anon"):
        assert not governments.city_table(user=persona(role), city=city, year=2021, month=MONTH), role
    for role in ("city_office", "city_leader", "province_office", "admin"):
        assert governments.city_table(user=persona(role), city=city, year=2021, month=MONTH), role


def test_one_query_per_table_whatever_the_number_of_districts(two: dict[str, Any], persona: Any) -> None:
    from core.policy import actor_for

    user = persona("city_office")
    province = persona("province_office")

    def count() -> tuple[int, int, int]:
        for u in (user, province):
            u.__dict__.pop("_policy_actor", None)
            actor_for(u)  # resolved once per request, before the page's tables
        with CaptureQueriesContext(connection) as city_q:
            city_rows = governments.city_table(user=user, city=two["city"], year=2021, month=MONTH)
        with CaptureQueriesContext(connection) as province_q:
            governments.province_table(user=province, province=two["province"], year=2021, month=MONTH)
        return len(city_q), len(province_q), len(city_rows)

    queries_city, queries_province, before = count()
    for i in range(
        3
    ):  # three more districts, each with a published program, a period and a confirmed summary
        d = Organisation.objects.create(
            code=f"extra-{i}", name=f"测试区{i}", kind="district", level="district", parent=two["city"]
        )
        gov = Organisation.objects.create(
            code=f"extra-{i}-gov", name=f"测试区{i}人民政府", kind="government", parent=d
        )
        Program.objects.create(year=2021, issuer=gov, issuer_name=gov.name, status=Program.Status.PUBLISHED)
    assert count() == (1, 1, before + 3)
    assert (queries_city, queries_province) == (1, 1)


def test_a_city_project_selects_its_districts_projects(two: dict[str, Any], persona: Any) -> None:
    """Linked by ``derives_from`` once the catalogue has it, else by name within the year."""
    gov = Organisation.objects.get(code="huaibei-msb")
    program = Program.objects.create(
        year=2021, issuer=gov, issuer_name=gov.name, status=Program.Status.PUBLISHED
    )
    same = Project.objects.create(program=program, order=1, name="农村危房改造", kind="works")
    other = Project.objects.create(program=program, order=2, name="城市社区服务", kind="works")
    a_project = two["a"]["project"]
    if governments._link_column() is not None:  # the catalogue links district projects to the city's
        Project.objects.filter(pk=a_project.pk).update(derives_from=same)
    user = persona("city_office")
    kwargs = {"user": user, "city": two["city"], "year": 2021, "month": MONTH}

    def duji(project: Project) -> Any:
        return next(r for r in governments.city_table(project=project, **kwargs) if r.unit.code == "duji")

    assert duji(same).arrived == 300000 and duji(same).owed == len(reporting_units(a_project))
    assert not duji(other).has_figures and duji(other).owed == 0
    assert [p.pk for p in governments.tree_projects(user, two["city"], 2021)] == [same.pk, other.pk]


def test_equal_scores_rank_equally() -> None:
    from reporting.rollup import UnitRef

    rows = [
        governments.TreeRow(unit=UnitRef(id=i, name=f"区{i}", order=i), month=6, completion=c)
        for i, c in enumerate([Decimal("0.9"), Decimal("0.5"), Decimal("0.5"), Decimal("0.1")])
    ]
    assert [r.rank for r in governments._score(rows)] == [1, 2, 2, 4]


def test_pages_for_the_city_and_the_province(two: dict[str, Any], client_for: Any) -> None:
    url = f"/reporting/tree/2021/{MONTH}/"
    page = client_for("city_office").get(url)
    html = page.content.decode()
    assert page.status_code == 200 and "杜集区" in html and "相山区" in html
    assert "30.00" in html and "70.00" not in html  # A's arrived 30万 counts; B's 70万 waits for confirmation
    page = client_for("province_office").get(url)
    assert page.status_code == 200 and "淮北市" in page.content.decode()
    page = client_for("province_office").get(url + "?government=huaibei")
    assert page.status_code == 200 and "杜集区" in page.content.decode()
    assert client_for("city_office").get(url + "?government=anhui").status_code == 404
    for role in ("office", "office_b", "town_shitai"):
        assert client_for(role).get(url).status_code == 403, role
    index = client_for("city_leader").get("/reporting/tree/")
    assert index.status_code == 302 and index["Location"].startswith(f"/reporting/tree/2021/{MONTH}/")


def test_menu_entry_through_the_policy(two: dict[str, Any], client_for: Any) -> None:
    assert "/reporting/tree/" in client_for("city_office").get("/").content.decode()
    assert "/reporting/tree/" not in client_for("office").get("/").content.decode()


def test_excel_export_of_the_city_table(two: dict[str, Any], client_for: Any) -> None:
    response = client_for("city_office").get(f"/reporting/tree/2021/{MONTH}/?format=xlsx")
    assert response.status_code == 200
    body = b"".join(response.streaming_content) if response.streaming else response.content
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        text = b"".join(archive.read(n) for n in archive.namelist() if n.endswith(".xml")).decode()
    assert "杜集区" in text and "相山区" in text and "只计各区县民生办已确认的数据" in text
    assert "<v>30</v>" in text  # A's arrived money in 万元; B's 70 never
    assert "<v>70</v>" not in text
