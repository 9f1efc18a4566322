"""Browser journey of issue 14: the city office publishes its program → 杜集区's office derives its own from it, marks
one item 不适用 with a reason and adds a local one → 杜集区's office confirms a month → the city's roll-up table shows
杜集区 with its figures, and not 相山区's figures, which its office has not confirmed.

Reports are filed through the services (the fill page has its own journey, reporting/tests/test_browser_month.py);
the publication, the derivation and the confirmation are clicked in the browser."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from core.tests.test_browser import login

pytestmark = pytest.mark.browser
MONTH = 6
UNTOUCHED = "小型病险水库除险加固"  # the item 杜集区 marks 不适用
LOCAL = "老旧小区雨污管网改造"  # 杜集区's own addition
PREAMBLE = "为进一步保障和改善民生，经研究，决定2021年实施33项民生工程。"


def _upper_world() -> Any:
    """The reference lineage with 淮北市's 2021 program back to a draft and 杜集区's 2021 program not yet made."""
    from catalogue.models import Program
    from catalogue.reference_lineage import lineage_load

    lineage_load()
    Program.objects.filter(issuer__code="gov", year=2021).delete()
    city = Program.objects.get(issuer__code="huaibei", year=2021)
    # the reconstructed list has no 成文日期 or 开头语: the city office would write them before issuing
    Program.objects.filter(pk=city.pk).update(
        status=Program.Status.DRAFT, doc_date=dt.date(2021, 4, 20), preamble=PREAMBLE
    )
    return city


def _reports_up_to_the_office(program: Any) -> Any:
    """杜集区's derived program published, June open, 农村危房改造 filed by 石台镇 and approved by its department:
    what waits for 民生办's confirmation."""
    from django.contrib.auth import get_user_model

    from catalogue.models import Program
    from catalogue.services import program_publish
    from funding.services import funding_line_create
    from orgs.models import Organisation
    from reporting import services
    from responsibility import services as rs

    User = get_user_model()
    office, town = User.objects.get(username="t_office"), User.objects.get(username="t_town_shitai")
    Program.objects.filter(pk=program.pk).update(
        doc_number="杜政〔2021〕9号", doc_date=dt.date(2021, 5, 6), preamble=PREAMBLE
    )
    program.refresh_from_db()
    program_publish(actor=office, program=program, confirm_warnings=True)
    periods = {p.month: p for p in services.periods_open(actor=office, program=program)}
    project = program.projects.get(name="农村危房改造")
    shitai = Organisation.objects.get(code="shitai")
    indicators = rs.indicators_apply_defaults(actor=office, project=project)
    for ind, value in zip(indicators, (10, 10, 100), strict=True):
        rs.target_set(actor=office, indicator=ind, unit=shitai, value=Decimal(value))
    funding_line_create(actor=office, project=project, unit=shitai, source="province", original="600000")
    report = services.report_open(actor=town, project=project, unit=shitai, period=periods[MONTH])
    values = {ind.pk: Decimal(v) for ind, v in zip(indicators, (5, 4, 50), strict=True)}
    report = services.report_save(
        actor=town,
        report=report,
        values=values,
        funds={"province": (Decimal(300000), Decimal(200000))},
        narrative={"progress": "按计划推进"},
        expected_version=report.version,
    )
    report = services.report_submit(actor=town, report=report)
    return services.report_review(actor=office, report=report, approve=True)  # standing in for the department


def _district_b_waiting() -> None:
    """相山区's 2021 program with a June report submitted, not confirmed by its office (70万 arrived)."""
    from django.contrib.auth import get_user_model

    from catalogue.models import Program, Project
    from funding.services import funding_line_create
    from orgs.models import Organisation
    from reporting import services
    from responsibility import services as rs

    User = get_user_model()
    office_b, town_b = User.objects.get(username="t_office_b"), User.objects.get(username="t_town_b")
    gov, town = (
        Organisation.objects.get(code="xiangshan-gov"),
        Organisation.objects.get(code="xiangshan-town"),
    )
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
    report = services.report_open(actor=town_b, project=project, unit=town, period=periods[MONTH])
    report = services.report_save(
        actor=town_b,
        report=report,
        values={ind.pk: Decimal(v) for ind, v in zip(indicators, (20, 20, 200), strict=True)},
        funds={"province": (Decimal(700000), Decimal(600000))},
        narrative={"progress": "按计划推进"},
        expected_version=report.version,
    )
    services.report_submit(actor=town_b, report=report)


