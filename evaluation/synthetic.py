"""Synthetic assessment and survey data (示例, for benchmarks): for the newest sample program of every sample
district that has none yet, the default assessment scheme (automatic items from the template), 目标责任状 of its
units, supervision findings, disclosures, assets with or without a custodian, a few returned reports and one
satisfaction survey wave per unit with answer sheets. Bulk-inserted (no audit, no signals), seeded.

Called by ``generate_synthetic`` after the reports (reporting.synthetic) are made."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from catalogue.models import Program, Project

#: per unit: findings, disclosures, survey answer sheets; per project: assets
FINDINGS, DISCLOSURES, SHEETS, ASSETS = 6, 4, 30, 1


def _questionnaire() -> Any:
    """The default questionnaire (made once, as surveys.services makes it, without an actor)."""
    from surveys.models import Option, Question, Questionnaire
    from surveys.services import DEFAULT_NAME, DEFAULT_QUESTIONS

    found = Questionnaire.objects.filter(name=DEFAULT_NAME).first()
    if found is not None:
        return found
    questionnaire = Questionnaire.objects.create(name=DEFAULT_NAME, intro="示例", is_default=True)
    for q, (text, measure, options) in enumerate(DEFAULT_QUESTIONS, start=1):
        question = Question.objects.create(questionnaire=questionnaire, order=q, text=text, measure=measure)
        Option.objects.bulk_create(
            Option(
                question=question,
                order=o,
                label=label,
                score=score,
                counts_aware=aware,
                counts_satisfied=satisfied,
                excluded=excluded,
            )
            for o, (label, score, aware, satisfied, excluded) in enumerate(options, start=1)
        )
    return questionnaire


def _scheme(program: Program) -> Any:
    from evaluation.assessment import template_tracks
    from evaluation.models import DEFAULT_BANDS, Item, Scheme, Track

    scheme = Scheme.objects.create(
        program=program,
        title=f"示例{program.year}年{program.noun}目标管理绩效考评办法",
        bands=list(DEFAULT_BANDS),
    )
    for n, spec in enumerate(template_tracks(), start=1):
        track = Track.objects.create(
            scheme=scheme, order=n, name=spec["name"], kind=spec["kind"], applies_to=spec["applies_to"]
        )
        Item.objects.bulk_create(
            Item(track=track, order=i, name=name, points=Decimal(points), rule=rule, metric=metric, **extra)
            for i, (name, points, rule, metric, extra) in enumerate(spec["items"], start=1)
        )
    return scheme


def generate(*, seed: int = 2021, batch: int = 20000) -> int:
    """Assessment and survey data for every sample district's newest program without a scheme; returns how many
    programs were given data."""
    from evaluation.models import Scheme

    rng = random.Random(seed)
    questionnaire = _questionnaire()
    questions = list(questionnaire.questions.prefetch_related("options").order_by("order"))
    newest = dict(
        Program.objects.filter(is_sample=True).values_list("issuer_id").annotate(y=Max("year")).order_by()
    )
    done = 0
    programs = Program.objects.filter(is_sample=True).exclude(id__in=Scheme.objects.values("program_id"))
    for program in programs.order_by("id"):
        if newest.get(program.issuer_id) != program.year:
            continue
        with transaction.atomic():
            _program(rng, program, questionnaire, questions, batch)
        done += 1
    return done


def _program(
    rng: random.Random, program: Program, questionnaire: Any, questions: list[Any], batch: int
) -> None:
    from disclosure.models import Disclosure
    from reporting.models import Report, Status, Transition
    from responsibility.models import Letter
    from supervision.models import Finding
    from surveys.models import Answer, Method, Response, Source, Wave
    from upkeep.models import Asset

    _scheme(program)
    projects = list(
        Project.objects.filter(program=program).select_related("lead_department").order_by("order")
    )
    units = sorted({u for p in projects for u in p.implementing_units.all()}, key=lambda u: (u.order, u.pk))
    depts = sorted({p.lead_department for p in projects if p.lead_department}, key=lambda d: d.pk)
    year = program.year
    Letter.objects.bulk_create(
        Letter(
            program=program,
            organisation=org,
            status=Letter.Status.SIGNED if rng.random() < 0.85 else Letter.Status.ISSUED,
            signed_date=dt.date(year, 3, 1),
        )
        for org in [*units, *depts]
    )
    findings, disclosures = [], []
    for unit in units:
        for n in range(FINDINGS):
            deadline = dt.date(year, rng.randint(2, 11), rng.randint(1, 28))
            roll = rng.random()
            closed = None
            if roll < 0.7:  # closed on time
                closed = deadline - dt.timedelta(days=rng.randint(0, 20))
            elif roll < 0.85:  # closed late
                closed = deadline + dt.timedelta(days=rng.randint(1, 30))
            findings.append(
                Finding(
                    source=Finding.Source.INSPECTION,
                    project=rng.choice(projects),
                    description=f"示例问题{n + 1}：台账不完整",
                    responsible=unit,
                    deadline=deadline,
                    status=Finding.Status.CLOSED if closed else Finding.Status.OPEN,
                    closed_at=timezone.make_aware(dt.datetime.combine(closed, dt.time(10)))
                    if closed
                    else None,
                )
            )
        for n in range(DISCLOSURES):
            due = dt.date(year, rng.randint(1, 11), rng.randint(1, 28))
            late = rng.random() < 0.2
            disclosures.append(
                Disclosure(
                    program=program,
                    project=rng.choice(projects),
                    unit=unit,
                    title=f"示例公示{n + 1}",
                    place="村务公开栏",
                    due=due,
                    start=None if rng.random() < 0.05 else due + dt.timedelta(days=3 if late else -2),
                )
            )
    Finding.objects.bulk_create(findings, batch_size=batch)
    Disclosure.objects.bulk_create(disclosures, batch_size=batch)
    Asset.objects.bulk_create(
        (
            Asset(
                project=p,
                name=f"{p.name}示例资产{n + 1}",
                location="示例",
                owner="示例",
                custodian=rng.choice(units) if rng.random() < 0.8 else None,
            )
            for p in projects
            for n in range(ASSETS)
        ),
        batch_size=batch,
    )
    # about one report in fifty was returned once before being confirmed
    returned = [
        r
        for r in Report.objects.filter(period__program=program).values_list("id", flat=True).order_by("id")
        if rng.random() < 0.02
    ]
    Transition.objects.bulk_create(
        (Transition(report_id=r, from_status=Status.SUBMITTED, to_status=Status.RETURNED) for r in returned),
        batch_size=batch,
    )
    waves = Wave.objects.bulk_create(
        Wave(
            project=projects[0],
            unit=unit,
            questionnaire=questionnaire,
            name=f"示例{year}年满意度调查",
            method=Method.PHONE,
            sample_size=SHEETS,
            start=dt.date(year, 11, 1),
            end=dt.date(year, 11, 30),
        )
        for unit in units
    )
    sheets = Response.objects.bulk_create(
        (Response(wave=w, source=Source.SURVEYOR) for w in waves for _ in range(SHEETS)), batch_size=batch
    )
    options = {q.pk: list(q.options.all()) for q in questions}
    Answer.objects.bulk_create(
        (
            Answer(response=sheet, question=q, option=rng.choice(options[q.pk]))
            for sheet in sheets
            for q in questions
        ),
        batch_size=batch,
    )
