"""The fill page's save and submit take a fixed number of SQL statements whatever the number of projects (the
deadline-day rush: a unit saves its whole month in one POST), and the batch keeps one audit row per change."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from catalogue.models import Project
from core.models import AuditEvent
from funding.services import funding_line_create
from reporting.models import Report, ReportValue, Status, Transition
from responsibility import services as rs

pytestmark = pytest.mark.django_db


def _projects(month: dict[str, Any], office: Any, n: int) -> list[Project]:
    """``n`` projects 石台镇 reports (the scene's own included), each with indicators, targets and a budget."""
    base, shitai = month["project"], month["shitai"]
    projects = [base]
    for i in range(n - 1):
        p = Project.objects.create(
            program=base.program,
            order=1000 + i,
            name=f"测试项目{i}",
            kind=base.kind,
            lead_department=base.lead_department,
        )
        p.implementing_units.add(shitai)
        for ind in rs.indicators_apply_defaults(actor=office, project=p):
            rs.target_set(actor=office, indicator=ind, unit=shitai, value=Decimal(10))
        funding_line_create(actor=office, project=p, unit=shitai, source="province", original="600000")
        projects.append(p)
    return projects


def _post(client: Any, month: dict[str, Any], projects: list[Project], action: str, value: str) -> Any:
    period = month["periods"][6]
    data: dict[str, str] = {"action": action}
    for p in projects:
        report = Report.objects.filter(project=p, unit=month["shitai"], period=period).first()
        data[f"r{p.pk}-version"] = str(report.version if report else 0)
        for ind in p.indicators.all():
            data[f"r{p.pk}-v{ind.pk}"] = value
        data[f"r{p.pk}-a-province"] = "30"
        data[f"r{p.pk}-s-province"] = "15"
        data[f"r{p.pk}-progress"] = "已开工"
        data[f"r{p.pk}-explanation"] = "示例"
    url = reverse("reporting:fill", args=[period.program_id, period.month])
    ContentType.objects.get_for_model(Report)  # the process-wide cache, warm in a running server
    with CaptureQueriesContext(connection) as ctx:
        response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    return len(ctx.captured_queries)


def _counts(client_for: Any, month: dict[str, Any], office: Any, n: int) -> tuple[int, ...]:
    projects = _projects(month, office, n)
    client = client_for("town_shitai")
    first = _post(client, month, projects, "save", "5")  # drafts created
    again = _post(client, month, projects, "save", "6")  # drafts changed
    period = month["periods"][6]
    with CaptureQueriesContext(connection) as ctx:  # the page with every draft checked
        assert (
            client.get(reverse("reporting:fill", args=[period.program_id, period.month])).status_code == 200
        )
    page = len(ctx.captured_queries)
    submit = _post(client, month, projects, "submit", "7")  # changed and submitted
    reports = Report.objects.filter(unit=month["shitai"], period=month["periods"][6])
    assert reports.count() == n and not reports.exclude(status=Status.SUBMITTED).exists()
    assert not ReportValue.objects.filter(report__in=reports).exclude(value=7).exists()
    return first, again, page, submit


def test_fill_save_page_and_submit_take_the_same_queries_for_3_and_30_projects(
    client_for: Any, month: dict[str, Any], office: Any
) -> None:
    small = _counts(client_for, month, office, 3)
    Report.objects.all().delete()
    Project.objects.filter(order__gte=1000).delete()
    large = _counts(client_for, month, office, 30)
    assert small == large, (small, large)  # (first save, second save, page, submit)
    assert max(large) <= 40


def test_fill_page_keeps_one_audit_row_per_change_and_a_transition_per_submission(
    client_for: Any, month: dict[str, Any], office: Any
) -> None:
    projects = _projects(month, office, 3)
    client = client_for("town_shitai")
    _post(client, month, projects, "save", "5")
    _post(client, month, projects, "submit", "6")
    for report in Report.objects.filter(unit=month["shitai"], period=month["periods"][6]):
        rows = list(
            AuditEvent.objects.filter(object_id=str(report.pk), content_type__model="report").order_by("id")
        )
        assert [(r.action, r.reason) for r in rows] == [
            ("create", "开始填报"),
            ("update", "填报"),
            ("update", "填报"),
            ("state", "提交"),
        ]
        assert rows[1].before["values"] == {} and set(rows[1].after["values"].values()) == {"5.0000"}
        assert rows[3].before["status"] == Status.DRAFT and rows[3].after["status"] == Status.SUBMITTED
        assert rows[0].actor_label and all(r.actor_id == rows[0].actor_id for r in rows)
        assert report.version == 4  # 1 created, +1 per save, +1 submitted — as one by one
        assert Transition.objects.filter(report=report, to_status=Status.SUBMITTED).count() == 1
