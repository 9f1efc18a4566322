"""The fill page's POST made cheaper keeps its checks: the service reuses the page's read of the reports only
when their versions are unchanged under the lock (a stale page is still refused), each form has its own fields,
``touched`` says what ``changed_data`` says, and the reports' figures are read once per POST."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.models import AuditEvent
from core.services import ConflictError
from reporting import services
from reporting.forms import ReportFillForm
from reporting.models import Report, ReportValue

pytestmark = pytest.mark.django_db


def _item(month: dict[str, Any], value: str, version: int) -> services.FillItem:
    started = month["indicators"][0]
    return services.FillItem(
        project=month["project"],
        values={started.pk: Decimal(value)},
        funds={},
        narrative={"progress": f"已开工{value}户"},
        expected_version=version,
    )


def _fill(month: dict[str, Any], actor: Any, value: str, version: int, **kwargs: Any) -> services.FillResult:
    (result,) = services.reports_fill(
        actor=actor,
        unit=month["shitai"],
        period=month["periods"][6],
        items=[_item(month, value, version)],
        **kwargs,
    )
    return result


def _read(month: dict[str, Any]) -> dict[int, Report]:
    reports = Report.objects.filter(unit=month["shitai"], period=month["periods"][6]).prefetch_related(
        "values", "funds"
    )
    return {r.project_id: r for r in reports}


def test_a_stale_page_is_refused_when_the_service_is_given_the_pages_read(
    month: dict[str, Any], town_shitai: Any
) -> None:
    seen = _fill(month, town_shitai, "1", 0).report.version
    page = _read(month)  # the page read this version ...
    assert _fill(month, town_shitai, "2", seen).saved  # ... another page saved meanwhile
    result = _fill(month, town_shitai, "3", seen, read=page)
    assert isinstance(result.error, ConflictError) and not result.saved
    report = Report.objects.get(project=month["project"], unit=month["shitai"], period=month["periods"][6])
    assert report.version == seen + 1 and report.progress == "已开工2户"


def test_a_read_changed_since_is_read_again_under_the_lock(month: dict[str, Any], town_shitai: Any) -> None:
    seen = _fill(month, town_shitai, "1", 0).report.version
    page = _read(month)  # value 1
    assert _fill(month, town_shitai, "2", seen).saved  # value 2, version seen + 1
    result = _fill(month, town_shitai, "3", seen + 1, read=page)  # the form carries the current version
    assert result.saved and result.error is None
    last = AuditEvent.objects.filter(object_id=str(result.report.pk), action="update").latest("id")
    assert set(last.before["values"].values()) == {"2.0000"}  # the stored figures, not the stale read's
    assert set(last.after["values"].values()) == {"3.0000"}
    assert ReportValue.objects.get(report=result.report).value == 3


def _form(month: dict[str, Any], data: Any = None, report: Report | None = None) -> ReportFillForm:
    return ReportFillForm(data, project=month["project"], sources=["province"], report=report)


def test_each_fill_form_has_its_own_fields(month: dict[str, Any]) -> None:
    one, two = _form(month), _form(month)
    one.disable()
    name = f"v{month['indicators'][0].pk}"
    one.fields[name].widget.attrs["aria-describedby"] = "x"
    assert not any(f.disabled for f in two.fields.values())
    assert "aria-describedby" not in two.fields[name].widget.attrs
    assert two.fields[name].widget.attrs["class"] == "form-control form-control-sm"
    assert two.fields["a-province"].widget.attrs["aria-label"] == two.fields["a-province"].label


def test_touched_says_what_changed_data_says(month: dict[str, Any], town_shitai: Any) -> None:
    p, started = month["project"], month["indicators"][0]
    result = services.report_fill(
        actor=town_shitai,
        project=p,
        unit=month["shitai"],
        period=month["periods"][6],
        values={started.pk: Decimal(5)},
        funds={"province": (Decimal(300000), Decimal(150000))},
        narrative={"progress": "已开工", "beneficiaries": 12},
        expected_version=0,
    )
    report = Report.objects.prefetch_related("values", "funds").get(pk=result.report.pk)
    same = {
        f"r{p.pk}-version": str(report.version),
        f"r{p.pk}-v{started.pk}": "5.0",
        f"r{p.pk}-a-province": "30.00",
        f"r{p.pk}-s-province": "15",
        f"r{p.pk}-beneficiaries": "12",
        f"r{p.pk}-progress": "已开工",
    }
    for data, changed in ((same, False), ({**same, f"r{p.pk}-s-province": "16"}, True)):
        for key, typed in ((None, None), (f"r{p.pk}-problems", "无")):
            posted = QueryDict(mutable=True)
            posted.update({**data, **({key: typed} if key else {})})
            form = _form(month, posted, report)
            assert form.is_valid(), form.errors
            expected = changed or key is not None
            assert form.touched() is expected
            assert any(n != "version" for n in form.changed_data) is expected


def test_the_fill_post_reads_the_reports_figures_once(client_for: Any, month: dict[str, Any]) -> None:
    """The view reads the unit's reports with their figures; the service re-reads only their versions."""
    period, p = month["periods"][6], month["project"]
    client = client_for("town_shitai")
    url = reverse("reporting:fill", args=[period.program_id, period.month])
    started = month["indicators"][0]
    assert (
        client.post(url, {"action": "save", f"r{p.pk}-version": "0", f"r{p.pk}-progress": "x"}).status_code
        == 302
    )
    version = Report.objects.get(project=p, unit=month["shitai"], period=period).version
    data = {"action": "save", f"r{p.pk}-version": str(version), f"r{p.pk}-v{started.pk}": "7"}
    with CaptureQueriesContext(connection) as ctx:
        assert client.post(url, data).status_code == 302
    reads = [
        q["sql"]
        for q in ctx.captured_queries
        if q["sql"].startswith("SELECT") and 'FROM "reporting_reportvalue"' in q["sql"]
    ]
    assert len(reads) == 1, reads
    assert ReportValue.objects.get(report__project=p, report__period=period, indicator=started).value == 7
