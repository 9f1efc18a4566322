"""Alerts (亮灯) on hand-computed fixtures, one rule kind at a time, with their edges (exactly on a threshold is
not lit; the deadline day is yellow, the day after red); a red alert cleared by the town's submission; the rules
page (audit, optimistic lock); the scheduled digest through the real task engine; the page's query count."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from alerts import selectors, services
from alerts.models import AlertRule, Digest, Kind
from core.models import AuditEvent
from core.services import ConflictError
from orgs.models import Organisation
from reporting import services as rs
from reporting.models import Report, Status

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


def _of(alerts: list[Any], kind: str, unit: Any = None) -> list[Any]:
    return [a for a in alerts if a.kind == kind and (unit is None or a.unit_id == unit.pk)]


def _rule(office: Any, kind: str, yellow: str, red: str, program: Any = None) -> AlertRule:
    return services.alert_rule_set(
        actor=office, program=program, kind=kind, data={"yellow": Decimal(yellow), "red": Decimal(red)}
    )


def _confirmed(month: dict[str, Any], unit: Any, m: int, values: tuple[int, int, int], office: Any) -> Report:
    """A confirmed report of the fixture's project (the workflow is tested in reporting; here only the figures)."""
    started, finished, invested = month["indicators"]
    report = rs.report_open(actor=office, project=month["project"], unit=unit, period=month["periods"][m])
    rs.report_save(
        actor=office,
        report=report,
        values={
            started.pk: Decimal(values[0]),
            finished.pk: Decimal(values[1]),
            invested.pk: Decimal(values[2]),
        },
        funds={},
        narrative={"progress": "推进中"},
        expected_version=report.version,
    )
    Report.objects.filter(pk=report.pk).update(status=Status.CONFIRMED)
    return report


# --- behind 序时 --------------------------------------------------------------------------------------------


def test_behind_schedule_by_exactly_the_threshold_is_not_lit(month: dict[str, Any], office: Any) -> None:
    # June: 序时 50%; 石台镇's targets 10/10/100, done 4/4/40 → completion 40% → 10.0 points behind
    _confirmed(month, month["shitai"], 6, (4, 4, 40), office)
    _rule(office, Kind.BEHIND, "10", "20", program=month["program"])
    assert _of(selectors.alerts_all(month=6), Kind.BEHIND, month["shitai"]) == []
    _rule(office, Kind.BEHIND, "9.9", "20", program=month["program"])
    [alert] = _of(selectors.alerts_all(month=6), Kind.BEHIND, month["shitai"])
    assert alert.level == "yellow" and alert.value == Decimal("10.0000") and "10.0个百分点" in alert.text


def test_behind_schedule_beyond_red_is_red_and_names_the_unit_and_its_contact(
    month: dict[str, Any], office: Any
) -> None:
    Organisation.objects.filter(pk=month["shitai"].pk).update(contact_person="王建国", phone="0561-1234567")
    _confirmed(month, month["shitai"], 6, (3, 3, 30), office)  # 30% → 20 points behind: red over 15
    _confirmed(month, month["duanyuan"], 6, (10, 10, 100), office)  # exactly on 序时: nothing
    alerts = selectors.alerts_all(month=6)
    [alert] = _of(alerts, Kind.BEHIND, month["shitai"])
    assert alert.level == "red" and alert.unit_name == "石台镇" and alert.person == "王建国 0561-1234567"
    assert alert.subject == "农村危房改造" and "/progress/" in alert.url
    assert _of(alerts, Kind.BEHIND, month["duanyuan"]) == []


def test_behind_schedule_counts_confirmed_figures_only(month: dict[str, Any], office: Any) -> None:
    report = _confirmed(month, month["shitai"], 6, (3, 3, 30), office)
    Report.objects.filter(pk=report.pk).update(status=Status.SUBMITTED)
    assert _of(selectors.alerts_all(month=6), Kind.BEHIND) == []


