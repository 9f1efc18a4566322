"""Excel batch entry at size: a fixed number of queries whatever the sheet's size, one audit row per report,
conflicts between preview and confirm refused, and large sheets checked and imported in the background with a
progress page (run by the task engine's worker loop, after a real commit)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.models import AuditEvent
from core.services import ConflictError
from jobs.models import Job
from jobs.tests.worker import run_tasks
from reporting import excel, selectors, services
from reporting.models import Report, ReportFunds, ReportValue
from reporting.tests.test_excel import _rewrite, _upload


def _filled(month: dict[str, Any], unit: Any, period: Any, only: set[int] | None = None) -> bytes:
    """The unit's own template, every indicator and fund filled (or only those of the projects in ``only``)."""
    projects = {p.order: p for p in selectors.unit_projects(unit=unit, program=period.program)}

    def fill(sheets: dict[str, list[list[Any]]]) -> None:
        for name in ("指标", "资金", "进展"):
            sheets[name] = [sheets[name][0]] + [
                r for r in sheets[name][1:] if only is None or projects[int(r[0])].id in only
            ]
        for row in sheets["指标"][1:]:
            row[6] = 3.0
        for row in sheets["资金"][1:]:
            row[4], row[5] = 10.0, 5.0
        for row in sheets["进展"][1:]:
            row[2] = "按计划推进"

    return _rewrite(excel.template(period=period, unit=unit), fill)


@pytest.mark.django_db
def test_import_uses_a_fixed_number_of_queries(month: dict[str, Any], town_shitai: Any) -> None:
    period, unit = month["periods"][5], month["shitai"]
    one = excel.preview(
        period=period, unit=unit, data=_filled(month, unit, period, only={month["project"].id})
    )
    every = excel.preview(period=period, unit=unit, data=_filled(month, unit, period))
    assert not one.errors and not every.errors and len(every.payload) > 10
    counts, mark = [], 0
    for result in (one, one, every):  # the first run warms the caches (content types, the actor)
        Report.objects.filter(period=period, unit=unit).delete()
        with CaptureQueriesContext(connection) as ctx:
            services.reports_import(
                actor=town_shitai, period=period, unit=unit, payload=result.payload, versions={}
            )
        counts.append(len(ctx.captured_queries))
    assert counts[1] == counts[2]
    reports = Report.objects.filter(period=period, unit=unit)
    assert reports.count() == len(every.payload)
    assert ReportValue.objects.filter(report__in=reports).count() == sum(
        len(p["values"]) for p in every.payload.values()
    )
    funds = ReportFunds.objects.get(
        report__project=month["project"], report__unit=unit, report__period=period
    )
    assert (funds.arrived, funds.spent) == (Decimal("100000.00"), Decimal("50000.00"))
    # one creation audit row per report, with its figures, written by the town officer
    events = AuditEvent.objects.filter(
        id__gt=mark,
        content_type=ContentType.objects.get_for_model(Report),
        object_id__in=[str(r.pk) for r in reports],
    )
    assert events.filter(action="create").count() == events.count() == reports.count()
    first = events.get(object_id=str(reports.get(project=month["project"]).pk))
    assert (
        first.after["funds"] == {"province": ["100000.00", "50000.00"]}
        and first.after["progress"] == "按计划推进"
    )
    assert set(events.values_list("actor", flat=True)) == {town_shitai.pk}


