"""The year-over-year pages, the diff API and the Excel export, as the office and others use them."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.urls import reverse
from python_calamine import CalamineWorkbook

from catalogue.models import ChangeKind, Program, ProjectProposal

pytestmark = pytest.mark.django_db


def test_office_rolls_over_and_adjusts_through_the_pages(client_for: Any) -> None:
    client = client_for("office")
    p2021 = Program.objects.get(year=2021)
    response = client.post(reverse("catalogue:program_roll_over", args=[p2021.pk]))
    draft = Program.objects.get(year=2022)
    assert response.url == reverse("catalogue:program_detail", args=[draft.pk])
    page = client.get(response.url).content.decode()
    assert "检查并发布" in page and "草稿" in page

    project = draft.projects.get(name="出生缺陷防治")
    url = reverse("catalogue:project_action", args=[project.pk, "retire"])
    assert "须写明原因" in client.get(url).content.decode()
    assert client.post(url, {"reason": ""}).status_code == 200  # form error, nothing done
    assert draft.projects.filter(name="出生缺陷防治").exists()
    client.post(url, {"reason": "任务已完成"})
    assert not draft.projects.filter(name="出生缺陷防治").exists()

    a, b = draft.projects.get(name="学前教育促进"), draft.projects.get(name="义务教育营养改善")
    response = client.post(
        reverse("catalogue:program_merge", args=[draft.pk]),
        {"projects": [a.pk, b.pk], "name": "示例合并项目", "reason": "统筹"},
    )
    assert response.status_code == 302
    merged = draft.projects.get(name="示例合并项目")
    assert merged.origins.get().sources.count() == 2

    response = client.post(
        reverse("catalogue:project_new", args=[draft.pk]),
        {"name": "示例新增项目", "kind": "service", "summary": "示例。", "reason": "群众建议"},
    )
    assert response.status_code == 302

    diff = client.get(reverse("catalogue:program_diff", args=[draft.pk])).content.decode()
    assert "核对无误" in diff

    draft.refresh_from_db()
    notice = {"doc_number": "淮杜政〔2022〕9号", "doc_date": "2022-03-01", "version": draft.version}
    notice |= {"preamble": draft.preamble, "requirements": draft.requirements, "action": "save"}
    client.post(reverse("catalogue:program_notice_edit", args=[draft.pk]), notice)
    client.post(reverse("catalogue:program_publish", args=[draft.pk]), {"confirm": "on"})
    draft.refresh_from_db()
    assert draft.status == "published"
    page = client.get(reverse("catalogue:program_detail", args=[draft.pk])).content.decode()
    assert "二、退出1项民生工程" in page and "一、新增1项民生工程" in page


def test_publish_shows_the_problems(client_for: Any, office: Any) -> None:
    from catalogue.services import program_roll_over

    draft = program_roll_over(actor=office, program=Program.objects.get(year=2021))
    draft.changes.filter(result__name="农村危房改造").delete()
    client = client_for("office")
    response = client.post(reverse("catalogue:program_publish", args=[draft.pk]), follow=True)
    text = response.content.decode()
    assert "未能发布" in text and "“农村危房改造”没有来源" in text
    draft.refresh_from_db()
    assert draft.status == "draft"


@pytest.mark.parametrize("role", ["dept_health", "town_shitai", "leader", "supervisor"])
def test_others_cannot_roll_over_or_adjust(client_for: Any, role: str) -> None:
    p2021 = Program.objects.get(year=2021)
    client = client_for(role)
    assert client.post(reverse("catalogue:program_roll_over", args=[p2021.pk])).status_code == 403
    project = p2021.projects.first()
    assert (
        client.post(
            reverse("catalogue:project_action", args=[project.pk, "retire"]), {"reason": "x"}
        ).status_code
        == 403
    )
    assert not Program.objects.filter(year=2022).exists() and p2021.projects.filter(pk=project.pk).exists()


def test_published_program_is_locked_until_amended(client_for: Any) -> None:
    client = client_for("office")
    p2021 = Program.objects.get(year=2021)
    project = p2021.projects.get(name="农村电商提质增效")
    url = reverse("catalogue:project_action", args=[project.pk, "rename"])
    response = client.post(url, {"name": "农村电商", "reason": "简化"}, follow=True)
    assert "已发布并锁定" in response.content.decode()
    client.post(reverse("catalogue:program_amend", args=[p2021.pk]), {"reason": "示例修订"})
    client.post(url, {"name": "农村电商", "reason": "简化"})
    project.refresh_from_db()
    assert project.name == "农村电商"
    assert project.origins.get().kind == ChangeKind.ADJUST


def test_diff_api_and_excel(client_for: Any) -> None:
    p2021 = Program.objects.get(year=2021)
    data = client_for("anon").get(f"/api/programs/{p2021.pk}/diff/").json()
    assert data["ok"] and data["counts"]["new"] == 6 and data["counts"]["predecessors"] == 10
    assert {f["kind"] for f in data["fates"]} == {"continued", "adjusted", "merged", "retired"}
    response = client_for("town_shitai").get(reverse("catalogue:program_diff_xlsx", args=[p2021.pk]))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = CalamineWorkbook.from_filelike(io.BytesIO(response.content))
    assert book.sheet_names == ["2020年去向", "2021年来源", "核对"]
    fates = book.get_sheet_by_name("2020年去向").to_python()
    assert fates[1][:3] == ["序号", "2020年项目", "去向"] and len(fates) == 2 + 33
    row = next(r for r in fates if r[1] == "健康脱贫医疗保障")
    assert row[2] == "退出" and row[5].startswith("平稳过渡")
    checks = {r[0]: r[1] for r in book.get_sheet_by_name("核对").to_python()[2:]}
    assert checks["2021年项目数"] == 33 and checks["调整项目的前身"] == 10


def test_proposal_pool(client_for: Any, office: Any) -> None:
    from catalogue.services import program_roll_over

    draft = program_roll_over(actor=office, program=Program.objects.get(year=2021))
    client = client_for("office")
    client.post(
        reverse("catalogue:proposal_list"),
        {
            "year": 2022,
            "title": "示例：社区老年助餐",
            "summary": "示例建议",
            "kind": "service",
            "source": "公开征集",
        },
    )
    proposal = ProjectProposal.objects.get(title="示例：社区老年助餐")
    response = client.post(
        reverse("catalogue:proposal_decide", args=[proposal.pk]),
        {"decision": "accept", "program": draft.pk, "reason": "采纳"},
    )
    assert response.status_code == 302
    assert draft.projects.get(name="示例：社区老年助餐").origins.get().kind == ChangeKind.NEW
    assert client_for("town_shitai").get(reverse("catalogue:proposal_list")).status_code == 403