# --- report deadlines -----------------------------------------------------------------------------------------


def _deadline_alerts(month: dict[str, Any], day: dt.date) -> list[Any]:
    return [
        a
        for a in _of(selectors.alerts_all(today=day), Kind.DEADLINE, month["shitai"])
        if a.text.startswith(month["periods"][6].label)
    ]


def test_deadline_edges_three_days_before_the_deadline_day_and_the_day_after(month: dict[str, Any]) -> None:
    deadline = month["periods"][6].deadline
    assert _deadline_alerts(month, deadline - dt.timedelta(days=4)) == []
    [three] = _deadline_alerts(month, deadline - dt.timedelta(days=3))
    [on_the_day] = _deadline_alerts(month, deadline)
    [late] = _deadline_alerts(month, deadline + dt.timedelta(days=1))
    assert (three.level, three.value) == ("yellow", 3)
    assert (on_the_day.level, on_the_day.value) == ("yellow", 0)
    assert (late.level, late.value) == ("red", 1) and "逾期1天" in late.text
    assert late.url == reverse("reporting:fill", args=[month["program"].pk, 6])


def test_a_red_deadline_alert_clears_after_the_town_submits(
    month: dict[str, Any], town_shitai: Any, client_for: Any
) -> None:
    period = month["periods"][6]
    day = period.deadline + dt.timedelta(days=2)
    [red] = _deadline_alerts(month, day)
    assert red.level == "red"
    projects = list(
        month["program"].projects.filter(pk__in=[p for p, u in rs_pairs(month) if u == month["shitai"].pk])
    )
    for project in projects:
        report = rs.report_open(actor=town_shitai, project=project, unit=month["shitai"], period=period)
        values = {i.pk: Decimal(5) for i in project.indicators.all()}
        report = rs.report_save(
            actor=town_shitai,
            report=report,
            values=values,
            funds={},
            narrative={"progress": "按计划推进", "explanation": "已说明"},
            expected_version=report.version,
        )
        rs.report_submit(actor=town_shitai, report=report)
    assert _deadline_alerts(month, day) == []
    with time_machine.travel(dt.datetime.combine(day, dt.time(10), tzinfo=SHANGHAI), tick=False):
        page = client_for("town_shitai").get(reverse("alerts:index")).content.decode()
    assert period.label + "报表已逾期" not in page


def rs_pairs(month: dict[str, Any]) -> list[tuple[int, int]]:
    from reporting.rollup import expected_reports

    return expected_reports(month["program"])


# --- findings, letters, assets, disclosures, fiscal ratio ---------------------------------------------------


def test_a_finding_past_its_deadline(month: dict[str, Any], office: Any) -> None:
    from supervision.models import Finding

    finding = Finding.objects.create(
        project=month["project"],
        description="围栏破损",
        responsible=month["shitai"],
        deadline=dt.date(2021, 7, 10),
    )
    assert (
        _of(selectors.alerts_all(today=dt.date(2021, 7, 10)), Kind.FINDING) == []
    )  # the deadline day: on time
    [yellow] = _of(selectors.alerts_all(today=dt.date(2021, 7, 11)), Kind.FINDING)
    assert yellow.level == "yellow" and yellow.unit_id == month["shitai"].pk
    assert yellow.url == reverse("supervision:finding_detail", args=[finding.pk])
    assert _of(selectors.alerts_all(today=dt.date(2021, 7, 25)), Kind.FINDING)[0].level == "yellow"  # 15 days
    assert _of(selectors.alerts_all(today=dt.date(2021, 7, 26)), Kind.FINDING)[0].level == "red"  # 16 days
    Finding.objects.filter(pk=finding.pk).update(status=Finding.Status.ANSWERED)
    assert _of(selectors.alerts_all(today=dt.date(2021, 7, 26)), Kind.FINDING) == []


