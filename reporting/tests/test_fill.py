"""The fill page on per-project forms: submit one project, submit all with a clear account of what went and what
did not, no empty drafts for projects nobody touched, and 受益人数 carried to the report page."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse

from catalogue.models import Project
from core.services import ConflictError
from reporting import services
from reporting.models import Report, Status

pytestmark = pytest.mark.django_db


def _data(month: dict[str, Any], action: str, **extra: str) -> dict[str, str]:
    p = month["project"]
    started, finished, invested = month["indicators"]
    return {
        "action": action,
        f"r{p.pk}-version": "0",
        f"r{p.pk}-v{started.pk}": "5",
        f"r{p.pk}-v{finished.pk}": "4",
        f"r{p.pk}-v{invested.pk}": "50",
        f"r{p.pk}-a-province": "30",
        f"r{p.pk}-s-province": "15",
        f"r{p.pk}-progress": "已开工5户",
        f"r{p.pk}-beneficiaries": "1234",
        **extra,
    }


def _other_project(month: dict[str, Any]) -> Project:
    return (
        Project.objects.filter(program=month["project"].program, implementing_units=month["shitai"])
        .exclude(pk=month["project"].pk)
        .order_by("order")
        .first()
    )


def _url(period: Any) -> str:
    return reverse("reporting:fill", args=[period.program_id, period.month])


def test_submit_one_project_submits_only_that_one(client_for: Any, month: dict[str, Any]) -> None:
    period, p = month["periods"][6], month["project"]
    other = _other_project(month)
    data = _data(month, f"submit-{p.pk}", **{f"r{other.pk}-version": "0", f"r{other.pk}-progress": "准备中"})
    page = client_for("town_shitai").post(_url(period), data, follow=True).content.decode()
    assert "已提交：农村危房改造" in page and "提交1个" in page
    assert Report.objects.get(project=p, unit=month["shitai"], period=period).status == Status.SUBMITTED
    # the other project's typing is saved as a draft, not submitted
    assert Report.objects.get(project=other, unit=month["shitai"], period=period).status == Status.DRAFT


def test_submit_all_says_which_went_and_makes_no_empty_drafts(client_for: Any, month: dict[str, Any]) -> None:
    period, p = month["periods"][6], month["project"]
    other = _other_project(month)
    untouched = Project.objects.filter(program=p.program, implementing_units=month["shitai"]).exclude(
        pk__in=[p.pk, other.pk]
    )
    # the other project gets a figure but no 工作进展: saved, not submitted
    data = _data(month, "submit", **{f"r{other.pk}-version": "0", f"r{other.pk}-beneficiaries": "5"})
    for q in untouched:
        data[f"r{q.pk}-version"] = "0"
    page = client_for("town_shitai").post(_url(period), data, follow=True).content.decode()
    assert "已提交：农村危房改造" in page
    assert f"有1个项目未能提交，请查看标红的项目：{other.name}" in page and "请填写工作进展" in page
    assert Report.objects.get(project=other, period=period).status == Status.DRAFT
    if untouched:
        assert f"{untouched.count()}个项目尚未填写，未提交" in page
    assert not Report.objects.filter(project__in=untouched, period=period).exists()
    assert Report.objects.get(project=p, unit=month["shitai"], period=period).status == Status.SUBMITTED


def test_fill_page_shows_each_projects_state(client_for: Any, month: dict[str, Any]) -> None:
    period, p = month["periods"][6], month["project"]
    client = client_for("town_shitai")
    client.post(_url(period), _data(month, "save"))
    page = client.get(_url(period)).content.decode()
    assert f'data-testid="ready-{p.pk}"' in page and 'data-testid="fill-tally"' in page
    assert "<details" in page and "已填完待提交 1" in page


def test_beneficiaries_typed_on_the_fill_page_show_on_the_report_page(
    client_for: Any, month: dict[str, Any]
) -> None:
    period = month["periods"][6]
    client = client_for("town_shitai")
    client.post(_url(period), _data(month, "save"))
    report = Report.objects.get(project=month["project"], unit=month["shitai"], period=period)
    assert report.beneficiaries == 1234
    page = client.get(reverse("reporting:report_detail", args=[report.pk])).content.decode()
    assert "1234人" in page


def test_report_fill_is_one_transaction(month: dict[str, Any], town_shitai: Any) -> None:
    """A save the service refuses leaves no draft behind (the draft is opened inside the same transaction)."""
    period, p = month["periods"][6], month["project"]
    with pytest.raises(Exception):  # noqa: B017 — a negative figure is refused by report_save
        services.report_fill(
            actor=town_shitai,
            project=p,
            unit=month["shitai"],
            period=period,
            values={month["indicators"][0].pk: Decimal(-1)},
            funds={},
            narrative={"progress": "x"},
            expected_version=0,
        )
    assert not Report.objects.filter(project=p, period=period).exists()


def test_report_fill_refuses_a_page_that_saw_no_report_when_one_exists(
    month: dict[str, Any], town_shitai: Any
) -> None:
    period, p = month["periods"][6], month["project"]
    kwargs = dict(
        actor=town_shitai,
        project=p,
        unit=month["shitai"],
        period=period,
        values={},
        funds={},
        narrative={"progress": "x"},
        expected_version=0,
    )
    assert services.report_fill(**kwargs).saved
    with pytest.raises(ConflictError):
        services.report_fill(**kwargs)


def test_a_refused_submission_keeps_the_saved_figures(month: dict[str, Any], town_shitai: Any) -> None:
    period, p = month["periods"][6], month["project"]
    result = services.report_fill(
        actor=town_shitai,
        project=p,
        unit=month["shitai"],
        period=period,
        values={},
        funds={},
        narrative={"progress": "已开工"},
        expected_version=0,
        submit=True,
    )
    assert result.saved and not result.submitted and result.problems
    assert Report.objects.get(pk=result.report.pk).progress == "已开工"


def test_a_refused_figure_keeps_what_was_typed_and_points_at_the_error(
    client_for: Any, month: dict[str, Any]
) -> None:
    period, p = month["periods"][6], month["project"]
    started = month["indicators"][0]
    data = _data(month, "save", **{f"r{p.pk}-v{started.pk}": "五户"})
    page = client_for("town_shitai").post(_url(period), data).content.decode()
    assert not Report.objects.filter(project=p, period=period).exists()
    name = f"r{p.pk}-v{started.pk}"
    (tag,) = re.findall(rf'<input[^>]*\sname="{name}"[^>]*>', page)
    assert 'value="五户"' in tag and 'aria-invalid="true"' in tag
    assert f'aria-describedby="p{p.pk}-issues"' in tag and f'id="p{p.pk}-issues"' in page


def test_the_fill_page_renders_its_inputs_without_widget_templates(
    client_for: Any, month: dict[str, Any]
) -> None:
    from django.test.signals import template_rendered

    seen: list[str] = []
    template_rendered.connect(receiver := lambda sender, template, **kw: seen.append(template.name))
    try:
        client_for("town_shitai").get(_url(month["periods"][6]))
    finally:
        template_rendered.disconnect(receiver)
    assert "reporting/fill.html" in seen and not [t for t in seen if t.startswith("django/forms/")]
