"""Funding plans by source: originals kept, adjustments dated with reasons, totals, and the 财力匹配 check."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from catalogue.models import Program, Project
from funding import selectors, services
from funding.models import FiscalYear, FundingLine
from orgs.models import Organisation

pytestmark = pytest.mark.django_db


@pytest.fixture
def project() -> Project:
    return Project.objects.get(program__year=2021, name="农村危房改造")


def test_original_is_never_overwritten(office: Any, project: Project) -> None:
    line = services.funding_line_create(
        actor=office, project=project, unit=None, source="province", original="1500000"
    )
    with pytest.raises(ValidationError, match="登记预算调整"):
        services.funding_line_create(
            actor=office, project=project, unit=None, source="province", original="1"
        )
    with pytest.raises(ValidationError, match="写明原因"):
        services.funding_adjust(actor=office, line=line, delta="100", reason=" ")
    services.funding_adjust(
        actor=office, line=line, delta="-200000.5", reason="省里核减", date=dt.date(2021, 8, 1)
    )
    services.funding_adjust(actor=office, line=line, delta="50000", reason="追加", date=dt.date(2021, 10, 1))
    with pytest.raises(ValidationError, match="调整后预算为负"):
        services.funding_adjust(actor=office, line=line, delta="-9999999", reason="误操作")
    line.refresh_from_db()
    assert line.original == Decimal("1500000.00")
    annotated = selectors.with_current(FundingLine.objects.filter(pk=line.pk)).get()
    assert annotated.current == Decimal("1349999.50") and annotated.adjusted == Decimal("-150000.50")
    assert [a.reason for a in line.adjustments.all()] == ["省里核减", "追加"]


def test_fiscal_capacity_warns(office: Any, project: Project) -> None:
    program = project.program
    assert selectors.fiscal_check(user=office, program=program).level == "unknown"
    services.funding_line_create(
        actor=office, project=project, unit=None, source="district", original="12000000"
    )
    fiscal = services.fiscal_year_set(
        actor=office,
        organisation=Organisation.objects.get(code="duji"),
        year=2021,
        data={
            "budget_revenue": Decimal("900000000"),
            "budget_expenditure": Decimal("100000000"),
            "is_sample": True,
        },
    )
    check = selectors.fiscal_check(user=office, program=program)
    assert check.level == "warn" and "12.00%" in check.message and "示例" in check.message
    services.fiscal_year_set(
        actor=office, organisation=fiscal.organisation, year=2021, data={"alarm_share": Decimal("0.11")}
    )
    assert selectors.fiscal_check(user=office, program=program).level == "alarm"
    with pytest.raises(ValidationError):
        services.fiscal_year_set(
            actor=office, organisation=fiscal.organisation, year=2021, data={"warn_share": Decimal("0.5")}
        )


def test_program_page_shows_the_fiscal_warning(client_for: Any, office: Any, project: Project) -> None:
    services.funding_line_create(
        actor=office, project=project, unit=None, source="district", original="30000000"
    )
    FiscalYear.objects.create(
        year=2021,
        organisation=Organisation.objects.get(code="duji"),
        budget_revenue=1,
        budget_expenditure=Decimal("100000000"),
        is_sample=True,
    )
    page = (
        client_for("office")
        .get(reverse("catalogue:program_detail", args=[project.program_id]))
        .content.decode()
    )
    assert 'data-testid="fiscal-check"' in page and "超过警示阈值" in page
    town = (
        client_for("town_shitai")
        .get(reverse("catalogue:program_detail", args=[project.program_id]))
        .content.decode()
    )
    assert "超过警示阈值" not in town


def test_money_shown_in_wan(client_for: Any, office: Any, project: Project) -> None:
    shitai = Organisation.objects.get(code="shitai")
    client = client_for("office")
    url = reverse("responsibility:project_targets", args=[project.pk])
    response = client.post(url, {"action": "line", "unit": shitai.pk, "source": "town", "original": "12.34"})
    assert response.status_code == 302
    line = FundingLine.objects.get(project=project, unit=shitai)
    assert line.original == Decimal("123400.00")
    assert "12.34" in client.get(url).content.decode()
    assert Program.objects.get(year=2021).status == "published"


def test_program_totals_include_adjustments(office: Any, project: Project) -> None:
    line = services.funding_line_create(
        actor=office, project=project, unit=None, source="city", original="300000"
    )
    services.funding_adjust(actor=office, line=line, delta="-50000", reason="核减")
    totals = selectors.program_totals(user=office, program=project.program)
    assert totals["市"] == {"original": Decimal("300000.00"), "current": Decimal("250000.00")}
    assert totals["中央"] == {"original": Decimal(0), "current": Decimal(0)}


def test_office_sets_fiscal_year_on_the_program_pages_in_wan(client_for: Any, project: Project) -> None:
    from core.models import AuditEvent

    program = project.program
    office = client_for("office")
    page = office.get(reverse("catalogue:program_detail", args=[program.pk])).content.decode()
    url = reverse("funding:fiscal_year", args=[program.pk])
    assert "尚未录入" in page and f'href="{url}"' in page
    form = office.get(url).content.decode()
    assert "一般公共预算支出（万元）" in form and "（元）" not in form
    response = office.post(
        url,
        {
            "budget_revenue": "90000",
            "budget_expenditure": "1,234,567.89",
            "own_commitment": "",
            "warn_pct": "10",
            "alarm_pct": "15",
            "note": "",
            "reason": "区财政局提供",
        },
    )
    assert response.status_code == 302, response.content.decode()[-3000:]
    fiscal = FiscalYear.objects.get(year=program.year, organisation__code="duji")
    assert fiscal.budget_expenditure == Decimal("12345678900.00")
    assert fiscal.warn_share == Decimal("0.1000")
    assert AuditEvent.objects.filter(object_id=str(fiscal.pk), reason="区财政局提供").exists()
    shown = office.get(url).content.decode()
    assert "1,234,567.89" in shown and "12345678900" not in shown
    assert 'value="1234567.89"' in shown
    page = office.get(reverse("catalogue:program_detail", args=[program.pk])).content.decode()
    assert "alert-success" in page and "在阈值以内" in page  # an ok result is shown, not hidden


def test_only_the_office_sets_fiscal_year(client_for: Any, project: Project) -> None:
    url = reverse("funding:fiscal_year", args=[project.program_id])
    data = {"budget_revenue": "1", "budget_expenditure": "1", "warn_pct": "10", "alarm_pct": "15"}
    assert client_for("town_shitai").post(url, data).status_code == 403
    assert client_for("leader").post(url, data).status_code == 403
    assert not FiscalYear.objects.exists()


def test_admin_no_longer_edits_fiscal_year(client_for: Any) -> None:
    assert client_for("admin").get("/admin/funding/fiscalyear/add/").status_code == 403
