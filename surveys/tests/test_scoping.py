"""The access matrix of the survey pages, files and API: two waves of 农村危房改造 (led neither by the department
persona nor by any town), one in 石台镇 (the town persona's own, open online) and one in 段园镇 whose name carries
the marker; personas × URLs with the expected status, the marker never shown to whom may not see it, no answer
sheet written through the pages or the API by whoever may not enter."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.urls import reverse

from core.tests.scoping import PROBES, ROLES

pytestmark = pytest.mark.django_db

MARKER = "标记-调查"
HIDDEN_FROM = {"dept_health", "town_shitai", "supervisor", "anon"}
#           admin office leader dept town superv anon
MENU = [200, 200, 200, 200, 200, 403, 302]
OTHER = [200, 200, 200, 404, 404, 404, 302]
OWN = [200, 200, 200, 404, 200, 404, 302]
ENTER_OWN = [200, 200, 403, 404, 200, 404, 302]
ENTER_OTHER = [200, 200, 403, 404, 404, 404, 302]
NEW = [200, 200, 403, 200, 403, 403, 302]
PUBLIC = [200] * 7
GONE = [404] * 7
API_LIST = [200, 200, 200, 200, 200, 403, 403]
API_OTHER = [200, 200, 200, 404, 404, 403, 403]
API_OWN = [200, 200, 200, 404, 200, 403, 403]


@pytest.fixture
def scene(office: Any) -> dict[str, Any]:
    from catalogue.models import Program
    from orgs.models import Organisation
    from surveys import services

    program = Program.objects.get(year=2021)
    project = program.projects.get(name="农村危房改造")
    assert project.lead_department_id != Organisation.objects.get(code="wjw").pk
    questionnaire = services.questionnaire_create_default(actor=office)
    today = dt.date.today()
    common = {"actor": office, "project": project, "questionnaire": questionnaire, "sample_size": 10}
    own = services.wave_create(
        **common,
        unit=Organisation.objects.get(code="shitai"),
        name="石台镇调查",
        method="online",
        start=today - dt.timedelta(days=1),
        end=today + dt.timedelta(days=1),
        is_open=True,
    )
    other = services.wave_create(
        **common,
        unit=Organisation.objects.get(code="duanyuan"),
        name=f"{MARKER}段园镇",
        method="phone",
        start=today,
        end=today,
    )
    q_aware, q_satisfied = questionnaire.questions.order_by("order")
    choices = {q_aware.pk: q_aware.options.first().pk, q_satisfied.pk: q_satisfied.options.first().pk}
    for wave in (own, other):
        services.response_record(wave=wave, choices=choices, source="surveyor", actor=office)
    return {"own": own, "other": other, "choices": choices, "project": project}


def _r(name: str, *args: Any) -> str:
    return reverse(name, args=args)


ROWS: list[tuple[str, Callable[[dict[str, Any]], str], list[int]]] = [
    ("index", lambda s: _r("surveys:index"), MENU),
    ("new wave", lambda s: _r("surveys:wave_new"), NEW),
    ("other wave", lambda s: _r("surveys:wave", s["other"].pk), OTHER),
    ("other wave xlsx", lambda s: _r("surveys:wave", s["other"].pk) + "?format=xlsx", OTHER),
    ("own wave", lambda s: _r("surveys:wave", s["own"].pk), OWN),
    ("own wave xlsx", lambda s: _r("surveys:wave", s["own"].pk) + "?format=xlsx", OWN),
    ("edit other wave", lambda s: _r("surveys:wave_edit", s["other"].pk), ENTER_OTHER),
    ("edit own wave", lambda s: _r("surveys:wave_edit", s["own"].pk), [200, 200, 403, 404, 403, 404, 302]),
    ("enter own", lambda s: _r("surveys:enter", s["own"].pk), ENTER_OWN),
    ("enter other", lambda s: _r("surveys:enter", s["other"].pk), ENTER_OTHER),
    ("import own", lambda s: _r("surveys:import", s["own"].pk), ENTER_OWN),
    ("import template other", lambda s: _r("surveys:import", s["other"].pk) + "?template=1", ENTER_OTHER),
    ("answer own (open online)", lambda s: _r("surveys:answer", s["own"].pk), PUBLIC),
    ("answer other (not online)", lambda s: _r("surveys:answer", s["other"].pk), GONE),
    ("api waves", lambda s: "/api/survey-waves/", API_LIST),
    ("api other wave", lambda s: f"/api/survey-waves/{s['other'].pk}/", API_OTHER),
    ("api own wave", lambda s: f"/api/survey-waves/{s['own'].pk}/", API_OWN),
    ("api responses", lambda s: "/api/survey-responses/", API_LIST),
    ("api other response", lambda s: f"/api/survey-responses/{s['other'].responses.get().pk}/", API_OTHER),
    ("api questionnaires", lambda s: "/api/questionnaires/", API_LIST),
    ("api public results", lambda s: "/api/public/surveys/", PUBLIC),
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
    from surveys.models import Response, Wave

    client = client_for(role)
    other = scene["other"]
    form = {f"q{k}": v for k, v in scene["choices"].items()}
    api_answers = [{"question": k, "option": v} for k, v in scene["choices"].items()]
    before = Response.objects.filter(wave=other).count()
    client.post(_r("surveys:enter", other.pk), form)
    client.post(
        "/api/survey-responses/", {"wave": other.pk, "answers": api_answers}, content_type="application/json"
    )
    client.post(
        _r("surveys:wave_edit", other.pk),
        {
            "name": "越权",
            "method": "phone",
            "sample_size": "1",
            "start": "2021-01-01",
            "end": "2021-01-02",
            "version": other.version,
        },
    )
    client.patch(
        f"/api/survey-waves/{other.pk}/",
        {"name": "越权", "version": other.version},
        content_type="application/json",
    )
    for method in ("delete", "put"):
        getattr(client, method)(f"/api/survey-waves/{other.pk}/", {}, content_type="application/json")
        getattr(client, method)(
            f"/api/survey-responses/{other.responses.first().pk}/", {}, content_type="application/json"
        )
    PROBES.count += 8
    wrote = Response.objects.filter(wave=other).count() != before or Wave.objects.filter(name="越权").exists()
    assert Wave.objects.filter(pk=other.pk).exists() and Response.objects.filter(wave=other).count() >= before
    assert wrote == (role in {"admin", "office"}), role