def test_a_letter_unsigned_after_the_threshold(month: dict[str, Any]) -> None:
    from responsibility.models import Letter

    issued = dt.datetime(2021, 3, 1, 9, tzinfo=SHANGHAI)
    letter = Letter.objects.create(
        program=month["program"], organisation=month["shitai"], status=Letter.Status.ISSUED, issued_at=issued
    )
    assert (
        _of(selectors.alerts_all(today=dt.date(2021, 3, 15)), Kind.LETTER) == []
    )  # 14 days: on the threshold
    assert _of(selectors.alerts_all(today=dt.date(2021, 3, 16)), Kind.LETTER)[0].level == "yellow"
    assert _of(selectors.alerts_all(today=dt.date(2021, 4, 1)), Kind.LETTER)[0].level == "red"  # 31 days
    Letter.objects.filter(pk=letter.pk).update(status=Letter.Status.SIGNED)
    assert _of(selectors.alerts_all(today=dt.date(2021, 4, 1)), Kind.LETTER) == []


def test_assets_without_custodian_or_overdue_for_a_check(month: dict[str, Any]) -> None:
    from upkeep.models import Asset, Check

    created = dt.datetime(2021, 1, 1, 9, tzinfo=SHANGHAI)
    with time_machine.travel(created, tick=False):
        orphan = Asset.objects.create(project=month["project"], name="公厕", location="村口", owner="村委会")
        kept = Asset.objects.create(
            project=month["project"],
            name="水塔",
            location="村东",
            owner="村委会",
            custodian=month["shitai"],
            check_interval_days=30,
        )
    Check.objects.create(asset=kept, date=dt.date(2021, 3, 1), condition="good")
    alerts = selectors.alerts_all(today=dt.date(2021, 3, 31))  # 30 days since the check: exactly the interval
    [custodian] = _of(alerts, Kind.ASSET_CUSTODIAN)
    assert custodian.level == "red" and custodian.unit_id == month["project"].lead_department_id
    assert custodian.url == reverse("upkeep:asset_detail", args=[orphan.pk])
    assert _of(alerts, Kind.ASSET_CHECK) == []
    [late] = _of(selectors.alerts_all(today=dt.date(2021, 4, 1)), Kind.ASSET_CHECK)
    assert late.level == "yellow" and late.unit_id == month["shitai"].pk and late.value == 1


def test_a_late_disclosure(month: dict[str, Any]) -> None:
    from disclosure.models import Disclosure

    d = Disclosure.objects.create(
        program=month["program"],
        unit=month["shitai"],
        title="补助名单公示",
        place="村务公开栏",
        due=dt.date(2021, 5, 1),
    )
    assert _of(selectors.alerts_all(today=dt.date(2021, 5, 1)), Kind.DISCLOSURE) == []
    assert (
        _of(selectors.alerts_all(today=dt.date(2021, 5, 8)), Kind.DISCLOSURE)[0].level == "yellow"
    )  # 7 days
    assert _of(selectors.alerts_all(today=dt.date(2021, 5, 9)), Kind.DISCLOSURE)[0].level == "red"
    Disclosure.objects.filter(pk=d.pk).update(start=dt.date(2021, 5, 9))
    assert _of(selectors.alerts_all(today=dt.date(2021, 5, 9)), Kind.DISCLOSURE) == []


def test_fiscal_ratio_over_the_threshold(month: dict[str, Any], office: Any) -> None:
    from funding.selectors import fiscal_area
    from funding.services import fiscal_year_set

    area = fiscal_area(month["program"])
    data = {
        "budget_revenue": Decimal("8000000"),
        "budget_expenditure": Decimal("10000000"),
        "own_commitment": Decimal("1000000"),  # exactly 10%
    }
    fiscal_year_set(actor=office, organisation=area, year=2021, data=data)
    assert _of(selectors.alerts_all(), Kind.FISCAL) == []
    fiscal_year_set(actor=office, organisation=area, year=2021, data={"own_commitment": Decimal("1600000")})
    [red] = _of(selectors.alerts_all(), Kind.FISCAL)
    assert red.level == "red" and red.unit_id == area.pk and "16.00%" in red.text


