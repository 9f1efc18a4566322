"""The June bulletin of a small fixture, generated from confirmed data and read back from .docx and PDF."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from bulletins import services
from bulletins.exports import bulletin_bytes
from bulletins.models import Kind, Status
from core.models import AuditEvent
from core.services import ConflictError

pytestmark = pytest.mark.django_db


def docx_text(data: bytes) -> str:
    import docx

    document = docx.Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts += ["\t".join(cell.text for cell in row.cells) for row in table.rows]
    return "\n".join(parts)


def pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def issued(office: Any, june: dict[str, Any], kind: str = Kind.BRIEFING) -> Any:
    bulletin = services.bulletin_generate(actor=office, period=june["period"], kind=kind)
    services.bulletin_update(
        actor=office,
        bulletin=bulletin,
        data={
            "issue_date": dt.date(2021, 7, 10),
            "doc_number": "杜民办〔2021〕6号",
            "next_steps": "加快滞后项目进度。",
        },
        expected_version=bulletin.version,
    )
    return services.bulletin_issue(actor=office, bulletin=bulletin, expected_version=bulletin.version)


def test_figures_count_confirmed_data_only(office: Any, june: dict[str, Any], town_shitai: Any) -> None:
    from reporting import services as rs

    # a July report still pending does not count in July's bulletin
    report = rs.report_open(
        actor=office, project=june["project"], unit=june["shitai"], period=june["periods"][7]
    )
    from reporting.tests.helpers import fill

    fill(office, report, june, (9, 9, 90), arrived="600000", spent="600000", explanation="示例")
    rs.report_submit(actor=office, report=report)
    july = services.bulletin_generate(actor=office, period=june["periods"][7])
    assert july.figures["overview"]["measured"] == 0
    assert july.figures["overview"]["arrived"] == "0"

    bulletin = services.bulletin_generate(actor=office, period=june["period"])
    f = bulletin.figures
    assert f["overview"]["measured"] == 1 and f["overview"]["behind"] == 1
    assert f["overview"]["arrived"] == "420000.00"
    towns = [(t["rank"], t["name"]) for t in f["towns"]]
    assert towns[:2] == [(1, "石台镇"), (2, "段园镇")]
    assert {rank for rank, _ in towns[2:]} == {3}  # the towns without confirmed data tie: they share rank 3
    (project,) = [p for p in f["projects"] if p["name"] == "农村危房改造"]
    assert [u["name"] for u in project["lagging"]] == ["段园镇"]  # 石台镇 is exactly on 序时: not lagging
    assert f["findings"][0]["unit"] == "段园镇" and f["findings"][0]["overdue"] is True


def test_june_briefing_reads_back_from_docx_and_pdf(office: Any, june: dict[str, Any]) -> None:
    from django.conf import settings

    bulletin = issued(office, june)
    assert bulletin.status == Status.ISSUED
    artifacts = settings.BASE_DIR / "test-artifacts"
    artifacts.mkdir(exist_ok=True)
    (artifacts / "bulletin-june.pdf").write_bytes(bulletin_bytes(bulletin, "pdf"))  # for looking at
    for text in (docx_text(bulletin_bytes(bulletin, "docx")), pdf_text(bulletin_bytes(bulletin, "pdf"))):
        flat = text.replace("\n", "").replace(" ", "")
        assert "民生工程实施进度简报" in flat and "第1期" in flat
        assert "2021年1—6月民生工程实施进度情况" in flat
        assert "镇街排名" in flat and "石台镇" in flat
        assert "滞后于序时进度的单位：段园镇（10.00%）" in flat
        assert "危房改造资金拨付台账不全" in flat
        assert "加快滞后项目进度" in flat


def test_ranking_table_in_docx(office: Any, june: dict[str, Any]) -> None:
    import docx

    bulletin = issued(office, june)
    document = docx.Document(io.BytesIO(bulletin_bytes(bulletin, "docx")))
    towns = document.tables[0]
    rows = [[c.text for c in row.cells] for row in towns.rows]
    assert rows[0][:3] == ["名次", "单位", "得分"]
    assert [r[:2] for r in rows[1:3]] == [["1", "石台镇"], ["2", "段园镇"]]
    assert {r[0] for r in rows[3:]} == {"3"}  # tied towns share the rank


def test_circular_prints_doc_number_and_signature(office: Any, june: dict[str, Any]) -> None:
    bulletin = issued(office, june, kind=Kind.CIRCULAR)
    flat = pdf_text(bulletin_bytes(bulletin, "pdf")).replace("\n", "").replace(" ", "")
    assert "杜民办〔2021〕6号" in flat
    assert "实施进度情况的通报" in flat and "2021年7月10日" in flat


def test_issue_needs_number_and_date(office: Any, june: dict[str, Any]) -> None:
    bulletin = services.bulletin_generate(actor=office, period=june["period"], kind=Kind.CIRCULAR)
    with pytest.raises(ValidationError) as error:
        services.bulletin_issue(actor=office, bulletin=bulletin, expected_version=bulletin.version)
    assert "发文字号未填写。" in error.value.messages and "印发日期未填写。" in error.value.messages


def test_warnings_need_confirmation(office: Any, june: dict[str, Any]) -> None:
    bulletin = services.bulletin_generate(actor=office, period=june["period"])
    services.bulletin_update(
        actor=office,
        bulletin=bulletin,
        data={"issue_date": dt.date(2021, 6, 30), "next_steps": "推进。"},  # inside the month: a warning
        expected_version=bulletin.version,
    )
    with pytest.raises(services.IssueWarnings):
        services.bulletin_issue(actor=office, bulletin=bulletin, expected_version=bulletin.version)
    services.bulletin_issue(
        actor=office, bulletin=bulletin, expected_version=bulletin.version, confirm_warnings=True
    )
    assert "印发" in AuditEvent.objects.filter(object_id=str(bulletin.pk)).latest("id").reason


def test_edit_is_locked_and_audited(office: Any, june: dict[str, Any]) -> None:
    bulletin = services.bulletin_generate(actor=office, period=june["period"])
    stale = bulletin.version
    services.bulletin_update(
        actor=office, bulletin=bulletin, data={"opening": "本月进度总体平稳。"}, expected_version=stale
    )
    with pytest.raises(ConflictError):
        services.bulletin_update(
            actor=office, bulletin=bulletin, data={"opening": "覆盖"}, expected_version=stale
        )
    event = AuditEvent.objects.filter(object_id=str(bulletin.pk), action="update").latest("id")
    assert event.after["opening"] == "本月进度总体平稳。"


def test_only_the_office_generates_and_edits(
    office: Any, june: dict[str, Any], leader: Any, town_shitai: Any
) -> None:
    for user in (leader, town_shitai):
        with pytest.raises(PermissionDenied):
            services.bulletin_generate(actor=user, period=june["period"])
    bulletin = services.bulletin_generate(actor=office, period=june["period"])
    with pytest.raises(PermissionDenied):
        services.bulletin_update(actor=leader, bulletin=bulletin, data={"opening": "x"}, expected_version=1)
    done = issued(office, june)
    with pytest.raises(ValidationError):
        services.bulletin_update(
            actor=office, bulletin=done, data={"opening": "x"}, expected_version=done.version
        )


def test_ties_share_a_rank(office: Any, june: dict[str, Any]) -> None:
    from bulletins.document import ranking_rows

    rows = ranking_rows(
        [
            {
                "rank": 1,
                "name": "甲镇",
                "score": "40",
                "completion": None,
                "arrival": None,
                "spending": None,
                "on_time": None,
            },
            {
                "rank": 1,
                "name": "乙镇",
                "score": "40",
                "completion": None,
                "arrival": None,
                "spending": None,
                "on_time": None,
            },
            {
                "rank": 3,
                "name": "丙镇",
                "score": "10",
                "completion": None,
                "arrival": None,
                "spending": None,
                "on_time": None,
            },
        ]
    )
    assert [r[0] for r in rows[1:]] == ["1", "1", "3"]