@pytest.mark.django_db
def test_reimport_audits_only_what_changed_and_refuses_a_stale_preview(
    month: dict[str, Any], town_shitai: Any, office: Any
) -> None:
    period, unit = month["periods"][5], month["shitai"]
    data = _filled(month, unit, period)
    first = excel.preview(period=period, unit=unit, data=data)
    excel.apply(actor=town_shitai, period=period, unit=unit, data=data, versions=first.versions)
    second = excel.preview(period=period, unit=unit, data=data)
    before = AuditEvent.objects.count()
    count = excel.apply(actor=town_shitai, period=period, unit=unit, data=data, versions=second.versions)
    assert AuditEvent.objects.count() == before  # the same figures again: nothing changed, nothing audited
    assert count == 0 and "没有需要导入" in excel.import_message(count)
    # someone saves one report after the preview: the import is refused as a whole
    third = excel.preview(period=period, unit=unit, data=data)
    report = Report.objects.get(project=month["project"], unit=unit, period=period)
    services.report_save(
        actor=office,
        report=report,
        values={},
        funds={},
        narrative={"progress": "民生办修改"},
        expected_version=report.version,
    )
    with pytest.raises(ConflictError):
        excel.apply(actor=town_shitai, period=period, unit=unit, data=data, versions=third.versions)
    report.refresh_from_db()
    assert report.progress == "民生办修改"


@pytest.mark.django_db(transaction=True)
def test_large_sheet_runs_in_the_background_with_progress(
    world_reloaded: None, client_for: Any, month: dict[str, Any], settings: Any
) -> None:
    settings.REPORTING_IMPORT_BACKGROUND_ROWS = 10
    period, unit = month["periods"][5], month["shitai"]
    client = client_for("town_shitai")
    url = reverse("reporting:excel", args=[period.program_id, period.month])
    response = client.post(url, {"action": "preview", "file": _upload(_filled(month, unit, period))})
    job = Job.objects.get(kind="reporting.excel_preview")
    assert response.status_code == 302 and response.url == reverse("jobs:job_detail", args=[job.pk])
    run_tasks()
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED and job.done == job.total > 10
    page = client.get(response.url).content.decode()
    assert 'data-testid="import-preview"' in page and "确认导入" in page and "hx-trigger" not in page
    assert not Report.objects.filter(unit=unit, period=period).exists()  # preview writes nothing
    confirm = job.result["confirm"]
    response = client.post(confirm["url"], confirm["fields"])
    applied = Job.objects.get(kind="reporting.excel_import")
    assert response.url == reverse("jobs:job_detail", args=[applied.pk])
    run_tasks()
    applied.refresh_from_db()
    assert applied.status == Job.Status.SUCCEEDED, applied.errors
    assert Report.objects.filter(unit=unit, period=period).count() == len(
        selectors.unit_projects(unit=unit, program=period.program)
    )
    done_page = client.get(response.url).content.decode()
    assert "已导入" in done_page and 'data-testid="import-preview"' not in done_page
    state = client.get(response.url + "?format=json").json()
    assert state["finished"] and state["percent"] == 100 and "已导入" in state["result"]["message"]
    # another town cannot see the job
    assert client_for("town_duanyuan").get(response.url).status_code == 404


@pytest.mark.django_db(transaction=True)
def test_a_bad_large_sheet_fails_visibly_and_writes_nothing(
    world_reloaded: None, client_for: Any, month: dict[str, Any], settings: Any
) -> None:
    settings.REPORTING_IMPORT_BACKGROUND_ROWS = 10
    period, unit = month["periods"][5], month["shitai"]

    def spoil(sheets: dict[str, list[list[Any]]]) -> None:
        sheets["指标"][3][6] = "很多"

    data = _rewrite(_filled(month, unit, period), spoil)
    client = client_for("town_shitai")
    url = reverse("reporting:excel", args=[period.program_id, period.month])
    response = client.post(url, {"action": "preview", "file": _upload(data)})
    run_tasks()
    job = Job.objects.get()
    assert job.status == Job.Status.FAILED
    assert job.errors == ["工作表“指标”第4行“本期累计”列：“很多”不是数字"]
    page = client.get(response.url).content.decode()
    assert 'data-testid="import-errors"' in page and "第4行" in page
    assert f'href="{url}?unit=shitai">返回</a>' in page  # back to the upload page
    assert not Report.objects.filter(unit=unit, period=period).exists()
