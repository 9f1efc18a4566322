"""Every page that shows a change log (object histories, the audit log, report transitions, finding steps, letter
history) reads as labels and local time: no choice code (`drafted → issued`) and no ISO timestamp."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.utils import timezone

from core.changes import display_value, event_changes, when
from core.models import AuditEvent
from core.tests.scoping import build_scene

pytestmark = pytest.mark.django_db

ISO = re.compile(r"\d{4}-\d{2}-\d{2}|\d{2}:\d{2}:\d{2}")


def _codes() -> set[str]:
    """Every choice code of every model that a user might be shown raw (drafted, issued, province …)."""
    codes = set()
    for model in apps.get_models():
        for field in model._meta.get_fields():
            for key, _label in getattr(field, "flatchoices", None) or ():
                if isinstance(key, str) and re.fullmatch(r"[a-z_]{3,}", key):
                    codes.add(key)
    return codes


def _logs(html: str) -> list[str]:
    """The text of each change-log block of a page (data-testid="change-log")."""
    out = []
    for match in re.finditer(r'<(\w+)[^>]*data-testid="change-log"[^>]*>', html):
        tag, start = match.group(1), match.end()
        depth, pos = 1, start
        pattern = re.compile(rf"<(/?){tag}\b")
        while depth:
            m = pattern.search(html, pos)
            assert m, "unclosed change log"
            depth += -1 if m.group(1) else 1
            pos = m.end()
        out.append(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html[start:pos])))
    return out


@pytest.fixture
def scene(office: Any, persona: Any, settings: Any, tmp_path: Any) -> dict[str, Any]:
    """The scoping scene (letters drafted, issued and signed; reports; findings) plus a submitted report, an
    answered finding, an edited organisation and a reset password."""
    from orgs.services import organisation_update_contact, user_password_reset
    from reporting import services as reporting_services
    from supervision.services import finding_answer

    settings.MEDIA_ROOT = tmp_path
    scene = build_scene(office, persona)
    from decimal import Decimal

    report = scene["own"]["report"]
    report = reporting_services.report_save(
        actor=office,
        report=report,
        values={i.pk: Decimal(1) for i in report.project.indicators.all()},
        funds={"province": (Decimal(10000), Decimal(5000))},
        narrative={"progress": "按计划推进", "explanation": "已说明"},
        expected_version=report.version,
    )
    reporting_services.report_submit(actor=office, report=report)
    finding_answer(actor=persona("town_shitai"), finding=scene["own"]["finding"], text="已整改")
    unit = scene["units"]["own"]
    organisation_update_contact(
        actor=office, organisation=unit, data={"phone": "0561-1234567"}, expected_version=unit.version
    )
    user_password_reset(actor=office, account=persona("town_shitai"), reason="忘记密码")
    return scene


def test_change_logs_show_labels_and_local_time(client_for: Any, scene: dict[str, Any], persona: Any) -> None:
    own = scene["own"]
    pages = [
        f"/letters/{own['letter'].pk}/",
        f"/orgs/{scene['units']['own'].pk}/",
        f"/programs/{scene['program'].pk}/",
        f"/projects/{own['report'].project_id}/",
        f"/reports/{own['report'].pk}/",
        f"/supervision/findings/{own['finding'].pk}/",
        f"/users/{persona('town_shitai').pk}/",
    ] + [f"/audit/?page={n}" for n in range(1, 4)]
    codes = _codes()
    problems = []
    seen = 0
    client = client_for("admin")
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        logs = _logs(response.content.decode())
        assert logs, f"{url}: no change log"
        for text in logs:
            text = re.sub(r"标记-[a-z]+-", "", text)  # the scene's marker texts
            seen += len(text)
            problems += [
                f"{url}: ISO time {text[max(0, m.start() - 60) : m.end() + 20]!r}" for m in ISO.finditer(text)
            ]
            problems += [
                f"{url}: raw code {text[max(0, m.start() - 60) : m.end() + 20]!r}"
                for m in re.finditer(r"\b[a-z_]{3,}\b", text)
                if m.group() in codes
            ]
    assert not problems, "\n".join(sorted(set(problems)))
    assert seen


def test_letter_history_reads_as_labels() -> None:
    from responsibility.models import Letter

    event = AuditEvent.objects.filter(content_type__model="letter", action="state").first()
    if event is None:  # no letter in the world: one stored change of the shape the services write
        from django.contrib.contenttypes.models import ContentType

        event = AuditEvent(
            content_type=ContentType.objects.get_for_model(Letter),
            before={"status": "drafted", "issued_at": None},
            after={"status": "issued", "issued_at": "2026-12-01T07:40:17.530970+00:00"},
        )
    rows = {label: (old, new) for label, old, new in event_changes(event)}
    assert rows["状态"] == ("已起草", "已下达")
    assert rows["下达时间"] == ("—", "2026年12月1日 15:40")


def test_one_helper_formats_values_through_their_fields() -> None:
    from funding.models import FundingLine
    from orgs.models import Organisation

    assert when(dt.datetime(2026, 12, 1, 7, 40, 17, tzinfo=dt.UTC)) == "2026年12月1日 15:40"
    assert when("2026-12-01") == "2026年12月1日"
    assert display_value(FundingLine._meta.get_field("source"), "province") == "省"
    assert display_value(FundingLine._meta.get_field("original"), "3000000.00") == "300.00 万元"
    shitai = Organisation.objects.get(code="shitai")
    assert display_value(Organisation._meta.get_field("parent"), shitai.pk) == str(shitai)
    assert display_value(None, True) == "是" and display_value(None, None) == "—"
    assert timezone.get_current_timezone_name() == "Asia/Shanghai"


def test_audit_log_filters_by_who_what_and_when(client_for: Any, office: Any, leader: Any) -> None:
    from django.contrib.contenttypes.models import ContentType

    from orgs.models import Organisation

    unit = Organisation.objects.get(code="shitai")
    from orgs.services import organisation_update_contact

    organisation_update_contact(
        actor=office, organisation=unit, data={"phone": "0561-7654321"}, expected_version=unit.version
    )
    old = AuditEvent.objects.filter(actor=office).first()
    AuditEvent.objects.filter(pk=old.pk).update(at=dt.datetime(2020, 1, 5, 3, 0, tzinfo=dt.UTC))
    unit.refresh_from_db()
    organisation_update_contact(
        actor=office, organisation=unit, data={"phone": "0561-7654322"}, expected_version=unit.version
    )
    ct = ContentType.objects.get_for_model(Organisation)
    client = client_for("leader")

    def rows(**params: Any) -> int:
        html = client.get("/audit/", params).content.decode()
        return html.count('data-testid="audit-row"')

    everything = rows()
    assert everything > 0
    assert rows(actor=office.pk, content_type=ct.pk, action="update") >= 1
    assert rows(actor=leader.pk) == 0
    assert rows(content_type=ct.pk, action="delete") == 0
    today = timezone.localdate().isoformat()
    assert rows(actor=office.pk, since="2020-01-05", until="2020-01-05") == 1  # 11:00 local on the 5th
    assert rows(actor=office.pk, since="2020-01-06", until="2020-01-31") == 0
    assert rows(actor=office.pk, since=today, until=today) >= 1
    html = client.get("/audit/", {"since": "2021-02-01", "until": "2021-01-01"}).content.decode()
    assert "结束日期不能早于开始日期" in html
    assert client.get("/audit/", {"actor": "99999999999999999999999"}).status_code == 200


def test_audit_log_keeps_the_policy(client_for: Any) -> None:
    assert client_for("town_shitai").get("/audit/", {"action": "update"}).status_code == 403
    assert client_for("anon").get("/audit/").status_code == 302


def test_audit_filter_offers_only_people_found_in_the_log(client_for: Any, office: Any) -> None:
    from orgs.models import Organisation
    from orgs.services import organisation_update_contact

    unit = Organisation.objects.get(code="shitai")
    organisation_update_contact(
        actor=office, organisation=unit, data={"phone": "0561-1111111"}, expected_version=unit.version
    )
    stranger = get_user_model().objects.create_user(username="t_never_acted", password="x-pass-123")
    html = client_for("office").get("/audit/").content.decode()
    assert stranger.username not in html
    assert f'<option value="{office.pk}">{office.get_full_name() or office.username}</option>' in html
