"""The access matrix of the performance pages, files and API, on the shared scoping scene
(core/tests/scoping.py) plus one 申报表, 监控表 and 自评表 of the scene's 农村危房改造 (led neither by the
department persona nor by any town): personas × URLs with the expected status, the marker text never shown to
whom may not see it, and no write through the pages by whoever may not draft."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.urls import reverse

from core.tests.scoping import PROBES, ROLES, build_scene

pytestmark = pytest.mark.django_db

MARKER = "标记-绩效"
#: who must never see the marker: the department (not the lead), towns, supervisors, the public
HIDDEN_FROM = {"dept_health", "town_shitai", "supervisor", "anon"}
#          admin office leader dept town superv anon
INSIDE = [200, 200, 200, 404, 404, 404, 302]
MENU = [200, 200, 200, 200, 403, 403, 302]
API_LIST = [200, 200, 200, 200, 403, 403, 403]  # no rows at all: refused, as elsewhere
API_ONE = [200, 200, 200, 404, 403, 403, 403]


@pytest.fixture
def scene(office: Any, persona: Any, settings: Any, tmp_path: Any) -> dict[str, Any]:
    from evaluation import services

    settings.MEDIA_ROOT = tmp_path
    scene = build_scene(office, persona)
    project = scene["program"].projects.get(name="农村危房改造")
    scene["project"] = project
    scene["target"] = services.performance_target_save(
        actor=office, project=project, data={"overall_goal": MARKER, "annual_goal": MARKER}
    )
    scene["sheet"] = services.monitoring_save(
        actor=office, project=project, month=7, data={"measures": MARKER}
    )
    scene["evaluation"] = services.self_evaluation_save(
        actor=office, project=project, data={"department_opinion": MARKER}
    )
    return scene


def _r(name: str, *args: Any) -> str:
    return reverse(name, args=args)


ROWS: list[tuple[str, Callable[[dict[str, Any]], str], list[int]]] = [
    ("index", lambda s: _r("evaluation:index"), MENU),
    ("index of the year", lambda s: _r("evaluation:index_program", s["program"].pk), MENU),
    ("monitoring", lambda s: _r("evaluation:monitoring", s["program"].pk), MENU),
    ("monitoring ?month=13", lambda s: _r("evaluation:monitoring", s["program"].pk) + "?month=13", MENU),
    ("monitoring xlsx", lambda s: _r("evaluation:monitoring", s["program"].pk) + "?format=xlsx", MENU),
    ("target", lambda s: _r("evaluation:target", s["project"].pk), INSIDE),
    ("target docx", lambda s: _r("evaluation:target", s["project"].pk) + "?format=docx", INSIDE),
    ("target xlsx", lambda s: _r("evaluation:target", s["project"].pk) + "?format=xlsx", INSIDE),
    ("monitoring sheet", lambda s: _r("evaluation:monitoring_edit", s["project"].pk, 7), INSIDE),
    ("self-evaluation", lambda s: _r("evaluation:self", s["project"].pk), INSIDE),
    ("api targets", lambda s: "/api/performance-targets/", API_LIST),
    ("api target", lambda s: f"/api/performance-targets/{s['target'].pk}/", API_ONE),
    ("api monitoring", lambda s: "/api/monitoring-sheets/", API_LIST),
    ("api monitoring one", lambda s: f"/api/monitoring-sheets/{s['sheet'].pk}/", API_ONE),
    ("api evaluations", lambda s: "/api/self-evaluations/", API_LIST),
    ("api evaluation", lambda s: f"/api/self-evaluations/{s['evaluation'].pk}/", API_ONE),
]


def _text(response: Any) -> str:
    import io
    import zipfile

    body = response.content
    if body[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            body = b"".join(archive.read(n) for n in archive.namelist() if n.endswith(".xml"))
    return body.decode("utf-8", "replace")


@pytest.mark.parametrize("role", ROLES)
def test_every_page_file_and_endpoint(client_for: Any, scene: dict[str, Any], role: str) -> None:
    client = client_for(role)
    i = ROLES.index(role)
    wrong = []
    for label, url, expected in ROWS:
        response = client.get(url(scene))
        PROBES.count += 1
        if response.status_code != expected[i]:
            wrong.append(f"{role} GET {label}: {response.status_code}, expected {expected[i]}")
        if role in HIDDEN_FROM and MARKER in _text(response):
            wrong.append(f"{role} GET {label}: shows {MARKER}")
            PROBES.leaks.append(label)
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("role", ROLES)
def test_no_write_without_the_right(client_for: Any, scene: dict[str, Any], role: str) -> None:
    from evaluation.models import MonitoringSheet, PerformanceTarget, SelfEvaluation

    client = client_for(role)
    target, evaluation = scene["target"], scene["evaluation"]
    probes = [
        (
            _r("evaluation:target", scene["project"].pk),
            {"action": "save", "overall_goal": "越权", "annual_goal": "越权"},
        ),
        (_r("evaluation:target", scene["project"].pk), {"action": "approve", "version": target.version}),
        (_r("evaluation:monitoring_edit", scene["project"].pk, 7), {"measures": "越权"}),
        (_r("evaluation:self", scene["project"].pk), {"action": "save", "department_opinion": "越权"}),
        ("/api/performance-targets/", {"project": scene["project"].pk, "overall_goal": "越权"}),
        (f"/api/self-evaluations/{evaluation.pk}/", {"department_opinion": "越权"}),
    ]
    for url, data in probes:
        client.post(url, data)
        PROBES.count += 1
    changed = (
        PerformanceTarget.objects.filter(overall_goal="越权").exists()
        or PerformanceTarget.objects.exclude(status="draft").exists()
        or MonitoringSheet.objects.filter(measures="越权").exists()
        or SelfEvaluation.objects.filter(department_opinion="越权").exists()
    )
    may = role in {"admin", "office"}
    assert changed == may, role
