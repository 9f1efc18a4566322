"""make demo: a living, labelled 示例 year through the services; demo_clear removes exactly it."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import transaction
from django.test.utils import override_settings

from catalogue.models import Program, Project
from core.models import SampleRecord
from disclosure.models import Disclosure, Feedback
from orgs.models import Membership, Organisation
from reporting.models import Period, Report, Status, Summary
from responsibility.models import Letter
from supervision.models import Finding, Supervisor
from upkeep.models import Asset, Check

PASSWORD = "demo-pass-42"
SKIPPED_APPS = {"sessions", "axes", "admin"}


def _everything() -> dict[str, list[dict[str, Any]]]:
    """Every row of every model (summaries without their ids: they are rewritten whole)."""
    rows = {}
    for model in apps.get_models():
        if model._meta.app_label in SKIPPED_APPS or model is SampleRecord:
            continue
        values = list(model._base_manager.order_by("pk").values())
        if model is Summary:
            values = sorted(
                sorted((k, str(v)) for k, v in r.items() if k not in ("id", "refreshed_at")) for r in values
            )
        rows[model._meta.label] = values
    return rows


@pytest.fixture(scope="module")
def demo_world(django_db_setup: Any, django_db_blocker: Any, tmp_path_factory: Any) -> Any:
    """Real work first (periods, targets, a submitted report of 石台镇), then the demo — all rolled back at the end."""
    from reporting import services
    from responsibility import services as rs

    var = tmp_path_factory.mktemp("demo-var")
    override = override_settings(VAR_DIR=var, MEDIA_ROOT=var / "media")
    with django_db_blocker.unblock():
        override.enable()
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            office = get_user_model().objects.get(username="t_office")
            town = get_user_model().objects.get(username="t_town_shitai")
            program = Program.objects.get(year=2021)
            period = services.periods_open(actor=office, program=program)[0]
            project = Project.objects.get(program=program, name="农村危房改造")
            shitai = Organisation.objects.get(code="shitai")
            indicators = rs.indicators_apply_defaults(actor=office, project=project)
            for ind in indicators:
                rs.target_set(actor=office, indicator=ind, unit=shitai, value=Decimal(7))
            real = services.report_open(actor=town, project=project, unit=shitai, period=period)
            services.report_save(
                actor=town,
                report=real,
                values={ind.pk: Decimal(1) for ind in indicators},
                funds={},
                narrative={"progress": "真实进展"},
                expected_version=real.version,
            )
            services.report_submit(actor=town, report=Report.objects.get(pk=real.pk))
            before = _everything()
            out = io.StringIO()
            call_command("demo", "--password", PASSWORD, stdout=out)
            yield {"before": before, "out": out.getvalue(), "real": real, "program": program}
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            override.disable()


def _login(client: Any, username: str) -> Any:
    client.logout()
    response = client.post("/login/", {"username": username, "password": PASSWORD})
    assert response.status_code == 302, username
    return client


MAIN_PAGES = {
    "demo_office": ["/programs/{p}/", "/reporting/{p}/6/progress/"],
    "demo_dept_health": ["/reporting/{p}/6/review/"],
    "demo_dept_jtj": ["/reporting/{p}/6/review/"],
    "demo_town_shitai": ["/reporting/{p}/6/fill/"],
    "demo_town_duanyuan": ["/reporting/{p}/6/fill/"],
    "demo_supervisor": ["/supervision/inspections/new/"],
    "demo_leader": ["/programs/{p}/", "/reporting/{p}/6/progress/"],
    "demo_city_office": ["/", "/reporting/tree/{y}/6/?government=huaibei", "/programs/{p}/derivation/"],
    "demo_city_leader": ["/", "/reporting/tree/{y}/6/?government=huaibei", "/programs/{p}/"],
    "demo_province_office": ["/", "/reporting/tree/{y}/6/?government=anhui"],
}


@pytest.mark.django_db
@pytest.mark.parametrize("username", MAIN_PAGES)
def test_each_demo_account_logs_in_and_opens_its_main_page(
    demo_world: Any, client: Any, username: str
) -> None:
    _login(client, username)
    for url in MAIN_PAGES[username]:
        program = demo_world["program"]
        assert client.get(url.format(p=program.pk, y=program.year)).status_code == 200, url


@pytest.mark.django_db
def test_the_city_office_sees_the_districts_confirmed_demo_figures(demo_world: Any, client: Any) -> None:
    from reporting.rollup import summary_refresh

    program = demo_world["program"]
    _login(client, "demo_city_office")
    with transaction.atomic():  # the summaries the demo's commit writes (on commit), rolled back after
        confirmed = Report.objects.filter(period__program=program, status=Status.CONFIRMED)
        for project_id, period_id in set(confirmed.values_list("project_id", "period_id")):
            summary_refresh(project_id=project_id, period_id=period_id)
        page = client.get(f"/reporting/tree/{program.year}/6/?government=huaibei").content.decode()
        transaction.set_rollback(True)
    duji = page.split('data-testid="tree-row-duji"')[1].split("</tr>")[0]
    assert "暂无已确认数据" not in duji and "0/0" not in duji


@pytest.mark.django_db
def test_the_upper_offices_home_leads_to_the_roll_up_not_to_the_districts_queues(
    demo_world: Any, client: Any
) -> None:
    for username in ("demo_city_office", "demo_province_office"):
        page = _login(client, username).get("/").content.decode()
        assert 'data-testid="upper-tasks"' in page and "/reporting/tree/" in page
        assert "目标责任状下达" not in page and "绩效目标申报表待审核" not in page  # 杜集区's work
        assert "前往逐级汇总" in page and "前往报表审核" not in page
    # the city's 领导 lands on the dashboard of the governments below (dashboard.governments), not on 杜集区's
    page = _login(client, "demo_city_leader").get("/", follow=True).content.decode()
    assert "/reporting/tree/" in page and "杜集区" in page and "绩效目标申报表待审核" not in page


@pytest.mark.django_db
def test_demo_supervisor_is_on_the_roster_and_may_file(demo_world: Any, client: Any) -> None:
    supervisor = Supervisor.objects.get(user__username="demo_supervisor")
    assert supervisor.is_active and supervisor.inspections.exists()
    page = _login(client, "demo_supervisor").get("/supervision/inspections/new/")
    assert page.status_code == 200 and "只有登记在册" not in page.content.decode()


@pytest.mark.django_db
def test_one_demo_account_per_role_and_per_lead_department(demo_world: Any) -> None:
    program = demo_world["program"]
    demo = Membership.objects.filter(is_demo=True)
    leads = set(program.projects.values_list("lead_department", flat=True))
    assert set(demo.filter(role="department").values_list("organisation", flat=True)) == leads
    assert {"admin", "office", "department", "town", "supervisor", "leader"} == set(
        demo.values_list("role", flat=True)
    )
    uppers = demo.filter(organisation__code__in=["huaibei-msb", "huaibei", "anhui-msb"])
    assert set(uppers.values_list("user__username", "role")) == {
        ("demo_city_office", "office"),
        ("demo_city_leader", "leader"),
        ("demo_province_office", "office"),
    }
    assert "demo_city_office" in demo_world["out"] and "demo_province_office" in demo_world["out"]
    assert all(m.user.first_name.startswith("示例") for m in demo.select_related("user"))
    assert PASSWORD in demo_world["out"]


@pytest.mark.django_db
def test_demo_year_is_alive(demo_world: Any) -> None:
    reports = Report.objects.filter(period__program=demo_world["program"]).exclude(pk=demo_world["real"].pk)
    months = set(reports.values_list("period__month", flat=True))
    assert months == {1, 2, 3, 4, 5, 6}
    statuses = set(reports.filter(period__month=6).values_list("status", flat=True))
    assert {Status.CONFIRMED, Status.RETURNED, Status.SUBMITTED, Status.DEPT_APPROVED} <= statuses
    late = [r for r in reports if r.submitted_at and r.submitted_at.date() > r.period.deadline]
    assert 0 < len(late) < reports.count() / 2
    assert {Letter.Status.SIGNED, Letter.Status.ISSUED} <= set(
        Letter.objects.values_list("status", flat=True)
    )
    findings = set(Finding.objects.values_list("status", flat=True))
    assert {Finding.Status.OPEN, Finding.Status.CLOSED} <= findings
    assert Asset.objects.exists() and Check.objects.exists()
    assert Disclosure.objects.exists() and Feedback.objects.exists()


@pytest.mark.django_db
def test_demo_sets_the_fiscal_year_and_the_program_shows_the_match(demo_world: Any, client: Any) -> None:
    from funding.models import FiscalYear
    from funding.selectors import fiscal_area, fiscal_check

    program = demo_world["program"]
    fiscal = FiscalYear.objects.get(organisation=fiscal_area(program), year=program.year)
    assert fiscal.is_sample and fiscal.note.startswith("【示例】")
    assert SampleRecord.objects.filter(object_id=str(fiscal.pk), content_type__model="fiscalyear").exists()
    office = get_user_model().objects.get(username="demo_office")
    assert fiscal_check(user=office, program=program).level == "ok"
    page = _login(client, "demo_office").get(f"/programs/{program.pk}/").content.decode()
    assert "在阈值以内" in page and "示例财力数据" in page


@pytest.mark.django_db
def test_demo_rows_are_labelled(demo_world: Any) -> None:
    demo_reports = Report.objects.exclude(pk=demo_world["real"].pk)
    assert all(r.progress.startswith("【示例】") for r in demo_reports)
    assert all("示例" in f.description for f in Finding.objects.all())
    assert all("示例" in a.name for a in Asset.objects.all())
    assert all("示例" in d.title for d in Disclosure.objects.all())
    assert all("示例" in f.text for f in Feedback.objects.all())


@pytest.mark.django_db
def test_demo_leaves_real_rows_alone(demo_world: Any) -> None:
    real = Report.objects.get(pk=demo_world["real"].pk)
    assert real.progress == "真实进展" and real.status == Status.SUBMITTED
    assert not SampleRecord.objects.filter(object_id=str(real.pk), content_type__model="report").exists()


@pytest.mark.django_db
def test_demo_twice_does_not_duplicate(demo_world: Any) -> None:
    count = SampleRecord.objects.count()
    out = io.StringIO()
    call_command("demo", "--password", PASSWORD, stdout=out)
    assert "已经存在" in out.getvalue()
    assert SampleRecord.objects.count() == count


@pytest.mark.django_db
def test_demo_and_demo_clear_refused_in_production(demo_world: Any, monkeypatch: Any, settings: Any) -> None:
    count = SampleRecord.objects.count()
    monkeypatch.setenv("MINSHENG_PRODUCTION", "1")
    for command in ("demo", "demo_clear", "create_demo_accounts"):
        with pytest.raises(CommandError, match="生产环境"):
            call_command(command, stdout=io.StringIO())
    monkeypatch.delenv("MINSHENG_PRODUCTION")
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="生产环境"):
        call_command("demo", stdout=io.StringIO())
    assert SampleRecord.objects.count() == count


@pytest.mark.django_db
def test_demo_clear_refuses_when_real_data_holds_on_to_demo_rows(demo_world: Any) -> None:
    from supervision.services import inspection_file

    office = get_user_model().objects.get(username="t_office")
    count = SampleRecord.objects.count()
    with transaction.atomic():
        inspection_file(
            actor=office,
            supervisor=Supervisor.objects.get(user__username="demo_supervisor"),
            program=demo_world["program"],
            date=Supervisor.objects.get(user__username="demo_supervisor").term_start,
            projects=[demo_world["real"].project],
            unit=demo_world["real"].unit,
            place="真实地点",
            methods=["site"],
            summary="真实监督",
        )
        with pytest.raises(CommandError, match="非示例数据"):
            call_command("demo_clear", stdout=io.StringIO())
        assert SampleRecord.objects.count() == count
        transaction.set_rollback(True)


@pytest.mark.django_db
def test_demo_clear_removes_all_demo_rows_and_keeps_real_data(demo_world: Any) -> None:
    from reporting import services

    town = get_user_model().objects.get(username="demo_town_shitai")  # trying the system after make demo
    july = Period.objects.get(program=demo_world["program"], month=7)
    project = (
        Report.objects.filter(unit__code="shitai", period__month=6)
        .exclude(pk=demo_world["real"].pk)[0]
        .project
    )
    services.report_open(actor=town, project=project, unit=town.membership.organisation, period=july)
    call_command("demo_clear", stdout=io.StringIO())
    assert not SampleRecord.objects.exists()
    assert not Membership.objects.filter(is_demo=True).exists()
    assert not get_user_model().objects.filter(username__startswith="demo_").exists()
    assert _everything() == demo_world["before"]


@pytest.mark.django_db
def test_pages_say_demo_data_is_present_while_it_is(client: Any, settings: Any, tmp_path: Any) -> None:
    settings.VAR_DIR = tmp_path
    assert 'data-testid="demo-data"' not in client.get("/public/").content.decode()
    (tmp_path / "demo-accounts.txt").write_text("示例账号")
    assert "【示例】" in client.get("/public/").content.decode()
