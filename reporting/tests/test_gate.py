"""The reporting workflow and read models go through one gate: the next step decided once (web = API), no
self-approval, no lost first save, no other unit's pending figures."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from catalogue.models import Project
from orgs.models import Organisation
from reporting import rollup, services
from reporting.models import Report, Status
from reporting.rules import report_actions
from reporting.selectors import review_queue
from reporting.tests.helpers import fill

pytestmark = pytest.mark.django_db


@pytest.fixture
def own_report(month: dict[str, Any]) -> Report:
    """A submitted report of a project 卫健委 leads and reports itself (no implementing units)."""
    wjw = Organisation.objects.get(code="wjw")
    project = Project.objects.filter(program=month["program"], lead_department=wjw).order_by("order").first()
    project.implementing_units.clear()
    return Report.objects.create(
        project=project, unit=wjw, period=month["periods"][6], status=Status.SUBMITTED, progress="自报"
    )


def test_a_department_cannot_approve_its_own_report_on_the_page(client_for: Any, own_report: Report) -> None:
    url = reverse("reporting:report_detail", args=[own_report.pk])
    client = client_for("dept_health")
    assert 'data-testid="decision"' not in client.get(url).content.decode()  # no buttons
    client.post(url, {"action": "approve", "opinion": ""})
    own_report.refresh_from_db()
    assert own_report.status == Status.SUBMITTED
    office = client_for("office")
    assert "确认" in office.get(url).content.decode()
    office.post(url, {"action": "approve", "opinion": ""})
    own_report.refresh_from_db()
    assert own_report.status == Status.CONFIRMED


def test_a_department_cannot_approve_its_own_report_through_the_api(
    client_for: Any, own_report: Report
) -> None:
    url = f"/api/reports/{own_report.pk}/transition/"
    answer = client_for("dept_health").post(url, {"action": "approve"}, content_type="application/json")
    assert answer.status_code == 403
    own_report.refresh_from_db()
    assert own_report.status == Status.SUBMITTED
    answer = client_for("office").post(url, {"action": "approve"}, content_type="application/json")
    assert answer.status_code == 200 and answer.json()["status"] == Status.CONFIRMED


def test_the_review_queue_holds_what_the_page_lets_one_decide(
    month: dict[str, Any], own_report: Report, persona: Any
) -> None:
    period = month["periods"][6]
    for name in ("dept_health", "office", "town_shitai", "leader", "supervisor"):
        user = persona(name)
        queue = list(review_queue(user=user, period=period))
        assert all(report_actions(user, r) for r in queue), name
        assert (own_report in queue) == (name == "office"), name


def _version(page: str, project_pk: int) -> str:
    return re.search(rf'name="r{project_pk}-version" value="(\d*)"', page).group(1)


def test_a_concurrent_first_save_is_refused(client_for: Any, month: dict[str, Any], office: Any) -> None:
    period, project = month["periods"][6], month["project"]
    url = reverse("reporting:fill", args=[period.program_id, period.month])
    town = client_for("town_shitai")
    manager = Client()
    manager.force_login(office)
    seen_by_town = _version(town.get(url).content.decode(), project.pk)
    seen_by_office = _version(manager.get(url + "?unit=shitai").content.decode(), project.pk)
    assert seen_by_town == seen_by_office == "0"  # nobody has saved yet
    key = f"r{project.pk}"
    town.post(url, {f"{key}-version": seen_by_town, f"{key}-progress": "石台镇的进展"})
    answer = manager.post(
        url + "?unit=shitai", {f"{key}-version": seen_by_office, f"{key}-progress": "民生办的进展"}
    )
    assert "已被其他人修改" in answer.content.decode()
    report = Report.objects.get(project=project, unit=month["shitai"], period=period)
    assert report.progress == "石台镇的进展"


def _pending_scene(month: dict[str, Any], persona: Any) -> None:
    """Both towns have submitted (pending) figures for June."""
    period = month["periods"][6]
    for name, unit in (("town_shitai", month["shitai"]), ("town_duanyuan", month["duanyuan"])):
        user = persona(name)
        report = services.report_open(actor=user, project=month["project"], unit=unit, period=period)
        fill(user, report, month, (5, 4, 50), arrived="300000", spent="150000", explanation="按计划")
        services.report_submit(actor=user, report=report)


@pytest.mark.parametrize(
    "name, sees", [("town_shitai", {"shitai"}), ("supervisor", set()), ("office", {"shitai", "duanyuan"})]
)
def test_pending_figures_per_unit_are_those_of_reports_one_may_view(
    client_for: Any, month: dict[str, Any], persona: Any, name: str, sees: set[str]
) -> None:
    _pending_scene(month, persona)
    period = month["periods"][6]
    url = reverse("reporting:progress", args=[period.program_id, period.month]) + "?pending=1&per_unit=1"
    rows = client_for(name).get(url).context["rows"]
    ours = [r for r in rows if r.project == month["project"]]
    with_figures = {r.unit.code for r in ours if r.arrived or r.pending}
    assert with_figures == sees


def test_totals_with_pending_count_only_visible_reports(month: dict[str, Any], persona: Any) -> None:
    _pending_scene(month, persona)
    program = month["program"]
    rows = {
        name: next(
            r
            for r in rollup.progress_table(user=persona(name), program=program, month=6, include_pending=True)
            if r.project == month["project"]
        )
        for name in ("town_shitai", "office", "anon")
    }
    assert (rows["town_shitai"].arrived, rows["town_shitai"].pending) == (Decimal("300000"), 1)
    assert (rows["office"].arrived, rows["office"].pending) == (Decimal("600000"), 2)
    assert (rows["anon"].arrived, rows["anon"].pending) == (0, 0)


def test_overdue_lists_are_scoped(client_for: Any, month: dict[str, Any]) -> None:
    period = month["periods"][6]
    url = reverse("reporting:overdue", args=[period.program_id, period.month])
    town = client_for("town_shitai").get(url).context
    assert {unit.code for _, unit, _ in town["items"]} <= {"shitai"}
    assert {unit.code for unit, _, _ in town["rates"]} <= {"shitai"}
    assert not client_for("supervisor").get(url).context["items"]


def test_the_api_takes_every_step_the_page_offers(client: Any, month: dict[str, Any], office: Any) -> None:
    """Review by the lead department and unlock by 民生办 through the API (the object check asks the workflow
    rules, not the report's edit rule)."""
    from reporting.tests.test_workflow import _dept_user

    period = month["periods"][6]
    report = Report.objects.create(
        project=month["project"], unit=month["shitai"], period=period, status=Status.SUBMITTED, progress="x"
    )
    url = f"/api/reports/{report.pk}/transition/"
    client.force_login(_dept_user(month["project"].lead_department))
    answer = client.post(url, {"action": "approve"}, content_type="application/json")
    assert answer.status_code == 200, answer.content
    assert answer.json()["status"] == Status.DEPT_APPROVED
    client.force_login(office)
    assert client.post(url, {"action": "approve"}, content_type="application/json").status_code == 200
    answer = client.post(url, {"action": "unlock", "opinion": "数据有误"}, content_type="application/json")
    assert answer.status_code == 200 and answer.json()["status"] == Status.RETURNED
    client.force_login(month["project"].lead_department.memberships.first().user)
    assert client.post(url, {"action": "submit"}, content_type="application/json").status_code == 403


@pytest.mark.parametrize("status", [Status.SUBMITTED, Status.DEPT_APPROVED, Status.CONFIRMED])
@pytest.mark.parametrize("own", [False, True], ids=["unit-reported", "lead-reported"])
def test_the_page_offers_exactly_what_the_api_accepts(
    client: Any, month: dict[str, Any], persona: Any, status: str, own: bool
) -> None:
    from reporting.tests.test_workflow import _dept_user

    project = month["project"]
    lead = project.lead_department
    if own:
        project.implementing_units.add(lead)
    lead_user = _dept_user(lead)
    unit = lead if own else month["shitai"]
    users = {name: persona(name) for name in ("office", "dept_health", "town_shitai", "leader", "supervisor")}
    users["lead"] = lead_user
    for name, user in users.items():
        report = Report.objects.create(
            project=project, unit=unit, period=month["periods"][6], status=status, progress="x"
        )
        client.force_login(user)
        page = client.get(reverse("reporting:report_detail", args=[report.pk]))
        offered = page.status_code == 200 and 'data-testid="decision"' in page.content.decode()
        action = "unlock" if status == Status.CONFIRMED else "approve"
        answer = client.post(
            f"/api/reports/{report.pk}/transition/",
            {"action": action, "opinion": "理由"},
            content_type="application/json",
        )
        assert offered == (answer.status_code == 200), (name, status, own, answer.status_code)
        if own and name == "lead":
            assert not offered  # a unit never approves its own report
        report.transitions.all().delete()
        report.delete()


@pytest.mark.parametrize("name", ["town_shitai", "dept_health", "supervisor", "anon"])
def test_the_scoped_read_model_stays_one_query(month: dict[str, Any], persona: Any, name: str) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from core.policy import actor_for

    user = persona(name)
    actor_for(user)  # resolved once per request, before the read model runs
    for per_unit in (False, True):
        with CaptureQueriesContext(connection) as ctx:
            rollup.progress_table(
                user=user, program=month["program"], month=6, per_unit=per_unit, include_pending=True
            )
        assert len(ctx.captured_queries) == 1
