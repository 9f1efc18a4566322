"""One period opened, closed or given a new deadline by 民生办 on the periods page, with a reason, audited,
stale pages refused; the demo opens only the months it has reached."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from core.models import AuditEvent
from core.services import ConflictError
from reporting import services
from reporting.models import Period

pytestmark = pytest.mark.django_db


def _post(client: Any, period: Period, **data: Any) -> Any:
    url = reverse("reporting:periods", args=[period.program_id])
    return client.post(url, {"month": period.month, "version": period.version, **data}, follow=True)


def _audits(period: Period) -> list[str]:
    ct = ContentType.objects.get_for_model(Period)
    return list(
        AuditEvent.objects.filter(content_type=ct, object_id=str(period.pk)).values_list("reason", flat=True)
    )


def test_office_closes_and_reopens_one_month_with_a_reason(client_for: Any, month: dict[str, Any]) -> None:
    period = month["periods"][7]
    client = client_for("office")
    page = _post(client, period, action="close", reason="7月暂缓").content.decode()
    assert "7月：已关闭报送" in page
    period.refresh_from_db()
    assert not period.is_open and "7月暂缓" in _audits(period)
    assert month["periods"][8].is_open  # only that month
    _post(client, period, action="open", reason="恢复")
    period.refresh_from_db()
    assert period.is_open


def test_office_extends_the_deadline(client_for: Any, month: dict[str, Any]) -> None:
    period = month["periods"][6]
    new = period.deadline + dt.timedelta(days=5)
    _post(client_for("office"), period, action="deadline", deadline=new.isoformat(), reason="系统维护顺延")
    period.refresh_from_db()
    assert period.deadline == new and "系统维护顺延" in _audits(period)


def test_period_change_needs_a_reason(client_for: Any, month: dict[str, Any]) -> None:
    period = month["periods"][6]
    page = _post(client_for("office"), period, action="close", reason="").content.decode()
    assert "原因：" in page
    period.refresh_from_db()
    assert period.is_open


def test_stale_period_page_is_refused(client_for: Any, month: dict[str, Any]) -> None:
    period = month["periods"][6]
    client = client_for("office")
    _post(client, period, action="close", reason="一")
    page = _post(client, period, action="open", reason="二").content.decode()  # the old version
    assert "已被其他人修改" in page
    period.refresh_from_db()
    assert not period.is_open


def test_period_change_service_refuses_who_may_not(
    month: dict[str, Any], town_shitai: Any, office: Any
) -> None:
    period = month["periods"][6]
    with pytest.raises(PermissionDenied):
        services.period_change(
            actor=town_shitai, period=period, action="close", reason="x", expected_version=period.version
        )
    with pytest.raises(ValidationError):
        services.period_change(
            actor=office,
            period=period,
            action="deadline",
            deadline=dt.date(2020, 1, 1),
            reason="x",
            expected_version=period.version,
        )
    with pytest.raises(ConflictError):
        services.period_change(
            actor=office, period=period, action="close", reason="x", expected_version=period.version + 1
        )


@pytest.mark.parametrize("name", ["town_shitai", "dept_health", "leader", "supervisor"])
def test_only_the_office_changes_a_period(client_for: Any, month: dict[str, Any], name: str) -> None:
    period = month["periods"][6]
    page = client_for(name).get(reverse("reporting:periods", args=[period.program_id])).content.decode()
    assert 'value="close"' not in page
    _post(client_for(name), period, action="close", reason="x")
    period.refresh_from_db()
    assert period.is_open


def test_periods_page_offers_each_month_its_controls(client_for: Any, month: dict[str, Any]) -> None:
    period = month["periods"][6]
    page = client_for("office").get(reverse("reporting:periods", args=[period.program_id])).content.decode()
    assert page.count('name="reason"') == len(month["periods"]) and 'name="deadline"' in page


def test_a_draft_in_a_closed_month_cannot_be_saved(
    office: Any, town_shitai: Any, month: dict[str, Any]
) -> None:
    from reporting.tests.helpers import fill

    period = month["periods"][6]
    report = services.report_open(
        actor=town_shitai, project=month["project"], unit=month["shitai"], period=period
    )
    services.period_change(
        actor=office, period=period, action="close", reason="6月已结束", expected_version=period.version
    )
    report.refresh_from_db()
    with pytest.raises(ValidationError, match="已关闭报送"):
        fill(town_shitai, report, month, (1, 1, 1), "0", "0")
    report.refresh_from_db()
    assert not report.values.exists()


def test_a_generated_month_label_is_shown_in_the_pages_language() -> None:
    from django.utils import translation

    from reporting.models import Period

    generated, written = Period(month=6, label="6月"), Period(month=6, label="第二季度")
    with translation.override("en"):
        assert (generated.display_label, written.display_label) == ("month 6", "第二季度")
    with translation.override("zh-hans"):
        assert generated.display_label == "6月"
