"""The monthly report: validation, the review workflow, locking and unlocking, conflicts, roll-up and ranking."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from core.models import AuditEvent
from core.services import ConflictError
from reporting import rollup, services
from reporting.models import Report, Status, Summary, Transition
from reporting.tests.helpers import fill

pytestmark = pytest.mark.django_db


def test_periods_and_deadlines(month: dict[str, Any], office: Any) -> None:
    periods = month["periods"]
    assert len(periods) == 12
    assert str(periods[6].deadline) == "2021-07-05" and str(periods[12].deadline) == "2022-01-05"
    quarterly = services.periods_open(actor=office, program=month["program"], frequency="quarterly")
    assert [p.month for p in quarterly] == [3, 6, 9, 12]
    assert not month["program"].periods.get(month=1).is_open


def test_errors_block_and_warnings_need_an_explanation(month: dict[str, Any], town_shitai: Any) -> None:
    report = services.report_open(
        actor=town_shitai, project=month["project"], unit=month["shitai"], period=month["periods"][6]
    )
    fill(town_shitai, report, month, (5, 3, 50), arrived="100000", spent="200000")
    with pytest.raises(ValidationError) as exc:
        services.report_submit(actor=town_shitai, report=report)
    assert "省资金支出20.00万元超过到位10.00万元" in exc.value.messages
    with pytest.raises(ValidationError, match="负数"):
        fill(town_shitai, report, month, (-1, 3, 50), arrived="1", spent="0")
    report.refresh_from_db()
    fill(town_shitai, report, month, (13, 3, 50), arrived="300000", spent="200000")
    with pytest.raises(ValidationError) as exc:
        services.report_submit(actor=town_shitai, report=report)
    assert "需要填写情况说明" in exc.value.messages[0] and any("超过目标10" in m for m in exc.value.messages)
    report.refresh_from_db()
    fill(
        town_shitai, report, month, (13, 3, 50), arrived="300000", spent="200000", explanation="追加了3户危房"
    )
    services.report_submit(actor=town_shitai, report=report)
    report.refresh_from_db()
    assert report.status == Status.SUBMITTED and report.submitted_at is not None


def test_the_whole_loop(month: dict[str, Any], town_shitai: Any, office: Any, persona: Any) -> None:
    lead = month["project"].lead_department
    reviewer = persona("dept_health") if lead.code == "wjw" else _dept_user(lead)
    report = services.report_open(
        actor=town_shitai, project=month["project"], unit=month["shitai"], period=month["periods"][6]
    )
    fill(town_shitai, report, month, (5, 4, 50), arrived="300000", spent="200000")
    services.report_submit(actor=town_shitai, report=report)
    with pytest.raises(PermissionDenied):
        services.report_review(actor=town_shitai, report=report, approve=True)
    with pytest.raises(ValidationError, match="退回时请填写意见"):
        services.report_review(actor=reviewer, report=report, approve=False)
    services.report_review(actor=reviewer, report=report, approve=False, opinion="支出数据请附凭证")
    report.refresh_from_db()
    fill(town_shitai, report, month, (5, 4, 50), arrived="300000", spent="180000")
    services.report_submit(actor=town_shitai, report=report)
    services.report_review(actor=reviewer, report=report, approve=True)
    with pytest.raises(PermissionDenied):
        services.report_confirm(actor=reviewer, report=report, approve=True)
    with pytest.raises(ValidationError):  # nobody edits a report under review
        fill(office, report, month, (5, 4, 50), arrived="1", spent="0")
    services.report_confirm(actor=office, report=report, approve=True)
    report.refresh_from_db()
    assert report.status == Status.CONFIRMED
    with pytest.raises(PermissionDenied):
        fill(town_shitai, report, month, (6, 4, 50), arrived="300000", spent="180000")
    steps = list(Transition.objects.filter(report=report).values_list("from_status", "to_status", "opinion"))
    assert steps == [
        ("draft", "submitted", ""),
        ("submitted", "returned", "支出数据请附凭证"),
        ("returned", "submitted", ""),
        ("submitted", "dept_approved", ""),
        ("dept_approved", "confirmed", ""),
    ]
    with pytest.raises(ValidationError):
        services.report_unlock(actor=office, report=report, reason=" ")
    services.report_unlock(actor=office, report=report, reason="数据有误，重新填报")
    report.refresh_from_db()
    assert report.status == Status.RETURNED
    assert AuditEvent.objects.filter(
        content_type__model="report", object_id=str(report.pk), reason__startswith="解锁"
    ).exists()


def _dept_user(org: Any) -> Any:
    from django.contrib.auth import get_user_model

    from orgs.services import membership_grant

    user = get_user_model().objects.create_user(username=f"t_lead_{org.code}", password="x-pass-123")
    membership_grant(actor=None, user=user, organisation=org, role="department")
    return user


def test_concurrent_edit_is_refused(month: dict[str, Any], town_shitai: Any, office: Any) -> None:
    report = services.report_open(
        actor=town_shitai, project=month["project"], unit=month["shitai"], period=month["periods"][3]
    )
    stale_version = report.version
    fill(town_shitai, report, month, (1, 0, 10), arrived="1000", spent="0")
    with pytest.raises(ConflictError):
        services.report_save(
            actor=office,
            report=report,
            values={},
            funds={},
            narrative={"progress": "覆盖"},
            expected_version=stale_version,
        )
    report.refresh_from_db()
    assert report.progress == "按计划推进"


def test_roll_up_counts_confirmed_data_only(
    month: dict[str, Any], town_shitai: Any, office: Any, django_capture_on_commit_callbacks: Any
) -> None:
    period = month["periods"][6]
    report = services.report_open(
        actor=town_shitai, project=month["project"], unit=month["shitai"], period=period
    )
    fill(town_shitai, report, month, (5, 4, 50), arrived="300000", spent="150000")
    services.report_submit(actor=town_shitai, report=report)
    official = rollup.progress_table(user=None, program=month["program"], month=6)
    row = next(r for r in official if r.project == month["project"])
    assert row.arrived == 0 and row.completion is None
    staff = next(
        r
        for r in rollup.progress_table(user=office, program=month["program"], month=6, include_pending=True)
        if r.project == month["project"]
    )
    assert staff.arrived == Decimal("300000") and staff.pending == 1
    report.status = Status.DEPT_APPROVED
    report.save()
    with django_capture_on_commit_callbacks(execute=True):
        services.report_confirm(actor=office, report=report, approve=True)
    rows = {
        r.unit.code if r.unit else None: r
        for r in rollup.progress_table(
            user=office,
            program=month["program"],
            month=6,
            per_unit=True,
            projects=month["project"].program.projects.filter(pk=month["project"].pk),
        )
    }
    shitai = rows["shitai"]
    # hand computation: targets 10/10/100, done 5/4/50 → (0.5 + 0.4 + 0.5) / 3
    assert shitai.completion == (Decimal("0.5") + Decimal("0.4") + Decimal("0.5")) / 3
    assert shitai.arrival_rate == Decimal("0.5") and shitai.spending_rate == Decimal("0.5")
    assert (
        shitai.schedule == Decimal("0.5") and not shitai.behind
    )  # 3.3 points behind: within the 5-point tolerance
    total = Summary.objects.get(project=month["project"], period=period, unit=None)
    assert (
        total.arrived == Decimal("300000")
        and total.budget == Decimal("1800000")
        and total.reports_confirmed == 1
    )
    scores = rollup.ranking(user=office, period=period, kind="local")
    top = next(s for s in scores if s.unit.code == "shitai")
    assert top.rank == 1 and top.completion == shitai.completion.quantize(Decimal("0.0001"))
    assert (top.expected, top.on_time) == (
        month["project"].program.projects.filter(implementing_units=month["shitai"]).count(),
        0,
    )
    expected = 40 * top.completion + 20 * Decimal("0.5") + 20 * Decimal("0.5") + 20 * top.on_time_rate
    assert top.score == expected


def test_validation_messages_speak_wan(month: dict[str, Any], town_shitai: Any) -> None:
    report = services.report_open(
        actor=town_shitai, project=month["project"], unit=month["shitai"], period=month["periods"][6]
    )
    fill(town_shitai, report, month, (5, 3, 50), arrived="4500000", spent="0")
    _errors, warnings = services.report_validate(report)
    texts = [w.message for w in warnings]
    assert "资金到位450.00万元超过预算60.00万元" in texts, texts
    assert not any("4500000" in t for t in texts)


# --- batch confirmation by 民生办 -----------------------------------------------------------------------------


def _lead(month: dict[str, Any], persona: Any) -> Any:
    lead = month["project"].lead_department
    return persona("dept_health") if lead.code == "wjw" else _dept_user(lead)


def _approved(month: dict[str, Any], town: Any, dept: Any, period: Any) -> Any:
    report = services.report_open(actor=town, project=month["project"], unit=month["shitai"], period=period)
    fill(town, report, month, (5, 4, 50), arrived="300000", spent="150000", explanation="按计划")
    report = services.report_submit(actor=town, report=Report.objects.get(pk=report.pk))
    return services.report_review(actor=dept, report=report, approve=True)


def _review_url(period: Any) -> str:
    from django.urls import reverse

    return reverse("reporting:review", args=[period.program_id, period.month])


def test_office_confirms_several_reports_in_one_action(
    client_for: Any, month: dict[str, Any], town_shitai: Any, persona: Any
) -> None:
    dept = _lead(month, persona)
    first, second = (_approved(month, town_shitai, dept, month["periods"][m]) for m in (5, 6))
    client = client_for("office")
    for report in (first, second):
        page = client.get(_review_url(report.period)).content.decode()
        assert f'value="{report.pk}-{report.version}"' in page
    response = client.post(
        _review_url(second.period),
        {"reports": [f"{r.pk}-{r.version}" for r in (first, second)]},
        follow=True,
    )
    assert "已确认2份报表" in response.content.decode()
    assert {r.status for r in Report.objects.filter(pk__in=[first.pk, second.pk])} == {Status.CONFIRMED}


def test_batch_confirm_is_all_or_nothing_and_names_the_refused(
    month: dict[str, Any], town_shitai: Any, office: Any, persona: Any
) -> None:
    dept = _lead(month, persona)
    good = _approved(month, town_shitai, dept, month["periods"][5])
    other = services.report_open(
        actor=town_shitai, project=month["project"], unit=month["shitai"], period=month["periods"][6]
    )  # a draft: not waiting for 民生办确认
    with pytest.raises(ValidationError) as caught:
        services.reports_confirm(actor=office, reports={good.pk: good.version, other.pk: other.version})
    assert any("不在待民生办确认" in m for m in caught.value.messages)
    assert Report.objects.get(pk=good.pk).status == Status.DEPT_APPROVED
    with pytest.raises(ValidationError, match="已被其他人修改"):
        services.reports_confirm(actor=office, reports={good.pk: good.version - 1})
    assert (
        services.reports_confirm(actor=office, reports={good.pk: good.version})[0].status == Status.CONFIRMED
    )


def test_a_department_cannot_batch_confirm(month: dict[str, Any], town_shitai: Any, persona: Any) -> None:
    dept = _lead(month, persona)
    report = _approved(month, town_shitai, dept, month["periods"][5])
    with pytest.raises(ValidationError):
        services.reports_confirm(actor=dept, reports={report.pk: report.version})
    assert Report.objects.get(pk=report.pk).status == Status.DEPT_APPROVED