# --- rules as data --------------------------------------------------------------------------------------------


def test_a_program_rule_overrides_the_default_and_a_disabled_rule_lights_nothing(
    month: dict[str, Any], office: Any, persona: Any
) -> None:
    _confirmed(month, month["shitai"], 6, (3, 3, 30), office)  # 20 points behind
    _rule(persona("admin"), Kind.BEHIND, "25", "30")  # the deployment's default: nothing
    assert _of(selectors.alerts_all(month=6), Kind.BEHIND) == []
    _rule(office, Kind.BEHIND, "5", "19.99", program=month["program"])  # this year's own: red
    assert _of(selectors.alerts_all(month=6), Kind.BEHIND)[0].level == "red"
    services.alert_rule_set(
        actor=office,
        program=month["program"],
        kind=Kind.BEHIND,
        data={"yellow": Decimal(5), "red": Decimal(20), "enabled": False},
    )
    assert _of(selectors.alerts_all(month=6), Kind.BEHIND) == []


def test_the_rules_page_saves_with_audit_and_refuses_a_stale_version(
    month: dict[str, Any], office: Any, client_for: Any
) -> None:
    client = client_for("office")
    url = reverse("alerts:rule_edit", args=["letter"]) + f"?program={month['program'].pk}"
    assert client.get(url).status_code == 200
    form = {
        "label": "责任状催签",
        "yellow": "7",
        "red": "21",
        "enabled": "on",
        "version": "",
        "reason": "提前催办",
    }
    response = client.post(url, {**form, "program": month["program"].pk})
    assert response.status_code == 302
    rule = AlertRule.objects.get(program=month["program"], kind="letter")
    assert (rule.yellow, rule.red, rule.version) == (Decimal(7), Decimal(21), 1)
    assert AuditEvent.objects.filter(object_id=str(rule.pk), reason="提前催办").exists()
    stale = client.post(url, {**form, "yellow": "8", "version": "1", "program": month["program"].pk})
    assert stale.status_code == 302
    again = client.post(url, {**form, "yellow": "9", "version": "1", "program": month["program"].pk})
    assert again.status_code == 200 and "AlertRule" not in again.content.decode()
    assert AlertRule.objects.get(pk=rule.pk).yellow == Decimal(8)
    with pytest.raises(ConflictError):
        services.alert_rule_set(
            actor=office,
            program=month["program"],
            kind="letter",
            data={"yellow": Decimal(1), "red": Decimal(2)},
            expected_version=1,
        )


def test_only_the_office_changes_rules(
    month: dict[str, Any], client_for: Any, town_shitai: Any, office: Any, persona: Any
) -> None:
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.alert_rule_set(
            actor=town_shitai, program=None, kind="letter", data={"yellow": Decimal(1), "red": Decimal(2)}
        )
    leader = client_for("leader")
    url = reverse("alerts:rule_edit", args=["letter"])
    assert leader.get(url).status_code == 200
    assert leader.post(url, {"yellow": "1", "red": "2"}).status_code == 403
    data = {"yellow": Decimal(1), "red": Decimal(2)}
    with pytest.raises(
        PermissionDenied, match="系统管理员"
    ):  # the deployment's defaults are not one office's
        services.alert_rule_set(actor=office, program=None, kind="letter", data=data)
    with pytest.raises(PermissionDenied, match="本级政府"):  # nor another district's program
        services.alert_rule_set(actor=persona("office_b"), program=month["program"], kind="letter", data=data)


def test_red_below_yellow_is_refused_naming_the_field(month: dict[str, Any], office: Any) -> None:
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="红灯阈值不能低于黄灯阈值"):
        _rule(office, Kind.FINDING, "10", "5", program=month["program"])


# --- scoping: the page, the to-do, the panel ----------------------------------------------------------------


