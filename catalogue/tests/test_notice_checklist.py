"""The next year's notice: drafted by roll-over, edited by the office, checked before publishing."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import docx
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from catalogue import services
from catalogue.checklist import BLOCK, notice_checklist
from catalogue.models import ChangeKind, Program
from catalogue.notice import Item, draft_text, exit_paragraph, notice_text
from core.models import AuditEvent
from core.services import ConflictError

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(office: Any) -> Program:
    return services.program_roll_over(actor=office, program=Program.objects.get(year=2021))


def _fill(office: Any, program: Program, **parts: Any) -> Program:
    """Give a draft what the notice needs to be issued, like the office would."""
    program.refresh_from_db()
    data = {
        "doc_number": f"淮杜政〔{program.year}〕9号",
        "doc_date": dt.date(program.year, 3, 1),
        "preamble": program.preamble,
        "requirements": program.requirements,
        **parts,
    }
    return services.program_notice_update(
        actor=office,
        program=program,
        data=data,
        reviewed=list(program.notice_pending),
        expected_version=program.version,
    )


def ready(office: Any, program: Program) -> Program:
    return _fill(office, program)


def test_retire_sentence_joins_a_clause_with_because() -> None:
    text = exit_paragraph([Item("农作物秸秆产业化利用", reason="秸秆综合利用已纳入常态化管理。")], "民生工程")
    assert text == "农作物秸秆产业化利用因秸秆综合利用已纳入常态化管理，1个项目不再列为民生工程。"


def test_retire_sentence_keeps_the_reference_predicates() -> None:
    items = [
        Item("水利薄弱环节治理三年行动", reason="任务已完成"),
        Item("资产收益扶贫", reason="已实现预期目标"),
    ]
    assert exit_paragraph(items, "民生工程") == (
        "水利薄弱环节治理三年行动任务已完成，资产收益扶贫已实现预期目标，2个项目不再列为民生工程。"
    )


def test_draft_text_replaces_year_and_count_but_not_a_cited_document() -> None:
    text = "根据《某市关于2021年实施30项民生工程的通知》精神，2021年继续实施33项民生工程。"
    out = draft_text(text, old_year=2021, new_year=2022, old_count=33, new_count=32, noun="民生工程")
    assert out == "根据《某市关于2022年实施30项民生工程的通知》精神，2022年继续实施32项民生工程。"


def test_roll_over_drafts_opening_and_requirements_marked_pending(draft: Program) -> None:
    p2021 = Program.objects.get(year=2021)
    assert draft.preamble and "2021" not in draft.preamble and "2022年继续实施33项民生工程" in draft.preamble
    assert draft.requirements.startswith("2022年是实施") and "2021" not in draft.requirements
    assert draft.preamble != p2021.preamble
    assert draft.notice_pending == ["preamble", "requirements"]
    assert (draft.doc_number, draft.doc_date) == ("", None)


def test_checklist_blocks_empty_parts_and_warns_pending(draft: Program) -> None:
    checks = notice_checklist(draft)
    blockers = [c.part for c in checks if c.level == BLOCK]
    assert blockers == ["doc_number", "doc_date"]
    messages = " ".join(c.message for c in checks)
    assert "开头语由2021年的文本起草，尚待修改" in messages and "工作要求由2021年的文本起草" in messages


def test_checklist_warns_previous_year_counts_and_missing_reason(office: Any, draft: Program) -> None:
    services.project_retire(
        actor=office, project=draft.projects.get(name="出生缺陷防治"), reason="任务已完成"
    )
    draft.refresh_from_db()
    _fill(office, draft, requirements="2021年是关键一年。")
    draft.changes.filter(kind=ChangeKind.EXIT).update(reason="")
    messages = [c.message for c in notice_checklist(draft)]
    assert not any(c.blocks for c in notice_checklist(draft))
    assert any("工作要求仍写有上一年度“2021”" in m for m in messages)
    assert "开头语称“33项民生工程”，本年度计划有32个项目。" in messages
    assert "退出项目“出生缺陷防治”没有写明原因。" in messages


def test_checklist_warns_a_typed_title_with_another_count(office: Any, draft: Program) -> None:
    ready(office, draft)
    Program.objects.filter(pk=draft.pk).update(title="2022年实施30项民生工程")
    draft.refresh_from_db()
    assert [c.message for c in notice_checklist(draft)] == ["标题称“30项民生工程”，本年度计划有33个项目。"]


def test_checklist_is_empty_for_a_notice_fit_to_issue(office: Any, draft: Program) -> None:
    assert notice_checklist(ready(office, draft)) == []


def test_notice_update_is_versioned_and_audited(office: Any, draft: Program) -> None:
    stale = draft.version
    ready(office, draft)
    draft.refresh_from_db()
    assert draft.notice_pending == [] and draft.doc_number == "淮杜政〔2022〕9号"
    event = AuditEvent.objects.filter(action="update", after__doc_number="淮杜政〔2022〕9号").get()
    assert event.before["doc_number"] == "" and event.before["notice_pending"] == ["preamble", "requirements"]
    with pytest.raises(ConflictError):
        services.program_notice_update(
            actor=office, program=draft, data={"cc": "区委各部门"}, expected_version=stale
        )


def test_editing_a_part_clears_only_its_pending_mark(office: Any, draft: Program) -> None:
    services.program_notice_update(
        actor=office,
        program=draft,
        data={"preamble": "2022年继续实施33项民生工程。现将有关事项通知如下："},
        expected_version=draft.version,
    )
    draft.refresh_from_db()
    assert draft.notice_pending == ["requirements"]


def test_notice_update_refuses_a_bad_doc_number(office: Any, draft: Program) -> None:
    with pytest.raises(ValidationError) as exc:
        services.program_notice_update(
            actor=office,
            program=draft,
            data={"doc_number": "淮杜政[2022]9号"},
            expected_version=draft.version,
        )
    assert "doc_number" in exc.value.message_dict


def test_redraft_uses_the_current_count(office: Any, draft: Program) -> None:
    services.project_retire(
        actor=office, project=draft.projects.get(name="出生缺陷防治"), reason="任务已完成"
    )
    draft.refresh_from_db()
    services.program_notice_redraft(actor=office, program=draft, expected_version=draft.version)
    draft.refresh_from_db()
    assert "2022年继续实施32项民生工程" in draft.preamble
    assert "实施33项民生工程的通知》" in draft.preamble  # the cited city notice keeps its own count


def test_publish_refuses_blockers(office: Any, draft: Program) -> None:
    with pytest.raises(ValidationError) as exc:
        services.program_publish(actor=office, program=draft, confirm_warnings=True)
    assert "发文字号未填写。" in exc.value.messages and "成文日期未填写。" in exc.value.messages
    draft.refresh_from_db()
    assert draft.status == Program.Status.DRAFT


def test_publish_needs_warnings_confirmed(office: Any, draft: Program) -> None:
    draft.refresh_from_db()
    services.program_notice_update(
        actor=office,
        program=draft,
        data={"doc_number": "淮杜政〔2022〕9号", "doc_date": dt.date(2022, 3, 1)},
        expected_version=draft.version,
    )
    with pytest.raises(services.PublishWarnings):
        services.program_publish(actor=office, program=draft)
    draft.refresh_from_db()
    assert draft.status == Program.Status.DRAFT
    services.program_publish(actor=office, program=draft, confirm_warnings=True)
    draft.refresh_from_db()
    assert draft.status == Program.Status.PUBLISHED
    event = AuditEvent.objects.filter(action="state", after__status="published").latest("id")
    assert len(event.after["confirmed_warnings"]) == 2


def test_the_issued_docx_has_number_date_opening_and_requirements(office: Any, draft: Program) -> None:
    services.project_retire(
        actor=office,
        project=draft.projects.get(name="农村危房改造"),
        reason="农村住房安全保障已纳入常态化管理",
    )
    draft.refresh_from_db()
    services.program_notice_redraft(actor=office, program=draft, expected_version=draft.version)
    ready(office, draft)
    services.program_publish(actor=office, program=draft)
    client_text = notice_text(draft)
    assert "农村危房改造因农村住房安全保障已纳入常态化管理，1个项目不再列为民生工程。" in client_text
    from catalogue.notice import notice_document
    from documents.render import render_docx

    buffer = io.BytesIO()
    render_docx(notice_document(draft), buffer)
    buffer.seek(0)
    text = "\n".join(p.text for p in docx.Document(buffer).paragraphs)
    assert "淮杜政〔2022〕9号" in text and "2022年3月1日" in text
    assert "2022年继续实施32项民生工程" in text and "2022年是实施" in text
    assert "农村危房改造因农村住房安全保障已纳入常态化管理" in text and "2021" not in text.split("根据")[0]


# --- pages -------------------------------------------------------------------------------------------------


def test_notice_page_saves_and_shows_checklist_and_preview(client_for: Any, draft: Program) -> None:
    client = client_for("office")
    url = reverse("catalogue:program_notice_edit", args=[draft.pk])
    page = client.get(url).content.decode()
    assert "发文字号未填写。" in page and "待修改" in page and 'data-testid="notice-preview"' in page
    draft.refresh_from_db()
    response = client.post(
        url,
        {
            "doc_number": "淮杜政〔2022〕9号",
            "doc_date": "2022-03-01",
            "recipients": draft.recipients,
            "preamble": draft.preamble,
            "requirements": draft.requirements,
            "cc": draft.cc,
            "reviewed": ["preamble", "requirements"],
            "version": draft.version,
            "action": "save",
        },
        follow=True,
    )
    page = response.content.decode()
    assert "通知已保存" in page and "通知核对无误，可以发布。" in page and "淮杜政〔2022〕9号" in page


def test_notice_page_refuses_a_stale_version(client_for: Any, office: Any, draft: Program) -> None:
    client = client_for("office")
    stale = draft.version
    ready(office, draft)
    response = client.post(
        reverse("catalogue:program_notice_edit", args=[draft.pk]),
        {"doc_number": "淮杜政〔2022〕10号", "preamble": "x", "version": stale, "action": "save"},
    )
    assert response.status_code == 200 and "已被其他人修改" in response.content.decode()
    draft.refresh_from_db()
    assert draft.doc_number == "淮杜政〔2022〕9号"


def test_publish_page_asks_for_confirmation(client_for: Any, office: Any, draft: Program) -> None:
    draft.refresh_from_db()
    services.program_notice_update(
        actor=office,
        program=draft,
        data={"doc_number": "淮杜政〔2022〕9号", "doc_date": dt.date(2022, 3, 1)},
        expected_version=draft.version,
    )
    client = client_for("office")
    url = reverse("catalogue:program_publish", args=[draft.pk])
    page = client.get(url).content.decode()
    assert "开头语由2021年的文本起草" in page and 'name="confirm"' in page
    response = client.post(url, {})
    assert response.status_code == 200 and "勾选确认后再发布" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == Program.Status.DRAFT
    response = client.post(url, {"confirm": "on"})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == Program.Status.PUBLISHED


def test_publish_page_refuses_blockers(client_for: Any, draft: Program) -> None:
    client = client_for("office")
    url = reverse("catalogue:program_publish", args=[draft.pk])
    page = client.get(url).content.decode()
    assert 'data-testid="publish-refused"' in page and 'name="confirm"' not in page
    response = client.post(url, {"confirm": "on"}, follow=True)
    assert "未能发布" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == Program.Status.DRAFT


def test_notice_preview_pdf_is_inline(client_for: Any, draft: Program) -> None:
    response = client_for("office").get(reverse("catalogue:program_notice_preview", args=[draft.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline")
    assert response.content.startswith(b"%PDF")


@pytest.mark.parametrize("role", ["dept_health", "town_shitai", "leader", "supervisor"])
def test_only_the_office_edits_the_notice(client_for: Any, draft: Program, role: str) -> None:
    client = client_for(role)
    for name in ("catalogue:program_notice_edit", "catalogue:program_publish"):
        assert client.get(reverse(name, args=[draft.pk])).status_code in (403, 404)
