"""Roll-over, recorded changes, publishing with consistency checks, amendments, and the diff between years."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from catalogue import services
from catalogue.diff import program_diff
from catalogue.models import ChangeKind, Program, ProjectChange, ProjectProposal
from core.models import AuditEvent
from orgs.models import Organisation

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(office: Any) -> Program:
    return services.program_roll_over(actor=office, program=Program.objects.get(year=2021))


def _project(program: Program, name: str) -> Any:
    return program.projects.get(name=name)


def test_reference_diff_adds_up() -> None:
    diff = program_diff(later=Program.objects.get(year=2021))
    assert diff.ok, diff.problems
    assert diff.counts == {
        "later_total": 33,
        "new": 6,
        "adjusted": 8,
        "continued": 19,
        "earlier_total": 33,
        "retired": 4,
        "predecessors": 10,
        "continued_sources": 19,
    }
    fates = {f.project.name: f for f in diff.fates}
    assert (
        fates["棚户区改造"].kind == "merged" and fates["棚户区改造"].others[0].name == "棚户区和老旧小区改造"
    )
    assert fates["资产收益扶贫"].kind == "retired" and fates["资产收益扶贫"].reason == "已实现预期目标"
    assert fates["农村危房改造"].kind == "continued"
    origins = {o.project.name: o for o in diff.origins}
    assert origins["农田建设工程"].kind == "new"
    assert sorted(s.name for s in origins["义务教育经费保障"].others) == ["义务教育经费保障", "智慧学校建设"]


def test_roll_over_marks_everything_continued(draft: Program) -> None:
    assert draft.status == "draft" and draft.year == 2022
    assert draft.projects.count() == 33
    assert set(draft.changes.values_list("kind", flat=True)) == {ChangeKind.CONTINUE}
    diff = program_diff(later=draft)
    assert diff.ok and diff.counts["continued"] == 33
    lead = _project(draft, "文化惠民工程")
    assert lead.content_items.count() == 5 and lead.lead_department is not None
    with pytest.raises(ValidationError):
        services.program_roll_over(actor=_office(), program=Program.objects.get(year=2021))


def _office() -> Any:
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username="t_office")


def test_only_the_office_rolls_over(dept_health: Any, leader: Any) -> None:
    for actor in (dept_health, leader):
        with pytest.raises(PermissionDenied):
            services.program_roll_over(actor=actor, program=Program.objects.get(year=2021))


def test_a_year_of_changes_then_publish(office: Any, draft: Program) -> None:
    with pytest.raises(ValidationError):
        services.project_retire(actor=office, project=_project(draft, "农村危房改造"), reason=" ")
    exit_change = services.project_retire(
        actor=office, project=_project(draft, "农村危房改造"), reason="任务已完成"
    )
    assert exit_change.kind == ChangeKind.EXIT and [s.year for s in [exit_change.sources.get().program]] == [
        2021
    ]

    merged = services.projects_merge(
        actor=office,
        projects=[_project(draft, "城乡居民大病保险"), _project(draft, "城乡居民基本医疗保险")],
        name="城乡居民医疗保障",
        reason="统筹实施",
    )
    origin = merged.origins.get()
    assert origin.kind == ChangeKind.ADJUST and "merge" in origin.adjust_kinds
    assert sorted(s.name for s in origin.sources.all()) == ["城乡居民基本医疗保险", "城乡居民大病保险"]
    assert origin.printed_text == "将城乡居民大病保险、城乡居民基本医疗保险合并为城乡居民医疗保障。"

    services.project_rename(
        actor=office, project=_project(draft, "学前教育促进"), name="学前教育提升", reason="提标"
    )
    services.project_content_change(
        actor=office,
        project=_project(draft, "文化惠民工程"),
        add=["全民阅读"],
        remove=["科技馆免费开放"],
        reason="调整内容",
    )
    new = services.project_create_new(
        actor=office,
        program=draft,
        name="示例新增项目",
        kind="service",
        summary="示例简介。",
        lead_department=Organisation.objects.get(code="mzj"),
        reason="群众呼声",
    )
    assert new.origins.get().kind == ChangeKind.NEW

    diff = program_diff(later=draft)
    assert diff.ok, diff.problems
    assert diff.counts["later_total"] == 33 - 1 - 1 + 1
    assert (diff.counts["new"], diff.counts["retired"], diff.counts["predecessors"]) == (1, 1, 4)

    draft.refresh_from_db()
    services.program_notice_update(
        actor=office,
        program=draft,
        data={"doc_number": "淮杜政〔2022〕9号", "doc_date": dt.date(2022, 3, 1)},
        reviewed=draft.notice_pending,
        expected_version=draft.version,
    )
    services.program_publish(actor=office, program=draft, confirm_warnings=True)
    draft.refresh_from_db()
    assert draft.status == "published"
    with pytest.raises(ValidationError, match="已发布并锁定"):
        services.project_rename(
            actor=office, project=_project(draft, "就业创业促进"), name="就业促进", reason="x"
        )

    amendment = services.program_amend(actor=office, program=draft, reason="市里追加项目")
    services.project_rename(
        actor=office, project=_project(draft, "就业创业促进"), name="就业促进", reason="市里要求"
    )
    services.program_publish(actor=office, program=draft, confirm_warnings=True)
    amendment.refresh_from_db()
    assert amendment.closed_at is not None
    events = AuditEvent.objects.filter(actor__username="t_office")
    assert events.filter(reason="任务已完成").exists() and events.filter(reason="市里要求").exists()


def test_publish_refuses_an_inconsistent_program(office: Any, draft: Program) -> None:
    ProjectChange.objects.filter(program=draft, result__name="农村危房改造").delete()
    with pytest.raises(ValidationError) as exc:
        services.program_publish(actor=office, program=draft)
    messages = " ".join(exc.value.messages)
    assert "2022年项目“农村危房改造”没有来源" in messages
    assert "2021年项目“农村危房改造”在2022年没有去向" in messages
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_split_is_one_to_many(office: Any, draft: Program) -> None:
    parts = services.project_split(
        actor=office,
        project=_project(draft, "就业创业促进"),
        names=["就业促进", "创业扶持"],
        reason="分开考核",
    )
    assert [p.name for p in parts] == ["就业促进", "创业扶持"]
    diff = program_diff(later=draft)
    assert diff.ok, diff.problems
    fate = next(f for f in diff.fates if f.project.name == "就业创业促进")
    assert fate.kind == "split" and sorted(p.name for p in fate.others) == ["创业扶持", "就业促进"]


def test_proposal_becomes_a_new_project(office: Any, draft: Program) -> None:
    proposal = services.proposal_create(
        actor=office,
        data={
            "year": 2022,
            "title": "示例：老年助餐",
            "summary": "示例建议。",
            "kind": "service",
            "source": "公开征集",
        },
    )
    project = services.proposal_accept(actor=office, proposal=proposal, program=draft)
    proposal.refresh_from_db()
    assert proposal.status == ProjectProposal.Status.ACCEPTED and proposal.project == project
    assert project.origins.get().kind == ChangeKind.NEW
    with pytest.raises(ValidationError):
        services.proposal_accept(actor=office, proposal=proposal, program=draft)