def test_a_town_sees_its_own_alerts_and_the_office_all(
    month: dict[str, Any], office: Any, client_for: Any
) -> None:
    _confirmed(month, month["shitai"], 6, (3, 3, 30), office)
    _confirmed(month, month["duanyuan"], 6, (4, 4, 40), office)
    day = month["periods"][7].deadline + dt.timedelta(days=1)
    with time_machine.travel(dt.datetime.combine(day, dt.time(10), tzinfo=SHANGHAI), tick=False):
        town = client_for("town_shitai").get(reverse("alerts:index") + "?month=6").content.decode()
        whole = client_for("office").get(reverse("alerts:index") + "?month=6").content.decode()
        data = client_for("town_duanyuan").get(reverse("alerts:data") + "?month=6").json()
    assert "石台镇" in town and "段园镇" not in town
    assert "石台镇" in whole and "段园镇" in whole
    assert {a["unit"] for a in data["alerts"]} == {"段园镇"}


def test_alerts_appear_in_the_towns_to_do(month: dict[str, Any], office: Any, client_for: Any) -> None:
    day = month["periods"][6].deadline + dt.timedelta(days=1)
    with time_machine.travel(dt.datetime.combine(day, dt.time(10), tzinfo=SHANGHAI), tick=False):
        home = client_for("town_shitai").get("/").content.decode()
    assert "亮灯预警待处理" in home


def test_the_panel_renders_for_a_user_program_and_month(month: dict[str, Any], office: Any, rf: Any) -> None:
    from django.template.loader import render_to_string

    _confirmed(month, month["shitai"], 6, (3, 3, 30), office)
    html = render_to_string(
        "alerts/_panel.html", {"user": office, "program": month["program"], "month": 6}, request=rf.get("/")
    )
    assert 'data-testid="alerts-panel"' in html and "石台镇" in html and "落后序时进度20.0个百分点" in html


def test_the_alerts_page_costs_a_fixed_number_of_queries(
    month: dict[str, Any], office: Any, client_for: Any
) -> None:
    from supervision.models import Finding

    client = client_for("office")
    url = reverse("alerts:index") + "?month=6"
    client.get(url)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    Finding.objects.create(
        project=month["project"], description="一", responsible=month["shitai"], deadline=dt.date(2021, 1, 1)
    )
    _confirmed(month, month["shitai"], 6, (3, 3, 30), office)
    few = count()
    for n in range(20):
        Finding.objects.create(
            project=month["project"],
            description=f"问题{n}",
            responsible=month["duanyuan"],
            deadline=dt.date(2021, 1, 2),
        )
    _confirmed(month, month["duanyuan"], 6, (3, 3, 30), office)
    assert count() == few


# --- the daily digest -----------------------------------------------------------------------------------------


