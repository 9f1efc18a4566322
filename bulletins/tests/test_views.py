"""The pages: the office generates, edits and issues; others see issued bulletins only; the public the public ones."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bulletins import services
from bulletins.models import Bulletin, Kind, Status

pytestmark = pytest.mark.django_db


def _issue(office: Any, bulletin: Bulletin, public: bool = False) -> Bulletin:
    services.bulletin_update(
        actor=office,
        bulletin=bulletin,
        data={"issue_date": dt.date(2021, 7, 10), "is_public": public},
        expected_version=bulletin.version,
    )
    return services.bulletin_issue(actor=office, bulletin=bulletin, expected_version=bulletin.version)


def test_office_generates_edits_and_issues(client_for: Any, june: dict[str, Any]) -> None:
    client = client_for("office")
    answer = client.post(reverse("bulletins:index"), {"period": june["period"].pk, "kind": Kind.BRIEFING})
    bulletin = Bulletin.objects.get()
    assert answer.status_code == 302 and answer["Location"] == reverse("bulletins:detail", args=[bulletin.pk])
    page = client.get(answer["Location"])
    assert "滞后于序时进度的单位：段园镇" in page.content.decode()
    form = {
        "version": bulletin.version,
        "action": "save",
        "issue_number": "第6期",
        "editor": "杜集区民生工程领导小组办公室",
        "issue_date": "2021-07-10",
        "opening": "",
        "analysis": "部分镇街资金支出偏慢。",
        "next_steps": "加快滞后项目进度。",
        "cc": "",
        "is_public": "on",
    }
    assert client.post(answer["Location"], form).status_code == 302
    stale = client.post(answer["Location"], {**form, "analysis": "旧的"})  # the old version: refused
    assert "已被其他人修改" in stale.content.decode()
    bulletin.refresh_from_db()
    assert bulletin.analysis == "部分镇街资金支出偏慢。" and bulletin.is_public
    client.post(reverse("bulletins:issue", args=[bulletin.pk]), {"version": bulletin.version})
    bulletin.refresh_from_db()
    assert bulletin.status == Status.ISSUED
    pdf = client.get(reverse("bulletins:preview", args=[bulletin.pk]))
    assert pdf["Content-Type"] == "application/pdf" and pdf["Content-Disposition"].startswith("inline")
    docx = client.get(reverse("bulletins:download", args=[bulletin.pk, "docx"]))
    assert docx["Content-Disposition"].startswith("attachment") and docx.content[:2] == b"PK"


def test_a_draft_is_404_for_everyone_but_the_office(
    client_for: Any, june: dict[str, Any], office: Any
) -> None:
    draft = services.bulletin_generate(actor=office, period=june["period"])
    urls = [
        reverse("bulletins:detail", args=[draft.pk]),
        reverse("bulletins:preview", args=[draft.pk]),
        reverse("bulletins:download", args=[draft.pk, "pdf"]),
    ]
    for role in ("leader", "dept_health", "town_shitai", "supervisor"):
        client = client_for(role)
        assert [client.get(u).status_code for u in urls] == [404, 404, 404], role
        assert str(draft) not in client.get(reverse("bulletins:index")).content.decode()
    assert client_for("anon").get(urls[0]).status_code == 302
    assert (
        client_for("anon").get(reverse("portal:bulletin_download", args=[draft.pk, "pdf"])).status_code == 404
    )


def test_issued_is_read_only_for_staff(client_for: Any, june: dict[str, Any], office: Any) -> None:
    bulletin = _issue(office, services.bulletin_generate(actor=office, period=june["period"]))
    leader = client_for("leader")
    url = reverse("bulletins:detail", args=[bulletin.pk])
    page = leader.get(url)
    assert page.status_code == 200 and 'data-testid="bulletin-form"' not in page.content.decode()
    assert leader.post(url, {"version": bulletin.version, "analysis": "改"}).status_code == 403
    assert leader.post(reverse("bulletins:issue", args=[bulletin.pk]), {"version": 1}).status_code == 302
    assert leader.post(reverse("bulletins:index"), {"period": june["period"].pk}).status_code == 403


def test_the_public_sees_public_issued_bulletins_only(
    client_for: Any, june: dict[str, Any], office: Any
) -> None:
    public = _issue(office, services.bulletin_generate(actor=office, period=june["period"]), public=True)
    internal = _issue(office, services.bulletin_generate(actor=office, period=june["period"]))
    anon = client_for("anon")
    page = anon.get(reverse("portal:bulletins")).content.decode()
    assert reverse("portal:bulletin_download", args=[public.pk, "pdf"]) in page
    assert reverse("portal:bulletin_download", args=[internal.pk, "pdf"]) not in page
    assert anon.get(reverse("portal:bulletin_download", args=[public.pk, "docx"])).status_code == 200
    assert anon.get(reverse("portal:bulletin_download", args=[internal.pk, "docx"])).status_code == 404
    assert reverse("portal:bulletins") in anon.get(reverse("portal:index")).content.decode()


def _more_data(office: Any, june: dict[str, Any], django_capture_on_commit_callbacks: Any) -> None:
    """One more town reporting (targets, budget, a confirmed report) and two more findings."""
    from decimal import Decimal

    from bulletins.tests.conftest import confirm
    from funding.services import funding_line_create
    from orgs.models import Organisation
    from responsibility.services import target_set
    from supervision.services import finding_create

    shuoli = Organisation.objects.get(code="shuoli")
    for indicator, value in zip(june["indicators"], (10, 10, 100), strict=True):
        target_set(actor=office, indicator=indicator, unit=shuoli, value=Decimal(value))
    funding_line_create(
        actor=office, project=june["project"], unit=shuoli, source="province", original="500000"
    )
    with django_capture_on_commit_callbacks(execute=True):
        confirm(office, june, june["period"], [(shuoli, (1, 1, 10), "10000", "5000")])
    for n in range(2):
        finding_create(actor=office, description=f"问题{n}", responsible=shuoli, deadline=dt.date(2021, 8, 1))


def test_query_counts_do_not_grow_with_the_data(
    client_for: Any, june: dict[str, Any], office: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client = client_for("office")

    def counts() -> tuple[int, int, int]:
        with CaptureQueriesContext(connection) as generate:
            bulletin = services.bulletin_generate(actor=office, period=june["period"])
        with CaptureQueriesContext(connection) as page:
            assert client.get(reverse("bulletins:detail", args=[bulletin.pk])).status_code == 200
        with CaptureQueriesContext(connection) as download:
            assert client.get(reverse("bulletins:download", args=[bulletin.pk, "pdf"])).status_code == 200
        return len(generate), len(page), len(download)

    before = counts()
    _more_data(office, june, django_capture_on_commit_callbacks)
    after = counts()
    assert after == before, (before, after)
    print("queries (generate, page, download):", before)
