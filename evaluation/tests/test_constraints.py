"""刚性约束: the units a run suggests (lowest-ranked N per group, the lowest 档次), 通报批评 / 约谈 recorded by
民生办 with date, attendees, commitments and deadline, closed with the follow-up; visible to the unit itself and
in the results notice."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from core.models import AuditEvent
from core.services import ConflictError
from evaluation import selectors, services
from evaluation.models import Constraint, UnitResult

pytestmark = pytest.mark.django_db

INTERVIEW = {
    "kind": "interview",
    "reason": "年度考评排名末位",
    "date": dt.date(2022, 1, 10),
    "attendees": "区民生办主任；段园镇镇长",
    "commitments": "一个月内完成资金拨付",
    "deadline": dt.date(2022, 2, 10),
}


def _record(office: Any, s: dict[str, Any], unit: Any = None, **data: Any) -> Constraint:
    return services.constraint_record(
        actor=office,
        program=s["program"],
        run=s["run"],
        unit=unit or s["duanyuan"],
        data={**INTERVIEW, **data},
    )


def test_lowest_ranked_and_lowest_band_units_are_suggested(office: Any, assessed: Any) -> None:
    run = assessed["run"]
    suggested = dict((r.unit.code, why) for r, why in selectors.constraint_suggestions(run=run, recorded=[]))
    lowest = UnitResult.objects.filter(run=run, band="不合格").values_list("unit__code", flat=True)
    assert set(suggested) == set(lowest) and "shitai" not in suggested and "duanyuan" not in suggested
    scheme = assessed["scheme"]
    services.scheme_update(
        actor=office,
        scheme=scheme,
        data={"constrain_bottom": 0, "constrain_lowest_band": False},
        expected_version=scheme.version,
    )
    run.refresh_from_db()
    assert selectors.constraint_suggestions(run=run, recorded=[]) == []


def test_lowest_ranked_suggestion_counts_per_group_with_ties(office: Any, assessed: Any) -> None:
    run = assessed["run"]
    UnitResult.objects.filter(run=run, group="local").exclude(
        unit__in=[assessed["shitai"], assessed["duanyuan"]]
    ).delete()
    scheme = assessed["scheme"]
    services.scheme_update(
        actor=office,
        scheme=scheme,
        data={"constrain_bottom": 1, "constrain_lowest_band": False},
        expected_version=scheme.version,
    )
    run.refresh_from_db()
    towns = [
        r.unit.code for r, _ in selectors.constraint_suggestions(run=run, recorded=[]) if r.group == "local"
    ]
    assert towns == ["duanyuan"]
    UnitResult.objects.filter(run=run, unit=assessed["shitai"]).update(rank=2)  # a tie at the cut: both
    run.refresh_from_db()
    towns = [
        r.unit.code for r, _ in selectors.constraint_suggestions(run=run, recorded=[]) if r.group == "local"
    ]
    assert sorted(towns) == ["duanyuan", "shitai"]


def test_an_interview_is_recorded_audited_and_closed(office: Any, assessed: Any) -> None:
    c = _record(office, assessed)
    assert AuditEvent.objects.filter(object_id=str(c.pk), action="create").exists()
    services.constraint_close(actor=office, constraint=c, follow_up="已完成拨付", expected_version=c.version)
    c.refresh_from_db()
    assert not c.is_open and c.follow_up == "已完成拨付"
    with pytest.raises(ValidationError):
        services.constraint_close(actor=office, constraint=c, follow_up="再次", expected_version=c.version)


def test_a_stale_close_is_refused(office: Any, assessed: Any) -> None:
    c = _record(office, assessed)
    with pytest.raises(ConflictError):
        services.constraint_close(
            actor=office, constraint=c, follow_up="已完成", expected_version=c.version + 1
        )


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"attendees": ""}, "attendees"),
        ({"commitments": "  "}, "commitments"),
        ({"reason": ""}, "reason"),
        ({"deadline": dt.date(2022, 1, 1)}, "deadline"),
        ({"date": dt.date(1990, 1, 1)}, "date"),
        ({"reason": "长" * 5000}, "reason"),
    ],
)
def test_bad_constraints_are_refused_naming_the_field(
    office: Any, assessed: Any, data: dict[str, Any], field: str
) -> None:
    with pytest.raises(ValidationError) as exc:
        _record(office, assessed, **data)
    assert field in exc.value.message_dict


def test_only_the_office_records_constraints(town_shitai: Any, leader: Any, assessed: Any) -> None:
    for actor in (town_shitai, leader):
        with pytest.raises(PermissionDenied):
            _record(actor, assessed)


def test_a_unit_outside_the_run_is_refused(office: Any, assessed: Any) -> None:
    from orgs.models import Organisation

    outsider = Organisation.objects.get(code="supervisors")
    with pytest.raises(ValidationError) as exc:
        _record(office, assessed, unit=outsider)
    assert "unit" in exc.value.message_dict


def test_page_records_an_interview_and_the_unit_sees_only_its_own(client_for: Any, assessed: Any) -> None:
    url = reverse("evaluation:incentives", args=[assessed["run"].pk])
    c = client_for("office")
    assert "登记约束措施" in c.get(url).content.decode()
    form = {
        "action": "constraint",
        "c-unit": assessed["duanyuan"].pk,
        "c-kind": "interview",
        "c-reason": "年度考评排名末位",
        "c-date": "2022-01-10",
        "c-attendees": "",
        "c-commitments": "",
    }
    body = c.post(url, form).content.decode()
    assert "约谈须填写参加人员" in body and not Constraint.objects.exists()
    form.update({"c-attendees": "镇长", "c-commitments": "一个月内整改到位", "c-deadline": "2022-02-10"})
    assert c.post(url, form).status_code == 302
    c.post(
        url,
        {
            **form,
            "c-unit": assessed["shitai"].pk,
            "c-kind": "criticism",
            "c-reason": "报表逾期",
            "c-commitments": "按期报送",
        },
    )
    assert Constraint.objects.count() == 2

    town = client_for("town_shitai")
    mine = UnitResult.objects.get(run=assessed["run"], unit=assessed["shitai"])
    page = town.get(reverse("evaluation:result", args=[mine.pk])).content.decode()
    assert "通报批评 2022-01-10：报表逾期" in page and "一个月内整改到位" not in page


def test_results_notice_lists_the_criticisms_and_interviews(
    client_for: Any, office: Any, assessed: Any
) -> None:
    import docx

    _record(office, assessed)
    url = reverse("evaluation:run", args=[assessed["run"].pk]) + "?format=docx"
    document = docx.Document(io.BytesIO(client_for("town_shitai").get(url).content))
    rows = ["\t".join(cell.text for cell in row.cells) for t in document.tables for row in t.rows]
    text = "\n".join(p.text for p in document.paragraphs)
    assert "通报批评和约谈" in text
    assert "段园镇\t约谈\t2022-01-10\t年度考评排名末位\t一个月内完成资金拨付\t2022-02-10" in rows


def test_api_records_and_closes_a_constraint_scoped_to_the_unit(client_for: Any, assessed: Any) -> None:
    c = client_for("office")
    body = {
        "run": assessed["run"].pk,
        "unit": assessed["duanyuan"].pk,
        "kind": "interview",
        "reason": "排名末位",
        "date": "2022-01-10",
        "attendees": "",
        "commitments": "整改",
    }
    refused = c.post("/api/constraints/", body, content_type="application/json")
    assert refused.status_code == 400 and "attendees" in refused.json()
    created = c.post("/api/constraints/", {**body, "attendees": "镇长"}, content_type="application/json")
    assert created.status_code == 201, created.content
    row = created.json()
    closed = c.post(
        f"/api/constraints/{row['id']}/close/",
        {"expected_version": row["version"], "follow_up": "已整改"},
        content_type="application/json",
    )
    assert closed.status_code == 200 and closed.json()["closed_at"]
    assert client_for("town_shitai").get("/api/constraints/").json()["results"] == []
    assert len(client_for("leader").get("/api/constraints/").json()["results"]) == 1
