"""绩效目标申报表: the grid on responsibility.Indicator, the workflow (lead department drafts and submits,
民生办 approves or returns with a reason), audit, refused concurrent edits, and the files read back."""

from __future__ import annotations

import io
import subprocess
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from core.models import AuditEvent
from core.services import ConflictError
from evaluation import services
from evaluation.models import PerformanceTarget, Status
from responsibility.models import Indicator

pytestmark = pytest.mark.django_db

GOALS = {
    "overall_goal": "改造农村危房，保障住房安全",
    "annual_goal": "全年完成危房改造30户",
    "contact": "张三",
    "phone": "0561-1234567",
}


def _drafted(perf: dict[str, Any], actor: Any) -> PerformanceTarget:
    started = perf["indicators"][0]
    return services.performance_target_save(
        actor=actor,
        project=perf["project"],
        data=GOALS,
        grid={started: {"operator": "ge", "polarity": "positive", "qualitative_value": ""}},
    )


def test_existing_indicators_get_derived_grid_values() -> None:
    from importlib import import_module

    from django.apps import apps

    from catalogue.models import Project

    derive = import_module("responsibility.migrations.0003_indicator_performance_grid").derive
    project = Project.objects.get(program__year=2021, name="农村危房改造")
    at_most = Indicator.objects.create(
        project=project, name="投诉件数", unit="件", direction="le", operator="ge"
    )
    at_least = Indicator.objects.create(project=project, name="改造户数", unit="户", polarity="reverse")
    derive(apps, None)
    at_most.refresh_from_db()
    at_least.refresh_from_db()
    assert (at_most.operator, at_most.polarity) == ("le", "reverse")
    assert (at_least.operator, at_least.polarity) == ("ge", "positive")
    assert (at_most.level1, at_most.level2) == ("产出指标", "数量指标")


def test_lead_department_drafts_and_submits_office_approves(
    perf: dict[str, Any], dept_health: Any, office: Any
) -> None:
    form = _drafted(perf, dept_health)
    assert form.status == Status.DRAFT and form.overall_goal == GOALS["overall_goal"]
    form = services.performance_target_submit(actor=dept_health, form=form)
    assert form.status == Status.SUBMITTED and form.submitted_at
    with pytest.raises(PermissionDenied):
        services.performance_target_decide(actor=dept_health, form=form, approve=True)
    with pytest.raises(ValidationError, match="已提交"):
        _drafted(perf, dept_health)
    form = services.performance_target_decide(actor=office, form=form, approve=True)
    assert form.status == Status.APPROVED and form.decided_by == office
    actions = list(
        AuditEvent.objects.filter(
            object_id=str(form.pk), content_type__model="performancetarget"
        ).values_list("action", flat=True)
    )
    assert actions.count("state") == 2 and "create" in actions


def test_return_needs_a_reason_and_the_draft_is_editable_again(
    perf: dict[str, Any], dept_health: Any, office: Any
) -> None:
    form = services.performance_target_submit(actor=dept_health, form=_drafted(perf, dept_health))
    with pytest.raises(ValidationError, match="退回须写明原因"):
        services.performance_target_decide(actor=office, form=form, approve=False, reason=" ")
    form = services.performance_target_decide(actor=office, form=form, approve=False, reason="年度目标需量化")
    assert form.status == Status.RETURNED and form.return_reason == "年度目标需量化"
    form = services.performance_target_save(
        actor=dept_health, project=perf["project"], data={"annual_goal": "完成改造30户"}
    )
    form = services.performance_target_submit(actor=dept_health, form=form)
    assert form.status == Status.SUBMITTED and form.return_reason == ""


def test_submit_names_what_is_missing(perf: dict[str, Any], dept_health: Any) -> None:
    finished = perf["indicators"][1]
    form = services.performance_target_save(
        actor=dept_health,
        project=perf["project"],
        data={"overall_goal": "x"},
        grid={finished: {"operator": "qual", "polarity": "positive", "qualitative_value": ""}},
    )
    with pytest.raises(ValidationError) as exc:
        services.performance_target_submit(actor=dept_health, form=form)
    assert exc.value.messages == ["请填写年度目标", "定性指标“完工项目数”须填写指标值"]


def test_grid_changes_go_to_the_indicator_and_are_audited(perf: dict[str, Any], dept_health: Any) -> None:
    invested = perf["indicators"][2]
    services.performance_target_save(
        actor=dept_health,
        project=perf["project"],
        data=GOALS,
        grid={invested: {"operator": "le", "polarity": "reverse", "qualitative_value": ""}},
    )
    invested.refresh_from_db()
    assert (invested.operator, invested.polarity, invested.direction) == ("le", "reverse", "le")
    assert AuditEvent.objects.filter(
        content_type__model="indicator", object_id=str(invested.pk), action="update"
    ).exists()


