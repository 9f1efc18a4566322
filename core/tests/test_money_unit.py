"""One money unit: every form that takes money says 万元 and stores 元; every page that shows money shows 万元.

The forms are walked with a typed amount (万元, 2 decimals) and the stored Decimal 元 is checked; then one amount of
1,234,567.89 元 is stored in every place that holds money (funding line, adjustment, fiscal year, report funds,
upkeep fee, the letter's snapshot) and each page that shows it must show "123.46" and never "1234567.89"."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse

from catalogue.models import Project
from funding import services as fs
from funding.models import FiscalYear, FundingAdjustment, FundingLine
from reporting import services as rs
from reporting.models import ReportFunds, Status
from responsibility import services as letters
from upkeep.models import Asset

pytestmark = pytest.mark.django_db

STORED = Decimal("1234567.89")  # 元
SHOWN = "123.46"  # 万元
RAW = ("1234567.89", "1234567.9", "1,234,567.89")

MONEY_LABEL = re.compile(r"<label[^>]*>([^<]*(?:预算|调整额|到位|支出|经费|收入|投入)[^<]*)</label>")


def _labels_say_wan(html: str) -> list[str]:
    """The labels of money inputs on a page that do not say 万元 (empty when all do)."""
    return [
        label
        for label in MONEY_LABEL.findall(html)
        if "（元）" in label or "元）" in label and "万元" not in label
    ]


def _page(client: Any, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def test_money_inputs_take_wan_and_store_yuan(client_for: Any, month: dict[str, Any]) -> None:
    office = client_for("office")
    project: Project = month["project"]
    targets = reverse("responsibility:project_targets", args=[project.pk])
    page = _page(office, targets)
    assert "年初预算（万元）" in page and not _labels_say_wan(page)
    office.post(targets, {"action": "line", "unit": "", "source": "central", "original": "123.45"})
    line = FundingLine.objects.get(project=project, unit=None, source="central")
    assert line.original == Decimal("1234500.00")
    refused = office.post(
        targets, {"action": "line", "unit": "", "source": "city", "original": "1.234"}, follow=True
    )
    assert "最多保留2位小数" in refused.content.decode()
    page = _page(office, targets)
    assert "调整额（万元" in page
    office.post(
        targets,
        {"action": f"adjust-{line.pk}", "delta": "-0.01", "date": "2021-05-01", "reason": "核减"},
    )
    assert FundingAdjustment.objects.get(line=line).delta == Decimal("-100.00")

    fiscal = reverse("funding:fiscal_year", args=[project.program_id])
    page = _page(office, fiscal)
    assert "一般公共预算支出（万元）" in page and not _labels_say_wan(page)
    office.post(
        fiscal,
        {"budget_revenue": "500.5", "budget_expenditure": "123.45", "warn_pct": "10", "alarm_pct": "15"},
    )
    assert FiscalYear.objects.get().budget_expenditure == Decimal("1234500.00")

    town = client_for("town_shitai")
    fill = reverse("reporting:fill", args=[project.program_id, 3])
    page = _page(town, fill)
    assert "金额单位万元" in page
    town.post(
        fill,
        {
            f"r{project.pk}-version": "0",
            f"r{project.pk}-a-province": "12.34",
            f"r{project.pk}-s-province": "1.5",
        },
    )
    funds = ReportFunds.objects.get(report__project=project, report__unit=month["shitai"], source="province")
    assert (funds.arrived, funds.spent) == (Decimal("123400.00"), Decimal("15000.00"))

    office = client_for("office")  # one test client: each client_for() signs it in anew
    upkeep = _page(office, reverse("upkeep:index"))
    assert "年度管护经费（万元）" in upkeep and not _labels_say_wan(upkeep)

    admin = client_for("admin")
    asset_add = _page(admin, "/admin/upkeep/asset/add/")
    assert "年度管护经费（万元）" in asset_add and "年度管护经费（元）" not in asset_add


@pytest.fixture
def everywhere(month: dict[str, Any], office: Any) -> dict[str, Any]:
    """1,234,567.89 元 in every place that holds money, visible on the pages that show it."""
    project, shitai = month["project"], month["shitai"]
    program = project.program
    fs.funding_line_create(actor=office, project=project, unit=shitai, source="district", original=STORED)
    other = Project.objects.get(program=program, name="农村厕所改造及粪污资源化利用")
    line = fs.funding_line_create(actor=office, project=other, unit=None, source="city", original="100")
    fs.funding_adjust(actor=office, line=line, delta=STORED, reason="追加", date=dt.date(2021, 5, 1))
    fs.fiscal_year_set(
        actor=office,
        organisation=FiscalYear._meta.get_field("organisation").related_model.objects.get(code="duji"),
        year=program.year,
        data={"budget_revenue": STORED, "budget_expenditure": STORED * 100},
    )
    period = month["periods"][3]
    report = rs.report_open(actor=office, project=project, unit=shitai, period=period)
    started, finished, invested = month["indicators"]
    rs.report_save(
        actor=office,
        report=report,
        values={started.pk: Decimal(5), finished.pk: Decimal(4), invested.pk: Decimal(50)},
        funds={"district": (STORED, STORED)},
        narrative={"progress": "按计划推进", "explanation": "区级资金提前拨付"},
        expected_version=report.version,
    )
    rs.report_submit(actor=office, report=report)
    report.refresh_from_db()
    report.status = Status.DEPT_APPROVED
    report.save()
    rs.report_confirm(actor=office, report=report, approve=True)
    asset = Asset.objects.create(
        project=project,
        name="示例管护资产",
        location="石台镇",
        owner="石台镇人民政府",
        custodian=shitai,
        fund_amount=STORED,
        fund_source="district",
    )
    letter = letters.letter_draft(actor=office, program=program, organisation=shitai)
    return {**month, "report": report, "asset": asset, "letter": letter, "other": other, "period": period}


def test_every_page_shows_money_in_wan(client_for: Any, everywhere: dict[str, Any]) -> None:
    from django.test import Client

    program = everywhere["program"]
    project = everywhere["project"]
    pages = [
        ("targets (line)", "office", reverse("responsibility:project_targets", args=[project.pk])),
        (
            "targets (adjustment)",
            "office",
            reverse("responsibility:project_targets", args=[everywhere["other"].pk]),
        ),
        ("responsibility matrix", "office", reverse("responsibility:program_matrix", args=[program.pk])),
        ("letter", "office", reverse("responsibility:letter_detail", args=[everywhere["letter"].pk])),
        ("fiscal year", "office", reverse("funding:fiscal_year", args=[program.pk])),
        ("report", "office", reverse("reporting:report_detail", args=[everywhere["report"].pk])),
        ("进度表", "office", reverse("reporting:progress", args=[program.pk, 3])),
        ("进度表 by unit", "office", reverse("reporting:progress", args=[program.pk, 3]) + "?per_unit=1"),
        ("upkeep list", "office", reverse("upkeep:index")),
        ("asset", "office", reverse("upkeep:asset_detail", args=[everywhere["asset"].pk])),
        ("fill", "town_shitai", reverse("reporting:fill", args=[program.pk, 3])),
        ("admin fiscal years", "admin", "/admin/funding/fiscalyear/"),
        ("portal project", None, reverse("portal:project", args=[project.pk])),
        ("portal program", None, reverse("portal:program", args=[program.pk])),
    ]
    failures = []
    for name, persona, url in pages:
        html = _page(client_for(persona) if persona else Client(), url)
        for raw in RAW:
            if raw in html:
                failures.append(f"{name}: shows {raw} (元)")
        if SHOWN not in html:
            failures.append(f"{name}: {SHOWN} (万元) missing")
        for label in _labels_say_wan(html):
            failures.append(f"{name}: label {label}")
    assert failures == []