def _logout(page: Any) -> None:
    page.click("text=退出登录")


def test_city_publishes_district_derives_confirms_and_city_sees_only_confirmed(browser_page: Any) -> None:
    from playwright.sync_api import expect

    from catalogue.models import Derivation, Program

    city = _upper_world()
    page = browser_page

    # 1. 淮北市's 民生办 publishes the city's program
    login(page, "city_office")
    page.goto(page.base_url + f"/programs/{city.pk}/publish/")
    form = page.locator("[data-testid=publish-form]")
    confirm = form.locator("input[name=confirm]")
    if confirm.count():
        confirm.check()
    form.locator("button[type=submit]").click()
    expect(page.locator(".alert-success, .alert", has_text="已发布")).to_be_visible()
    _logout(page)

    # 2. 杜集区's 民生办 derives its program from it, marks an item 不适用 and adds one of its own
    login(page, "office")
    page.goto(page.base_url + "/programs/derive/")
    page.select_option(
        "#id_source", label=page.locator("#id_source option", has_text="淮北市").first.inner_text()
    )
    page.click("button:has-text('生成本级计划草稿')")
    expect(page.locator("[data-testid=derivation-items]")).to_be_visible()
    row = page.locator("[data-testid=derivation-items] tbody tr", has_text=UNTOUCHED)
    row.locator("summary").click()
    row.locator("select[name=status]").select_option("not_applicable")
    row.locator("input[name=reason]").fill("本区无小型病险水库")
    row.locator("button[type=submit]").click()
    row = page.locator("[data-testid=derivation-items] tbody tr", has_text=UNTOUCHED)
    expect(row).to_contain_text("不适用")
    expect(row).to_contain_text("本区无小型病险水库")
    page.fill("#local-name", LOCAL)
    page.fill("#local-reason", "本区自行增加")
    page.click("#local button[type=submit]")
    expect(page.locator("[data-testid=derivation-items]")).to_contain_text(LOCAL)
    expect(page.locator("[data-testid=derivation-counts]")).to_contain_text("不适用 1")

    program = Program.objects.get(issuer__code="gov", year=2021)
    assert program.derived_from_id == city.pk
    assert Derivation.objects.get(program=program, upper_name=UNTOUCHED).status == "not_applicable"
    assert program.derivations.get(project__name=LOCAL).is_local

    # 3. the month: 石台镇's report reaches 民生办 (services); 杜集区's office confirms it in the browser
    report = _reports_up_to_the_office(program)
    _district_b_waiting()
    page.goto(page.base_url + f"/reporting/{program.pk}/{MONTH}/review/")
    page.locator("[data-testid=queue] tr", has_text="石台镇").locator('a:has-text("审核")').click()
    page.click("button[value=approve]")
    expect(page.locator("[data-testid=report-status]")).to_have_text("民生办已确认")
    report.refresh_from_db()
    assert report.status == "confirmed"
    _logout(page)

    # 4. the city's roll-up table: 杜集区 with its confirmed figures, 相山区 without its unconfirmed ones
    login(page, "city_office")
    page.goto(page.base_url + f"/reporting/tree/2021/{MONTH}/?government=huaibei")
    duji = page.locator("[data-testid=tree-row-duji]")
    expect(duji).to_contain_text("30.00")  # 30 万元 arrived
    expect(duji).to_contain_text("20.00")  # 20 万元 spent
    expect(duji).not_to_contain_text("暂无已确认数据")
    xiangshan = page.locator("[data-testid=tree-row-xiangshan]")
    expect(xiangshan).to_contain_text("暂无已确认数据")
    expect(xiangshan).not_to_contain_text("70.00")
    expect(xiangshan).not_to_contain_text("60.00")
    expect(page.locator("[data-testid=tree-table]")).not_to_contain_text("70.00")