def test_other_units_may_not_draft(perf: dict[str, Any], town_shitai: Any, leader: Any) -> None:
    for actor in (town_shitai, leader):
        with pytest.raises(PermissionDenied):
            _drafted(perf, actor)
    assert not PerformanceTarget.objects.exists()


def test_a_concurrent_edit_is_refused(perf: dict[str, Any], dept_health: Any, office: Any) -> None:
    form = _drafted(perf, dept_health)
    stale = form.version
    services.performance_target_save(
        actor=office, project=perf["project"], data={"annual_goal": "民生办修改"}
    )
    with pytest.raises(ConflictError):
        services.performance_target_save(
            actor=dept_health,
            project=perf["project"],
            data={"annual_goal": "部门修改"},
            expected_version=stale,
        )
    form.refresh_from_db()
    assert form.annual_goal == "民生办修改"


def test_stale_indicator_version_is_refused(perf: dict[str, Any], dept_health: Any, office: Any) -> None:
    from responsibility.services import indicator_save

    started = perf["indicators"][0]
    seen = started.version  # the grid page was loaded, then 民生办 changed the indicator
    indicator_save(actor=office, project=perf["project"], indicator=started, data={"unit": "处"})
    with pytest.raises(ConflictError):
        services.performance_target_save(
            actor=dept_health,
            project=perf["project"],
            data=GOALS,
            grid={
                started: {"operator": "eq", "polarity": "positive", "qualitative_value": "", "version": seen}
            },
        )
    assert not PerformanceTarget.objects.exists()


def test_files_read_back(perf: dict[str, Any], dept_health: Any, client_for: Any, tmp_path: Any) -> None:
    import docx
    from python_calamine import CalamineWorkbook

    _drafted(perf, dept_health)
    client = client_for("dept_health")
    url = reverse("evaluation:target", args=[perf["project"].pk])
    word = docx.Document(io.BytesIO(client.get(url + "?format=docx").content))
    text = "\n".join(p.text for p in word.paragraphs)
    cells = [c.text for t in word.tables for r in t.rows for c in r.cells]
    assert "2021年农村危房改造绩效目标申报表" in text and GOALS["annual_goal"] in text
    assert "开工项目数" in cells and "≥30" in cells and "产出指标" in cells and "正向" in cells
    assert "合计180.00万元（省180.00万元）" in cells and "区卫健委" in " ".join(cells)
    pdf = tmp_path / "t.pdf"
    pdf.write_bytes(client.get(url + "?format=pdf").content)
    body = subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout.replace(" ", "")
    assert "绩效目标申报表" in body and "开工项目数" in body
    book = CalamineWorkbook.from_filelike(io.BytesIO(client.get(url + "?format=xlsx").content))
    rows = book.get_sheet_by_name("绩效目标申报表").to_python()
    assert rows[0][0] == "2021年农村危房改造绩效目标申报表"
    assert ["产出指标", "数量指标", "开工项目数", "≥30", "个", "正向"] in rows
    assert client.get(url + "?format=exe").status_code == 404


def test_pages_walk_the_workflow(perf: dict[str, Any], client_for: Any) -> None:
    url = reverse("evaluation:target", args=[perf["project"].pk])
    started, finished, invested = perf["indicators"]
    post = {**GOALS, "action": "submit"}
    for i in perf["indicators"]:
        post |= {f"g{i.pk}-operator": "ge", f"g{i.pk}-polarity": "positive", f"g{i.pk}-qualitative_value": ""}
    dept = client_for("dept_health")
    page = dept.post(url, post, follow=True).content.decode()
    assert "已提交民生办审核" in page
    assert client_for("town_shitai").get(url).status_code == 404
    office = client_for("office")
    form = PerformanceTarget.objects.get()
    assert 'data-testid="decision"' in office.get(url).content.decode()
    refused = office.post(
        url, {"action": "return", "reason": "", "version": form.version}, follow=True
    ).content.decode()
    assert "退回须写明原因" in refused
    office.post(url, {"action": "approve", "reason": "", "version": form.version})
    form.refresh_from_db()
    assert form.status == Status.APPROVED
    home = office.get(reverse("home")).content.decode()
    assert "绩效目标申报表待审核" not in home
