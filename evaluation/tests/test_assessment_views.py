"""The assessment pages end to end through the test client: 民生办 creates the scheme from the template and runs
December; 石台镇 opens its score, drills down to the finding that cost it points and objects; 民生办 answers and
re-scores, approves, publishes; the portal shows totals and 档次; the 通报 downloads as .docx and PDF."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal as D
from typing import Any

import pytest
from django.urls import reverse

from evaluation.models import ItemScore, Metric, Run, Scheme, UnitResult

pytestmark = pytest.mark.django_db


def test_office_to_portal_journey(client_for: Any, perf: dict[str, Any], office: Any) -> None:
    from supervision.services import finding_create

    program = perf["program"]
    finding = finding_create(
        actor=office,
        description="危房改造档案不全",
        responsible=perf["shitai"],
        deadline=dt.date(2021, 5, 1),
        project=perf["project"],
    )
    c = client_for("office")
    page = reverse("evaluation:assessment_program", args=[program.pk])
    assert c.post(page, {"action": "template"}).status_code == 302
    scheme = Scheme.objects.get(program=program)
    assert "计分公式" in c.get(page).content.decode()
    response = c.post(page, {"action": "compute", "month": "12"})
    run = Run.objects.get(scheme=scheme, month=12)
    assert response["Location"] == reverse("evaluation:run", args=[run.pk])
    assert "镇（街道）排名" in c.get(response["Location"]).content.decode()

    town = client_for("town_shitai")
    mine = UnitResult.objects.get(run=run, unit=perf["shitai"])
    other = UnitResult.objects.get(run=run, unit=perf["duanyuan"])
    ranking = town.get(reverse("evaluation:run", args=[run.pk])).content.decode()
    assert "段园" not in ranking  # before publication a town sees only its own total
    assert town.get(reverse("evaluation:result", args=[other.pk])).status_code == 404
    body = town.get(reverse("evaluation:result", args=[mine.pk])).content.decode()
    score = ItemScore.objects.get(result=mine, item__metric=Metric.RECTIFIED, item__track__order=1)
    assert reverse("evaluation:score", args=[score.pk]) in body
    detail = town.get(reverse("evaluation:score", args=[score.pk])).content.decode()
    assert reverse("supervision:finding_detail", args=[finding.pk]) in detail and "失分" in detail
    town.post(
        reverse("evaluation:score", args=[score.pk]), {"action": "object", "text": "已按期整改，附台账"}
    )
    objection = score.objections.get()

    c = client_for("office")
    c.post(
        reverse("evaluation:score", args=[score.pk]),
        {"action": "answer", "objection": objection.pk, "answer": "经核实已整改", "new_score": "8"},
    )
    score.refresh_from_db()
    assert score.score == D(8) and score.rescores.count() == 1
    for manual in ItemScore.objects.filter(result__run=run, detail__manual=True):
        c.post(
            reverse("evaluation:score", args=[manual.pk]),
            {"action": "manual", "value": "4", "evidence": "查阅台账", "scorer_name": "王五"},
        )
    run_page = reverse("evaluation:run", args=[run.pk])
    c.post(run_page, {"action": "approve"})
    c.post(run_page, {"action": "publish"})
    run.refresh_from_db()
    assert run.status == "published"
    for fmt, magic in (("docx", b"PK"), ("pdf", b"%PDF")):
        response = c.get(run_page + f"?format={fmt}")
        assert response.status_code == 200 and response.content.startswith(magic)

    anon = client_for("anon")
    portal = anon.get(reverse("portal:program", args=[program.pk])).content.decode()
    public = reverse("evaluation:public_results", args=[run.pk])
    assert public in portal
    text = anon.get(public).content.decode()
    mine.refresh_from_db()
    assert "石台" in text and mine.band in text
    assert re.search(r"王五|查阅台账|经核实", text) is None  # no scorer names or texts on the portal


def test_public_page_of_unpublished_run_is_404(client_for: Any, perf: dict[str, Any], office: Any) -> None:
    from evaluation import services

    scheme = services.scheme_create_from_template(actor=office, program=perf["program"])
    run = services.run_compute(actor=office, scheme=scheme, month=6)
    assert client_for("anon").get(reverse("evaluation:public_results", args=[run.pk])).status_code == 404


def test_scheme_edit_page_saves_bands_and_items(client_for: Any, perf: dict[str, Any], office: Any) -> None:
    from evaluation import services

    scheme = services.scheme_create_from_template(actor=office, program=perf["program"])
    c = client_for("office")
    page = reverse("evaluation:assessment_scheme", args=[perf["program"].pk])
    assert c.get(page).status_code == 200
    c.post(
        page,
        {
            "action": "scheme",
            "version": scheme.version,
            "title": "办法",
            "objection_days": "5",
            "bands": "优 90\n良 75\n差 0",
        },
    )
    scheme.refresh_from_db()
    assert [b["min"] for b in scheme.bands] == ["90", "75", "0"] and scheme.objection_days == 5
    track = scheme.tracks.first()
    c.post(
        page,
        {
            "action": "item",
            "track": track.pk,
            "item-order": "20",
            "item-name": "档案抽查",
            "item-points": "4",
            "item-rule": "sample",
            "item-per_failure": "1",
            "item-sample_source": "assets",
            "item-sample_size": "2",
        },
    )
    assert track.items.filter(name="档案抽查", rule="sample").exists()
    response = c.post(
        page,
        {
            "action": "item",
            "track": track.pk,
            "item-order": "21",
            "item-name": "坏",
            "item-points": "4",
            "item-rule": "auto",
        },
    )
    assert "须选择数据指标" in response.content.decode()
    assert c.get(page + "?item=abc").status_code == 404  # a bad id finds nothing, never a 500
    assert client_for("town_shitai").get(page).status_code == 403