def test_the_daily_digest_fires_on_a_frozen_clock_through_the_task_engine(
    month: dict[str, Any],
    town_shitai: Any,
    settings: Any,
    client_for: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    from jobs import schedule
    from jobs.models import Job
    from jobs.tests.worker import run_tasks

    settings.MINSHENG_SCHEDULE = {"alert_digest": {"at": "07:30"}}
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    town_shitai.email = "shitai@example.invalid"
    town_shitai.save()
    day = month["periods"][6].deadline + dt.timedelta(days=1)
    at = dt.datetime.combine(day, dt.time(7, 0), tzinfo=SHANGHAI)
    with time_machine.travel(at, tick=False):
        assert schedule.schedule_tick() == []  # plans 07:30
    with time_machine.travel(at + dt.timedelta(minutes=30, seconds=2), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            [job] = schedule.schedule_tick()
        assert job.kind == "schedule.alert_digest" and not Digest.objects.exists()
        run_tasks()
        job.refresh_from_db()
        assert job.status == Job.Status.SUCCEEDED and "写入摘要" in job.result["message"]
        digest = Digest.objects.get(user=town_shitai, day=day)
        assert digest.red >= 1 and digest.emailed
        assert all(item["unit"] == "石台镇" for item in digest.items)
        home = client_for("town_shitai").get("/").content.decode()
        assert "每日预警摘要" in home
        assert client_for("town_shitai").get(reverse("alerts:digest", args=[digest.pk])).status_code == 200
        assert client_for("town_duanyuan").get(reverse("alerts:digest", args=[digest.pk])).status_code == 404
    [message] = [m for m in mail.outbox if m.to == ["shitai@example.invalid"]]
    assert "预警摘要" in message.subject and "石台镇" in message.body and "逾期" in message.body


def test_no_mail_without_an_smtp_host(month: dict[str, Any], town_shitai: Any, settings: Any) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = ""
    town_shitai.email = "shitai@example.invalid"
    alerts = selectors.alerts_for(user=town_shitai, today=month["periods"][6].deadline + dt.timedelta(days=1))
    digest = services.digest_write(user=town_shitai, day=timezone.localdate(), alerts=alerts)
    assert digest is not None and not digest.emailed and not mail.outbox


def test_the_api_lists_rules_to_the_district_wide_roles_only(
    month: dict[str, Any], office: Any, client_for: Any
) -> None:
    rule = _rule(office, Kind.LETTER, "7", "21", program=month["program"])
    rows = client_for("office").get("/api/alert-rules/?limit=50").json()["results"]
    assert [(r["id"], r["kind"], r["yellow"]) for r in rows] == [(rule.pk, "letter", "7.00")]
    assert client_for("town_shitai").get("/api/alert-rules/?limit=50").status_code == 403
    assert client_for("town_shitai").get(f"/api/alert-rules/{rule.pk}/").status_code in (403, 404)


# --- a finished year: judged as of its chosen (or last) month's end ----------------------------------------


def _june_deadline(month: dict[str, Any], day: dt.date) -> None:
    from reporting.models import Period

    Period.objects.filter(pk=month["periods"][6].pk).update(deadline=day)


def _june_alerts(month: dict[str, Any], m: int | None, today: dt.date) -> list[Any]:
    label = month["periods"][6].label
    every = selectors.alerts_all(program=month["program"], month=m, today=today)
    return [a for a in _of(every, Kind.DEADLINE, month["shitai"]) if f"{label}报表" in a.text]


def test_a_finished_year_is_judged_as_of_its_last_month_end(month: dict[str, Any]) -> None:
    year = month["program"].year
    _june_deadline(month, dt.date(year, 7, 5))
    [late] = _june_alerts(month, None, dt.date(year + 5, 12, 1))
    assert late.level == "red" and late.value == (dt.date(year, 12, 31) - dt.date(year, 7, 5)).days
    assert late.text.startswith(f"截至{year}年12月底，") and "逾期179天" in late.text


def test_a_finished_year_on_the_chosen_months_deadline_day_is_yellow(month: dict[str, Any]) -> None:
    year = month["program"].year
    _june_deadline(month, dt.date(year, 6, 30))
    [on_the_day] = _june_alerts(month, 6, dt.date(year + 5, 12, 1))  # as of 30 June: the deadline day
    assert (on_the_day.level, on_the_day.value) == ("yellow", 0)
    assert on_the_day.text.startswith(f"截至{year}年6月底，")
    [late] = _june_alerts(month, 7, dt.date(year + 5, 12, 1))  # as of 31 July: 31 days late
    assert (late.level, late.value) == ("red", 31)
    assert _june_alerts(month, 5, dt.date(year + 5, 12, 1)) == []  # as of 31 May: not due yet


def test_a_running_year_is_judged_today(month: dict[str, Any]) -> None:
    year = month["program"].year
    _june_deadline(month, dt.date(year, 7, 5))
    [late] = _june_alerts(month, 6, dt.date(year, 7, 10))
    assert (late.level, late.value) == ("red", 5) and not late.text.startswith("截至")
