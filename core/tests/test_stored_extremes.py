"""Pages never crash on stored values: an extreme number put straight into the database (SQLite does not enforce
max_digits; PostgreSQL stores NaN) is shown as a number or as “数值异常” on every page, download and API list."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from core.numbers import ABNORMAL, wan_text
from funding.models import FundingAdjustment, FundingLine
from reporting import rollup
from reporting.models import Report, ReportFunds, ReportValue, Status, Summary
from reporting.tests.helpers import fill
from responsibility.models import Indicator, Target
from upkeep import services as upkeep_services
from upkeep.models import Asset

COLUMNS = [
    (ReportFunds, "arrived"),
    (ReportFunds, "spent"),
    (ReportValue, "value"),
    (FundingLine, "original"),
    (FundingAdjustment, "delta"),
    (Target, "value"),
    (Indicator, "target"),
    (Asset, "fund_amount"),
    (Summary, "budget"),
    (Summary, "arrived"),
    (Summary, "spent"),
    (Summary, "completion"),
]


def _store(kind: str) -> None:
    """Put one extreme value in every money and quantity column, bypassing every check."""
    for model, column in COLUMNS:
        table = connection.ops.quote_name(model._meta.db_table)
        name = connection.ops.quote_name(model._meta.get_field(column).column)
        with connection.cursor() as cursor:
            if kind == "huge" and connection.vendor == "sqlite":
                model.objects.update(**{column: Decimal("1e30")})
            elif kind == "huge":  # PostgreSQL enforces the digits: the largest value the column holds
                field = model._meta.get_field(column)
                top = Decimal(10) ** (field.max_digits - field.decimal_places) - Decimal(1).scaleb(
                    -field.decimal_places
                )
                model.objects.update(**{column: top})
            elif connection.vendor == "sqlite":
                cursor.execute(
                    f"UPDATE {table} SET {name} = 9e999"
                )  # infinity: SQLite's only non-finite value
            else:
                cursor.execute(f"UPDATE {table} SET {name} = 'NaN'")


@pytest.fixture
def scene(month: dict[str, Any], office: Any, town_shitai: Any) -> dict[str, Any]:
    period = month["periods"][6]
    report = Report.objects.create(project=month["project"], unit=month["shitai"], period=period)
    fill(town_shitai, report, month, (5, 5, 50), "300000", "100000")
    other = Report.objects.create(project=month["project"], unit=month["duanyuan"], period=period)
    fill(office, other, month, (5, 5, 50), "300000", "100000")
    Report.objects.filter(pk=other.pk).update(status=Status.CONFIRMED, confirmed_at=timezone.now())
    rollup.summary_refresh(project_id=month["project"].pk, period_id=period.pk)
    line = FundingLine.objects.filter(project=month["project"]).first()
    from funding.services import funding_adjust

    funding_adjust(actor=office, line=line, delta="100000", reason="追加", date=dt.date(2021, 5, 1))
    upkeep_services.asset_save(
        actor=office,
        data={
            "project": month["project"],
            "name": "示例危房",
            "location": "石台镇",
            "owner": "石台镇",
            "custodian": month["shitai"],
            "fund_amount": Decimal("20000"),
            "check_interval_days": 90,
        },
    )
    return {**month, "period": period, "report": report, "other": other}


def _pages(scene: dict[str, Any]) -> list[tuple[str, str]]:
    program, project, period = scene["program"], scene["project"], scene["period"]
    args = [program.pk, period.month]
    asset = Asset.objects.get(name="示例危房")
    return [
        ("town_shitai", reverse("reporting:fill", args=args)),
        ("office", reverse("reporting:fill", args=args) + "?unit=shitai"),
        ("town_shitai", reverse("reporting:report_detail", args=[scene["report"].pk])),
        ("office", reverse("reporting:report_detail", args=[scene["other"].pk])),
        ("office", reverse("reporting:review", args=args)),
        ("office", reverse("reporting:progress", args=args)),
        ("office", reverse("reporting:progress", args=args) + "?pending=1&per_unit=1"),
        ("office", reverse("reporting:progress", args=args) + "?format=xlsx"),
        ("office", reverse("reporting:progress", args=args) + "?format=pdf&per_unit=1"),
        ("office", reverse("reporting:ranking", args=args)),
        ("office", reverse("reporting:overdue", args=args)),
        ("town_shitai", reverse("reporting:excel", args=args) + "?download=1"),
        ("office", reverse("responsibility:project_targets", args=[project.pk])),
        ("office", reverse("responsibility:program_matrix", args=[program.pk])),
        ("office", reverse("responsibility:targets_template", args=[program.pk])),
        ("office", reverse("catalogue:program_detail", args=[program.pk])),
        ("office", reverse("catalogue:project_detail", args=[project.pk])),
        ("town_shitai", reverse("catalogue:project_detail", args=[project.pk])),
        ("office", reverse("upkeep:index")),
        ("office", reverse("upkeep:asset_detail", args=[asset.pk])),
        ("office", "/"),
        ("anon", reverse("portal:program", args=[program.pk])),
        ("anon", reverse("portal:project", args=[project.pk])),
        ("office", "/api/reports/"),
        ("town_shitai", "/api/reports/"),
        ("office", "/api/targets/"),
        ("office", "/api/funding-lines/"),
        ("office", "/api/indicators/"),
        ("office", "/api/assets/"),
        ("anon", "/api/public/programs/"),
        ("anon", f"/api/public/programs/{program.pk}/"),
    ]


@pytest.mark.parametrize("kind", ["huge", "non_finite"])
def test_every_page_survives_extreme_stored_numbers(
    scene: dict[str, Any], client_for: Any, kind: str
) -> None:
    _store(kind)
    failures = []
    for persona, url in _pages(scene):
        response = client_for(persona).get(url)
        if response.status_code >= 500 or response.status_code in (403, 404):
            failures.append((persona, url, response.status_code))
    assert failures == []


def test_the_report_page_names_an_abnormal_amount(scene: dict[str, Any], client_for: Any) -> None:
    _store("huge" if connection.vendor == "sqlite" else "non_finite")
    page = client_for("town_shitai").get(reverse("reporting:report_detail", args=[scene["report"].pk]))
    assert ABNORMAL in page.content.decode()


def test_wan_shows_abnormal_values_as_such() -> None:
    assert wan_text(Decimal("1e30")) == ABNORMAL
    assert wan_text(Decimal("NaN")) == ABNORMAL
    assert wan_text("abc") == ABNORMAL
    assert wan_text(None) == "—"
    assert wan_text(Decimal("12345678.9")) == "1,234.57"


@pytest.mark.parametrize("kind", ["huge", "non_finite"])
def test_letters_drafted_from_extreme_stored_numbers_still_open(
    scene: dict[str, Any], client_for: Any, kind: str
) -> None:
    from responsibility.models import Letter

    _store(kind)
    office = client_for("office")
    drafted = office.post(
        reverse("responsibility:program_letters", args=[scene["program"].pk]), {"action": "draft_all"}
    )
    assert drafted.status_code == 302
    letter = Letter.objects.get(program=scene["program"], organisation=scene["shitai"])
    for url in (
        reverse("responsibility:program_letters", args=[scene["program"].pk]),
        reverse("responsibility:letter_detail", args=[letter.pk]),
        reverse("responsibility:letter_file", args=[letter.pk, "pdf"]),
        reverse("responsibility:letter_file", args=[letter.pk, "docx"]),
    ):
        assert office.get(url).status_code == 200, url
