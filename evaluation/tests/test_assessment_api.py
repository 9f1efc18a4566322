"""The assessment's API: schemes, runs triggered through the service, unit results with their item scores (the
drill-down rows), manual scores with versions, sampled checks, objections and re-scores, each through the policy;
the published totals and 档次 on the public API; bad input answered in Chinese naming the field."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D
from typing import Any

import pytest

from evaluation import services
from evaluation.models import ItemScore, Metric, RuleKind
from evaluation.tests.conftest import confirmed

pytestmark = pytest.mark.django_db


def _json(client: Any, method: str, url: str, data: dict[str, Any] | None = None) -> Any:
    return getattr(client, method)(url, data or {}, content_type="application/json")


@pytest.fixture
def scheme(perf: dict[str, Any], office: Any) -> Any:
    return services.scheme_create_from_template(actor=office, program=perf["program"])


@pytest.fixture
def run(scheme: Any, perf: dict[str, Any], office: Any) -> Any:
    from supervision.services import finding_create

    finding_create(
        actor=office,
        description="石台镇问题逾期未整改",
        responsible=perf["shitai"],
        deadline=dt.date(2021, 4, 1),
        project=perf["project"],
    )
    return services.run_compute(actor=office, scheme=scheme, month=12)


def _score(run: Any, unit: Any, metric: str = "", rule: str = RuleKind.AUTO) -> ItemScore:
    qs = ItemScore.objects.filter(result__run=run, result__unit=unit, item__rule=rule)
    return (qs.filter(item__metric=metric, item__track__order=1) if metric else qs).first()


def test_scheme_reads_tracks_items_and_formulas(client_for: Any, scheme: Any) -> None:
    body = client_for("town_shitai").get(f"/api/assessment-schemes/{scheme.pk}/").json()
    assert [t["name"] for t in body["tracks"]] == ["综合考核", "单项考核", "社会问卷调查"]
    first = body["tracks"][0]["items"][0]
    assert first["points"] == "10.00" and "序时完成率" in first["formula"]


def test_office_creates_the_scheme_and_changes_bands(client_for: Any, perf: dict[str, Any]) -> None:
    town = _json(
        client_for("town_shitai"), "post", "/api/assessment-schemes/", {"program": perf["program"].pk}
    )
    assert town.status_code == 403
    office = client_for("office")
    made = _json(office, "post", "/api/assessment-schemes/", {"program": perf["program"].pk})
    assert made.status_code == 201, made.content
    again = _json(office, "post", "/api/assessment-schemes/", {"program": perf["program"].pk})
    assert again.status_code == 400 and "已有考评办法" in again.content.decode()
    url = f"/api/assessment-schemes/{made.json()['id']}/"
    bands = [{"label": "好", "min": "85"}, {"label": "差", "min": "0"}]
    changed = _json(office, "patch", url, {"bands": bands, "version": 1})
    assert changed.status_code == 200 and changed.json()["bands"][0] == {"label": "好", "min": "85.00"}
    assert _json(office, "patch", url, {"title": "改", "version": 1}).status_code == 409


def test_office_triggers_a_run_town_may_not(client_for: Any, scheme: Any) -> None:
    payload = {"scheme": scheme.pk, "month": 12}
    assert _json(client_for("town_shitai"), "post", "/api/assessment-runs/", payload).status_code == 403
    made = _json(client_for("office"), "post", "/api/assessment-runs/", payload)
    assert made.status_code == 201 and made.json()["status"] == "computed"
    annual = _json(
        client_for("office"), "post", "/api/assessment-runs/", {"scheme": scheme.pk, "annual": True}
    )
    assert annual.status_code == 201 and annual.json()["month"] == 12 and annual.json()["annual"]


def test_town_sees_its_own_result_with_items_only(client_for: Any, run: Any, perf: dict[str, Any]) -> None:
    town = client_for("town_shitai")
    rows = town.get(f"/api/assessment-results/?run={run.pk}").json()["results"]
    assert [r["unit"] for r in rows] == [perf["shitai"].pk]
    assert rows[0]["items"] and all(i["result"] == rows[0]["id"] for i in rows[0]["items"])
    other = run.results.get(unit=perf["duanyuan"])
    assert town.get(f"/api/assessment-results/{other.pk}/").status_code == 404
    assert town.get(f"/api/assessment-scores/{_score(run, perf['duanyuan']).pk}/").status_code == 404
    everyone = client_for("leader").get(f"/api/assessment-results/?run={run.pk}").json()["results"]
    assert len(everyone) > 1


def test_drill_down_names_the_finding_that_cost_points(
    client_for: Any, run: Any, perf: dict[str, Any]
) -> None:
    score = _score(run, perf["shitai"], Metric.RECTIFIED)
    body = client_for("town_shitai").get(f"/api/assessment-scores/{score.pk}/").json()
    assert body["score"] == "0.00" and body["points"] == "8.00" and "整改率" in body["formula"]
    (row,) = body["rows"]
    assert row["model"] == "supervision.finding" and not row["ok"] and row["url"].startswith("/")
    assert "石台镇问题逾期未整改" in row["text"]


def test_objection_by_the_unit_answered_by_office_rescores(
    client_for: Any, run: Any, perf: dict[str, Any]
) -> None:
    score = _score(run, perf["shitai"], Metric.RECTIFIED)
    town = client_for("town_shitai")
    other = _score(run, perf["duanyuan"], Metric.RECTIFIED)
    refused = _json(town, "post", "/api/assessment-objections/", {"score": other.pk, "text": "不服"})
    assert refused.status_code == 400 and "score" in refused.json()
    filed = _json(town, "post", "/api/assessment-objections/", {"score": score.pk, "text": "已于期限内整改"})
    assert filed.status_code == 201, filed.content
    url = f"/api/assessment-objections/{filed.json()['id']}/answer/"
    assert _json(town, "post", url, {"answer": "自己答复"}).status_code == 403
    office = client_for("office")
    too_much = _json(office, "post", url, {"answer": "核实属实", "new_score": "9"})
    assert too_much.status_code == 400 and "new_score" in too_much.json()
    answered = _json(office, "post", url, {"answer": "核实属实", "new_score": "8"})
    assert answered.status_code == 200 and not answered.json()["is_open"]
    body = town.get(f"/api/assessment-scores/{score.pk}/").json()
    assert body["score"] == "8.00" and body["computed"] == "0.00"
    assert body["rescores"][0]["old"] == "0.00" and body["rescores"][0]["new"] == "8.00"


def test_rescore_needs_the_version_read(client_for: Any, run: Any, perf: dict[str, Any]) -> None:
    score = _score(run, perf["shitai"], Metric.ON_TIME)
    office = client_for("office")
    url = f"/api/assessment-scores/{score.pk}/rescore/"
    done = _json(office, "post", url, {"value": "3", "reason": "核减", "version": score.version})
    assert done.status_code == 200 and done.json()["score"] == "3.00"
    stale = _json(office, "post", url, {"value": "2", "reason": "再核减", "version": score.version})
    assert stale.status_code == 409
    assert (
        _json(client_for("town_shitai"), "post", url, {"value": "5", "reason": "x", "version": 2}).status_code
        == 403
    )


def test_manual_score_is_versioned_and_audited_old_to_new(
    client_for: Any, run: Any, perf: dict[str, Any]
) -> None:
    from core.models import AuditEvent

    score = _score(run, perf["shitai"], rule=RuleKind.MANUAL)
    office = client_for("office")
    url = f"/api/assessment-scores/{score.pk}/"
    first = _json(
        office, "patch", url, {"value": "4", "evidence": "会议记录", "scorer_name": "张三", "version": 1}
    )
    assert first.status_code == 200, first.content
    second = _json(
        office, "patch", url, {"value": "3", "evidence": "复核", "scorer_name": "李四", "version": 2}
    )
    assert second.status_code == 200 and second.json()["version"] == 3
    stale = _json(
        office, "patch", url, {"value": "5", "evidence": "晚了", "scorer_name": "王五", "version": 2}
    )
    assert stale.status_code == 409
    events = AuditEvent.objects.filter(reason="人工评分", object_id=str(score.pk)).order_by("id")
    assert [(e.before.get("computed"), e.after.get("computed")) for e in events] == [
        (None, "4.00"),
        ("4.00", "3.00"),
    ]


def test_bad_input_is_answered_in_chinese_naming_the_field(
    client_for: Any, run: Any, perf: dict[str, Any]
) -> None:
    office = client_for("office")
    month = _json(office, "post", "/api/assessment-runs/", {"scheme": run.scheme_id, "month": 13})
    assert month.status_code == 400 and "month" in month.json()
    missing = _json(office, "post", "/api/assessment-runs/", {"scheme": run.scheme_id})
    assert missing.status_code == 400 and "截至月份" in missing.json()["month"][0]
    score = _score(run, perf["shitai"], Metric.ON_TIME)
    big = _json(
        office,
        "post",
        f"/api/assessment-scores/{score.pk}/rescore/",
        {"value": "99", "reason": "x", "version": 1},
    )
    assert big.status_code == 400 and "分值" in big.json()["value"][0]
    bands = _json(
        office,
        "patch",
        f"/api/assessment-schemes/{run.scheme_id}/",
        {"bands": [{"label": "好", "min": "x"}], "version": 1},
    )
    assert bands.status_code == 400 and "bands" in bands.json()
    assert office.get("/api/assessment-results/?run=abc").status_code == 400
    locked_free = _json(office, "post", f"/api/assessment-runs/{run.pk}/publish/")
    assert locked_free.status_code == 400 and "审定" in locked_free.content.decode()


def test_sample_check_failure_needs_a_note(
    client_for: Any, scheme: Any, perf: dict[str, Any], office: Any
) -> None:
    confirmed(office, perf, unit="shitai", month=1, values=(1, 1, 10), arrived="100000", spent="50000")
    run = services.run_compute(actor=office, scheme=scheme, month=12)
    score = _score(run, perf["shitai"], rule=RuleKind.SAMPLE)
    check = score.samples.first()
    client = client_for("office")
    url = f"/api/assessment-samples/{check.pk}/"
    assert _json(client, "patch", url, {"passed": False}).status_code == 400
    done = _json(client, "patch", url, {"passed": False, "note": "与台账不符"})
    assert done.status_code == 200, done.content
    score.refresh_from_db()
    assert score.computed == D(8)
    assert _json(client_for("town_shitai"), "patch", url, {"passed": True}).status_code == 403


def test_public_api_shows_published_totals_and_bands_only(client_for: Any, run: Any, office: Any) -> None:
    from catalogue.models import Program

    Program.objects.filter(pk=run.scheme.program_id).update(status=Program.Status.PUBLISHED)
    anon = client_for("anon")
    assert anon.get("/api/public/assessments/").json() == []
    assert anon.get(f"/api/public/assessments/{run.pk}/").status_code == 404
    for manual in ItemScore.objects.filter(result__run=run, detail__manual=True):
        services.manual_score_save(
            actor=office, score=manual, value=D(4), evidence="依据", scorer_name="张三"
        )
    services.run_approve(actor=office, run=run)
    services.run_publish(actor=office, run=run)
    (published,) = anon.get("/api/public/assessments/").json()
    assert published["id"] == run.pk and published["results"]
    assert set(published["results"][0]) == {"unit", "group", "score", "band", "rank"}
    assert "张三" not in anon.get(f"/api/public/assessments/{run.pk}/").content.decode()
    assert anon.get("/api/assessment-scores/").status_code == 403
    assert (
        _json(anon, "post", "/api/assessment-runs/", {"scheme": run.scheme_id, "month": 1}).status_code == 403
    )
