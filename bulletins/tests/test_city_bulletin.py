"""A city's monthly bulletin (issue 14 item 4 × issue 12 item 3): the ranking of its districts, per district its
progress and its projects behind 序时, from the roll-up (confirmed figures only); generated, edited and issued by
the city's 民生办 and read back from .docx and PDF.

The fixture (reporting/tests/test_city_rollup.py ``two``): 杜集区 confirmed 石台镇's June report (农村危房改造,
16.11% against a 序时 of 50%: behind); 相山区's June report is submitted, not confirmed."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bulletins import services
from bulletins.exports import bulletin_bytes
from bulletins.models import Kind
from bulletins.tests.test_bulletin import docx_text, pdf_text
from reporting.tests import test_city_rollup as rollup_tests
from reporting.tests.test_city_rollup import MONTH

pytestmark = pytest.mark.django_db
two = rollup_tests.two  # the fixture


@pytest.fixture
def city_period(two: dict[str, Any], persona: Any) -> Any:
    """淮北市's 2021 program (reference data) with its reporting periods opened by the city's 民生办: June."""
    from catalogue.models import Program
    from catalogue.reference_lineage import lineage_load
    from reporting.services import periods_open

    lineage_load()
    program = Program.objects.get(issuer__code="huaibei", year=2021)
    Program.objects.filter(pk=program.pk).update(status=Program.Status.PUBLISHED)
    program.refresh_from_db()
    periods = {p.month: p for p in periods_open(actor=persona("city_office"), program=program)}
    return periods[MONTH]


def _issue(city: Any, period: Any, kind: str = Kind.BRIEFING) -> Any:
    bulletin = services.bulletin_generate(actor=city, period=period, kind=kind)
    bulletin = services.bulletin_update(
        actor=city,
        bulletin=bulletin,
        data={
            "issue_date": dt.date(2021, 7, 12),
            "doc_number": "淮民办〔2021〕6号",
            "analysis": "个别区县数据确认不及时。",
            "next_steps": "督促相山区及时确认6月数据。",
        },
        expected_version=bulletin.version,
    )
    return services.bulletin_issue(
        actor=city, bulletin=bulletin, expected_version=bulletin.version, confirm_warnings=True
    )


def test_city_bulletin_ranks_its_districts_from_confirmed_figures(city_period: Any, persona: Any) -> None:
    bulletin = services.bulletin_generate(actor=persona("city_office"), period=city_period)
    f = bulletin.figures
    assert f["level"] == "city"
    by_name = {d["name"]: d for d in f["districts"]}
    duji, xiangshan = by_name["杜集区"], by_name["相山区"]
    assert (duji["rank"], duji["reporting"], duji["behind"]) == (1, True, True)
    assert [p["name"] for p in duji["lagging"]] == ["农村危房改造"]
    assert not xiangshan["reporting"] and xiangshan["arrived"] == "0"  # its 70万 waits for its 民生办
    assert f["overview"]["districts_reporting"] == 1
    assert "各区县" in bulletin.next_steps  # the city's default next steps


def test_city_bulletin_reads_back_from_docx_and_pdf(city_period: Any, persona: Any, tmp_path: Any) -> None:
    bulletin = _issue(persona("city_office"), city_period)
    docx, pdf = bulletin_bytes(bulletin, "docx"), bulletin_bytes(bulletin, "pdf")
    (tmp_path / "city-bulletin.pdf").write_bytes(pdf)
    for text in (docx_text(docx), pdf_text(pdf)):
        flat = "".join(text.split())
        assert "区县排名" in flat and "各区县进展" in flat
        assert flat.index("杜集区") < flat.rindex("相山区")
        assert "滞后于序时进度的项目：农村危房改造" in flat
        assert "尚无已确认数据的区县：相山区" in flat
        assert "督促相山区及时确认6月数据" in flat  # the edited free text


def test_city_circular_has_its_doc_number(city_period: Any, persona: Any) -> None:
    bulletin = _issue(persona("city_office"), city_period, Kind.CIRCULAR)
    assert "淮民办〔2021〕6号" in "".join(docx_text(bulletin_bytes(bulletin, "docx")).split())


def test_city_cannot_issue_a_districts_bulletin(two: dict[str, Any], persona: Any) -> None:
    with pytest.raises(PermissionDenied):
        services.bulletin_generate(actor=persona("city_office"), period=two["a"]["periods"][MONTH])


def test_city_bulletin_queries_fixed_whatever_the_districts(city_period: Any, persona: Any) -> None:
    from bulletins.selectors import bulletin_figures
    from dashboard.tests.test_city_board import _more_districts

    city = persona("city_office")
    bulletin_figures(period=city_period, actor=city)  # warm
    with CaptureQueriesContext(connection) as before:
        bulletin_figures(period=city_period, actor=city)
    _more_districts(3)
    with CaptureQueriesContext(connection) as after:
        figures = bulletin_figures(period=city_period, actor=city)
    assert len(figures["districts"]) >= 5
    assert len(after) == len(before), (len(before), len(after))
    print("city bulletin figures queries:", len(before))


def test_city_office_generates_its_bulletin_through_the_pages(
    city_period: Any, client_for: Any, persona: Any
) -> None:
    from bulletins.selectors import periods_for_bulletin

    city = persona("city_office")
    own = set(periods_for_bulletin(user=city).values_list("program_id", flat=True))
    assert own == {city_period.program_id}  # never a district's period
    bulletin = services.bulletin_generate(actor=city, period=city_period)
    page = client_for("city_office").get(f"/bulletins/{bulletin.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "区县排名" in html and "杜集区" in html
