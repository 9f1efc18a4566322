"""The satisfaction surveys of the demo year (``make demo``): the default questionnaire, an 入户 survey of one
project in 石台镇 entered by the town's demo surveyor in November (published), and an open 线上 survey with a few
answers from the portal — all through the services, recorded in core.sample's ledger (``demo_clear`` removes
them), every name starting with 【示例】."""

from __future__ import annotations

import datetime as dt
from typing import Any

import time_machine
from django.utils import timezone

from catalogue.models import Program
from core import sample
from orgs.models import Membership, Organisation
from surveys import services
from surveys.models import Source

#: 40 sheets of the 入户 survey: (知晓 option, 满意 option) labels and how many answered so
VISIT = [
    (("知道", "满意"), 22),
    (("知道", "比较满意"), 9),
    (("知道", "一般"), 3),
    (("不知道", "比较满意"), 2),
    (("不知道", "一般"), 1),
    (("不知道", "不满意"), 1),
    (("不清楚", "不清楚"), 2),
]
ONLINE = [("知道", "满意"), ("知道", "比较满意"), ("不知道", "一般"), ("知道", "满意"), ("知道", "不清楚")]


def _at(day: dt.date) -> Any:
    return time_machine.travel(timezone.make_aware(dt.datetime.combine(day, dt.time(10))), tick=False)


def _user(username: str) -> Any:
    found = Membership.objects.filter(user__username=username).select_related("user").first()
    return found.user if found else None


def surveys_demo(*, program: Program) -> dict[str, int]:
    """Add the survey waves to the demo year; returns the demo rows per model (sample.sample_counts)."""
    office, surveyor = _user("demo_office"), _user("demo_town_shitai")
    shitai = Organisation.objects.filter(code="shitai").first()
    if office is None or surveyor is None or shitai is None:
        return sample.sample_counts()
    projects = program.projects.filter(lead_department__isnull=False, implementing_units=shitai).order_by(
        "order"
    )
    project = projects.filter(indicators__category="satisfaction").first() or projects.first()
    if project is None:
        return sample.sample_counts()
    year = program.year
    with sample.recording():
        questionnaire = services.questionnaire_create_default(actor=office)
        options = {
            q.measure: {o.label: o.pk for o in q.options.all()}
            for q in questionnaire.questions.prefetch_related("options")
        }
        ids = {q.measure: q.pk for q in questionnaire.questions.all()}

        def choices(aware: str, satisfied: str) -> dict[int, int]:
            return {
                ids["aware"]: options["aware"][aware],
                ids["satisfaction"]: options["satisfaction"][satisfied],
            }

        with _at(dt.date(year, 10, 25)):
            visit = services.wave_create(
                actor=office,
                project=project,
                unit=shitai,
                questionnaire=questionnaire,
                name=f"【示例】{year}年石台镇{project.name}入户满意度调查",
                method="visit",
                sample_size=40,
                start=dt.date(year, 11, 1),
                end=dt.date(year, 11, 20),
            )
            online = services.wave_create(
                actor=office,
                project=project,
                unit=shitai,
                questionnaire=questionnaire,
                name=f"【示例】{year}年石台镇{project.name}网上满意度调查",
                method="online",
                sample_size=100,
                start=dt.date(year, 11, 1),
                end=dt.date(year, 12, 31),
                is_open=True,
            )
        n = 0
        for (aware, satisfied), count in VISIT:
            for _ in range(count):
                with _at(dt.date(year, 11, 1 + n % 20)):
                    services.response_record(
                        wave=visit, choices=choices(aware, satisfied), source=Source.SURVEYOR, actor=surveyor
                    )
                n += 1
        with _at(dt.date(year, 11, 25)):
            services.wave_update(
                actor=office, wave=visit, data={"is_published": True}, expected_version=visit.version
            )
        for k, (aware, satisfied) in enumerate(ONLINE):
            with _at(dt.date(year, 11, 5 + k)):
                services.response_record(wave=online, choices=choices(aware, satisfied), source=Source.PORTAL)
    return sample.sample_counts()
