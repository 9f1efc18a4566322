"""The home page's workbench: each role's to-do queues, with counts and links that open for that role, counted in a
fixed number of queries; the leader gets none."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from catalogue.models import Program
from orgs.models import Organisation
from reporting import services as reporting
from reporting.models import Report, Status
from reporting.selectors import unit_projects

pytestmark = pytest.mark.django_db

SCREENING = "城乡适龄妇女“两癌”免费筛查"  # led by 卫健委 (dept_health), carried out by the towns
CLINICS = "城市社区卫生机构和村卫生室标准化建设"  # the same
OWN = "出生缺陷防治"  # 卫健委 reports on it itself (no implementing units)
HIDDEN = r"(?:<span class=\"visually-hidden\">[^<]*</span>)?"  # the overdue mark for screen readers


def _submit(actor: Any, project_name: str, unit: Organisation, month: int) -> Report:
    program = Program.objects.get(year=2021)
    report = reporting.report_open(
        actor=actor,
        project=program.projects.get(name=project_name),
        unit=unit,
        period=program.periods.get(month=month),
    )
    report = reporting.report_save(
        actor=actor,
        report=report,
        values={},
        funds={},
        narrative={"progress": "按计划推进"},
        expected_version=report.version,
    )
    return reporting.report_submit(actor=actor, report=report)


def _items(page: str) -> dict[str, tuple[int, str]]:
    """key → (count, link) of the to-do items on a home page."""
    found = re.findall(
        r'data-key="([\w.]+)">\s*<a class="todo-link"\s+href="([^"]+)"[^>]*>[^<]*</a>\s*'
        r'<span class="badge[^"]*"\s+data-testid="todo-count">(\d+)</span>',
        page,
    )
    return {key: (int(count), url) for key, url, count in found}


def _links_open(client: Any, page: str) -> None:
    """Every link of the to-do list (items and their months) answers 200 for the same user."""
    block = page[page.index('data-testid="todo"') :]
    block = block[: block.index("</section>")]
    links = set(re.findall(r'href="([^"]+)"', block))
    assert links
    for url in links:
        assert client.get(url.replace("&amp;", "&")).status_code == 200, url


@pytest.fixture
def registered(office: Any, supervisor: Any) -> Any:
    from supervision.services import supervisor_register

    return supervisor_register(
        actor=office,
        data={
            "name": "示例监督员",
            "category": "deputy",
            "certificate_no": "待办-2021-001",
            "user": supervisor,
            "term_start": dt.date(2021, 1, 1),
            "term_end": dt.date(2030, 12, 31),
        },
    )


def _finding(registered: Any, supervisor: Any, unit: Organisation, deadline: dt.date) -> Any:
    from supervision.services import inspection_file

    program = Program.objects.get(year=2021)
    inspection = inspection_file(
        actor=supervisor,
        supervisor=registered,
        program=program,
        date=dt.date(2021, 9, 1),
        projects=[program.projects.get(name=SCREENING)],
        unit=unit,
        place="石台镇卫生院",
        methods=["site"],
        summary="抽查筛查记录",
        findings=[{"description": "筛查记录不全", "responsible": unit, "deadline": deadline}],
    )
    return inspection.findings.get()


def test_town_sees_reports_to_fill_by_month_its_findings_letter_asset_and_late_disclosure(
    month: dict[str, Any], client_for: Any, town_shitai: Any, office: Any, supervisor: Any, registered: Any
) -> None:
    from disclosure.services import disclosure_record
    from responsibility.services import letter_draft, letter_issue
    from upkeep.models import Asset
    from upkeep.services import asset_save

    shitai, program = month["shitai"], month["program"]
    _submit(town_shitai, SCREENING, shitai, 6)
    _finding(registered, supervisor, shitai, dt.date(2021, 10, 1))
    letter_issue(
        actor=office,
        letter=letter_draft(actor=office, program=program, organisation=shitai),
        confirm_missing_targets=True,
    )
    asset = asset_save(
        actor=office,
        data={
            "project": month["project"],
            "name": "石台镇危房改造户",
            "location": "石台镇",
            "owner": "农户",
            "custodian": shitai,
        },
    )
    Asset.objects.filter(pk=asset.pk).update(created_at=timezone.now() - dt.timedelta(days=200))
    disclosure_record(
        actor=office,
        data={
            "program": program,
            "unit": shitai,
            "title": "危改对象公示",
            "place": "村务公开栏",
            "due": dt.date(2021, 3, 1),
        },
    )

    client = client_for("town_shitai")
    page = client.get("/").content.decode()
    items = _items(page)
    owed = len(unit_projects(unit=shitai, program=program))
    assert items["reporting.fill"][0] == owed * 12 - 1  # 2021 is past: every month is due and overdue
    assert "12个月已逾期" in page and re.search(rf"6月{HIDDEN}<span[^>]*>{owed - 1}</span>", page)
    assert items["reporting.fill"][1] == f"/reporting/{program.pk}/1/fill/"
    assert items["supervision.answer"][0] == 1 and "1项已超过整改期限" in page
    assert items["responsibility.sign"][0] == 1 and "/letters/" in items["responsibility.sign"][1]
    assert items["upkeep.check"] == (1, f"/upkeep/assets/{asset.pk}/")
    assert items["disclosure.late"] == (1, "/disclosure/#late")
    assert "reporting.review" not in items and "reporting.confirm" not in items
    _links_open(client, page)


def test_department_sees_reports_to_review_by_month(
    month: dict[str, Any], client_for: Any, town_shitai: Any, persona: Any
) -> None:
    program, shitai, duanyuan = month["program"], month["shitai"], month["duanyuan"]
    _submit(town_shitai, SCREENING, shitai, 6)
    _submit(town_shitai, CLINICS, shitai, 6)
    _submit(persona("town_duanyuan"), SCREENING, duanyuan, 7)
    _submit(persona("dept_health"), OWN, Organisation.objects.get(code="wjw"), 6)  # its own: not its review

    client = client_for("dept_health")
    page = client.get("/").content.decode()
    items = _items(page)
    assert items["reporting.review"] == (3, f"/reporting/{program.pk}/6/review/")
    assert re.search(rf"6月{HIDDEN}<span[^>]*>2<", page) and re.search(rf"7月{HIDDEN}<span[^>]*>1<", page)
    assert items["reporting.fill"][0] == 2 * 12 - 1  # its own two projects, one month submitted
    review = client.get(f"/reporting/{program.pk}/6/review/").content.decode()
    assert SCREENING in review and CLINICS in review
    _links_open(client, page)


def test_office_sees_reports_to_confirm_letters_feedback_and_findings_to_verify(
    month: dict[str, Any],
    client_for: Any,
    town_shitai: Any,
    persona: Any,
    office: Any,
    supervisor: Any,
    registered: Any,
) -> None:
    from disclosure.models import Feedback
    from disclosure.services import feedback_submit
    from responsibility.selectors import responsible_units
    from responsibility.services import letter_draft, letter_issue
    from supervision.services import finding_answer

    program, shitai = month["program"], month["shitai"]
    health = persona("dept_health")
    reporting.report_review(actor=health, report=_submit(town_shitai, SCREENING, shitai, 6), approve=True)
    _submit(health, OWN, Organisation.objects.get(code="wjw"), 6)  # self-reported: straight to 民生办
    _submit(town_shitai, CLINICS, shitai, 6)  # still with the department: not the office's
    letter_draft(actor=office, program=program, organisation=month["duanyuan"])  # drafted: still to issue
    letter_issue(
        actor=office,
        letter=letter_draft(actor=office, program=program, organisation=shitai),
        confirm_missing_targets=True,
    )
    feedback_submit(program=program, project=None, satisfaction=2, aware=True, text="进度太慢")
    finding_answer(
        actor=town_shitai,
        finding=_finding(registered, supervisor, shitai, dt.date(2030, 1, 1)),
        text="已补齐",
    )

    client = client_for("office")
    page = client.get("/").content.decode()
    items = _items(page)
    assert items["reporting.confirm"] == (2, f"/reporting/{program.pk}/6/review/")
    units = len(responsible_units(program=program))
    assert items["responsibility.drafted"] == (units - 1, f"/programs/{program.pk}/letters/")
    only = Feedback.objects.get(handled=False)
    assert items["disclosure.feedback"] == (1, f"/disclosure/feedback/{only.pk}/")
    assert items["supervision.verify"][0] == 1
    assert "reporting.fill" not in items and "reporting.review" not in items
    _links_open(client, page)


def test_supervisor_sees_findings_to_verify(
    client_for: Any, town_shitai: Any, supervisor: Any, registered: Any
) -> None:
    from supervision.services import finding_answer

    shitai = Organisation.objects.get(code="shitai")
    client = client_for("supervisor")
    page = client.get("/").content.decode()
    assert 'data-testid="todo-empty"' in page and "暂无待办" in page
    assert 'href="/supervision/?todo=verify"' in page  # the way forward: the findings page
    _links_open(client, page)

    finding = _finding(registered, supervisor, shitai, dt.date(2030, 1, 1))
    finding_answer(actor=town_shitai, finding=finding, text="已补齐")
    page = client.get("/").content.decode()
    assert _items(page) == {"supervision.verify": (1, f"/supervision/findings/{finding.pk}/")}
    _links_open(client, page)


def test_findings_list_filters_the_queue(
    client_for: Any, town_shitai: Any, supervisor: Any, registered: Any
) -> None:
    from supervision.services import finding_answer

    shitai = Organisation.objects.get(code="shitai")
    answered = _finding(registered, supervisor, shitai, dt.date(2030, 1, 1))
    finding_answer(actor=town_shitai, finding=answered, text="已补齐")
    _finding(registered, supervisor, shitai, dt.date(2030, 1, 2))
    page = client_for("supervisor").get("/supervision/?todo=verify").content.decode()
    assert page.count("/supervision/findings/") == 1 and f"/supervision/findings/{answered.pk}/" in page


def test_leader_has_no_todo_but_the_program_list(
    month: dict[str, Any], client_for: Any, town_shitai: Any
) -> None:
    _submit(town_shitai, SCREENING, month["shitai"], 6)
    page = client_for("leader").get("/").content.decode()
    assert 'data-testid="todo"' not in page
    assert "年度计划" in page and f"/programs/{month['program'].pk}/" in page


def _waiting(n: int, month: dict[str, Any], registered: Any) -> None:
    """n of every kind of waiting work: reports to review, to confirm and sent back, findings to answer and to
    verify, assets due, late disclosures, unhandled feedback (written directly: only their number matters)."""
    from disclosure.models import Disclosure, Feedback
    from supervision.models import Finding, Inspection
    from upkeep.models import Asset

    program = month["program"]
    units = list(
        Organisation.objects.filter(code__in=["shitai", "duanyuan", "shuoli", "gaoyue", "kuangshanji"])
    )
    periods = list(program.periods.order_by("month"))
    projects = [program.projects.get(name=SCREENING), program.projects.get(name=CLINICS)]
    taken = set(Report.objects.values_list("project_id", "unit_id", "period_id"))
    combos = [(p, u, m) for m in periods for p in projects for u in units if (p.id, u.id, m.id) not in taken]
    statuses = (Status.SUBMITTED, Status.DEPT_APPROVED, Status.RETURNED)
    Report.objects.bulk_create(
        Report(project=p, unit=u, period=m, status=s)
        for s, chunk in zip(statuses, (combos[i * n : (i + 1) * n] for i in range(3)), strict=True)
        for p, u, m in chunk
    )
    shitai = month["shitai"]
    inspection = Inspection.objects.create(
        supervisor=registered,
        program=program,
        date=dt.date(2021, 9, 1),
        unit=shitai,
        place="石台镇",
        summary="抽查",
    )
    Finding.objects.bulk_create(
        Finding(
            inspection=inspection,
            description=f"问题{i}",
            responsible=shitai,
            deadline=dt.date(2021, 10, 1),
            status=s,
        )
        for i in range(n)
        for s in (Finding.Status.OPEN, Finding.Status.ANSWERED)
    )
    Asset.objects.bulk_create(
        Asset(project=month["project"], name=f"资产{i}", location="石台镇", owner="农户", custodian=shitai)
        for i in range(n)
    )
    Asset.objects.update(created_at=timezone.now() - dt.timedelta(days=200))
    Disclosure.objects.bulk_create(
        Disclosure(program=program, unit=shitai, title=f"公示{i}", place="公开栏", due=dt.date(2021, 3, 1))
        for i in range(n)
    )
    Feedback.objects.bulk_create(Feedback(program=program, satisfaction=3, text=f"意见{i}") for i in range(n))


def _home_queries(client: Any) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/").status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("who", ["office", "dept_health", "town_shitai", "supervisor"])
def test_the_workbench_is_counted_in_a_fixed_number_of_queries(
    month: dict[str, Any], client_for: Any, registered: Any, who: str
) -> None:
    client = client_for(who)
    _waiting(1, month, registered)
    few, items_few = _home_queries(client), _items(client.get("/").content.decode())
    _waiting(20, month, registered)
    many, items_many = _home_queries(client), _items(client.get("/").content.decode())
    assert many == few, f"{who}: {few} queries with 1 waiting, {many} with 21"
    assert few <= 40
    grown = [k for k in items_many if items_many[k][0] > items_few.get(k, (0, ""))[0]]
    assert grown, items_many  # the data did grow the counts


def test_a_failed_import_job_shows_until_a_later_one_succeeds(client_for: Any, town_shitai: Any) -> None:
    from jobs.models import Job

    failed = Job.objects.create(
        kind="reports_import", title="批量填报", status="failed", created_by=town_shitai
    )
    client = client_for("town_shitai")
    page = client.get("/").content.decode()
    assert _items(page)["jobs.failed"] == (1, f"/jobs/{failed.pk}/")
    _links_open(client, page)
    Job.objects.create(kind="reports_import", title="批量填报", status="succeeded", created_by=town_shitai)
    assert "jobs.failed" not in _items(client.get("/").content.decode())


def test_office_sees_letters_unsigned_long_after_issue(
    month: dict[str, Any], client_for: Any, office: Any
) -> None:
    from responsibility.models import Letter
    from responsibility.selectors import UNSIGNED_AFTER_DAYS
    from responsibility.services import letter_draft, letter_issue

    program = month["program"]
    letter = letter_issue(
        actor=office,
        letter=letter_draft(actor=office, program=program, organisation=month["shitai"]),
        confirm_missing_targets=True,
    )
    client = client_for("office")
    assert "responsibility.stale" not in _items(client.get("/").content.decode())
    Letter.objects.filter(pk=letter.pk).update(
        issued_at=timezone.now() - dt.timedelta(days=UNSIGNED_AFTER_DAYS + 1)
    )
    page = client.get("/").content.decode()
    assert _items(page)["responsibility.stale"] == (1, f"/programs/{program.pk}/letters/")
    assert f"下达{UNSIGNED_AFTER_DAYS}天未签订" in page
