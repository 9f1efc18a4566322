"""The survey scene: the default questionnaire and an online wave of 农村危房改造 in 石台镇 (the project led, for
these tests, by 区卫健委 so ``dept_health`` is its lead department), and a helper answering it."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from orgs.models import Organisation


@pytest.fixture
def survey(office: Any) -> dict[str, Any]:
    from catalogue.models import Program, Project
    from surveys import services

    program = Program.objects.get(year=2021)
    project = Project.objects.get(program=program, name="农村危房改造")
    Project.objects.filter(pk=project.pk).update(lead_department=Organisation.objects.get(code="wjw"))
    project.refresh_from_db()
    questionnaire = services.questionnaire_create_default(actor=office)
    shitai = Organisation.objects.get(code="shitai")
    today = dt.date.today()
    wave = services.wave_create(
        actor=office,
        project=project,
        unit=shitai,
        questionnaire=questionnaire,
        name="测试·石台镇危房改造满意度调查",
        method="online",
        sample_size=10,
        start=today - dt.timedelta(days=10),
        end=today + dt.timedelta(days=10),
        is_open=True,
    )
    aware, satisfied = questionnaire.questions.order_by("order")
    return {
        "program": program,
        "project": project,
        "questionnaire": questionnaire,
        "wave": wave,
        "shitai": shitai,
        "aware": {o.label: o for o in aware.options.all()},
        "satisfied": {o.label: o for o in satisfied.options.all()},
        "questions": (aware, satisfied),
    }


def answer(actor: Any, survey: dict[str, Any], aware: str, satisfied: str, wave: Any = None) -> Any:
    from surveys import services

    q_aware, q_satisfied = survey["questions"]
    return services.response_record(
        wave=wave or survey["wave"],
        choices={q_aware.pk: survey["aware"][aware].pk, q_satisfied.pk: survey["satisfied"][satisfied].pk},
        source="surveyor",
        actor=actor,
    )


#: 10 answer sheets: 知晓 6 知道, 3 不知道, 1 不清楚; 满意 3 满意, 2 比较满意, 2 一般, 1 不满意, 2 不清楚
SHEETS = [
    ("知道", "满意"),
    ("知道", "满意"),
    ("知道", "满意"),
    ("知道", "比较满意"),
    ("知道", "比较满意"),
    ("知道", "一般"),
    ("不知道", "一般"),
    ("不知道", "不满意"),
    ("不知道", "不清楚"),
    ("不清楚", "不清楚"),
]
