"""Reads of the satisfaction surveys: waves scoped by core.policy, the figures computed in one aggregate query
for any number of waves (surveys.results does the arithmetic), the portal feedback shown beside them."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Avg, Count, Q, QuerySet
from django.shortcuts import get_object_or_404

from catalogue.models import Project
from core.policy import restrict
from orgs.models import Organisation
from surveys import results
from surveys.models import Answer, Measure, Method, Questionnaire, Response, Wave


def waves(*, user: Any, program: Any = None, project: Any = None) -> QuerySet[Wave]:
    qs = Wave.objects.select_related("project__program", "unit", "questionnaire")
    if program is not None:
        qs = qs.filter(project__program=program)
    if project is not None:
        qs = qs.filter(project=project)
    return restrict(qs, user, "view")


def wave_get(*, user: Any, pk: int) -> Wave:
    return get_object_or_404(waves(user=user), pk=pk)


def questionnaires(*, user: Any) -> QuerySet[Questionnaire]:
    return restrict(Questionnaire.objects.prefetch_related("questions__options"), user, "view")


def open_wave_get(pk: int) -> Wave:
    """A wave answering online (the public page): 404 for any other."""
    return get_object_or_404(
        Wave.objects.select_related("project__program", "unit", "questionnaire").filter(
            is_open=True, method=Method.ONLINE
        ),
        pk=pk,
    )


def figures_for(wave_ids: list[int]) -> dict[int, results.Figures]:
    """The figures of each wave, in two aggregate queries whatever the number of waves."""
    tallies: dict[int, list[results.Tally]] = {pk: [] for pk in wave_ids}
    rows = (
        Answer.objects.filter(response__wave_id__in=wave_ids)
        .values(
            "response__wave_id",
            "question__measure",
            "option__score",
            "option__counts_aware",
            "option__counts_satisfied",
            "option__excluded",
        )
        .annotate(n=Count("id"))
        .order_by()
    )
    for row in rows:
        tallies[row["response__wave_id"]].append(
            results.Tally(
                measure=row["question__measure"],
                count=row["n"],
                score=row["option__score"],
                counts_aware=row["option__counts_aware"],
                counts_satisfied=row["option__counts_satisfied"],
                excluded=row["option__excluded"],
            )
        )
    counts = dict(
        Response.objects.filter(wave_id__in=wave_ids)
        .values("wave_id")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("wave_id", "n")
    )
    return {pk: results.compute(t, responses=counts.get(pk, 0)) for pk, t in tallies.items()}


def pooled(wave_ids: list[int]) -> results.Figures:
    """The figures of several waves together (answers pooled, not an average of rates)."""
    merged: list[results.Tally] = []
    rows = (
        Answer.objects.filter(response__wave_id__in=wave_ids)
        .values(
            "question__measure",
            "option__score",
            "option__counts_aware",
            "option__counts_satisfied",
            "option__excluded",
        )
        .annotate(n=Count("id"))
        .order_by()
    )
    for row in rows:
        merged.append(
            results.Tally(
                measure=row["question__measure"],
                count=row["n"],
                score=row["option__score"],
                counts_aware=row["option__counts_aware"],
                counts_satisfied=row["option__counts_satisfied"],
                excluded=row["option__excluded"],
            )
        )
    return results.compute(merged, responses=Response.objects.filter(wave_id__in=wave_ids).count())


def satisfaction_score(
    project: Project | None = None, unit: Organisation | None = None, year: int | None = None
) -> Decimal | None:
    """The 满意度 score (0–100) of a project's survey waves — of one unit's, of one year's, or of every project of
    the unit in that year when ``project`` is None — pooled over their valid answers; None when no wave has a
    valid answer. For the 单位自评表 (evaluation.selectors) and the unit assessment's questionnaire track."""
    qs = Wave.objects.all()
    if project is not None:
        qs = qs.filter(project=project)
    if unit is not None:
        qs = qs.filter(unit=unit)
    if year is not None:
        qs = qs.filter(project__program__year=year)
    ids = list(qs.values_list("id", flat=True))
    if not ids:
        return None
    return pooled(ids).score


def unit_satisfaction_scores(*, program: Any, unit_ids: list[int]) -> dict[int, Decimal] | None:
    """unit id → the 满意度 score (0–100) of the unit's waves of ``program``, answers pooled, in one aggregate
    query; None when no wave of the program has a valid answer (the assessment then scores the item by hand).
    Units without a wave are left out (the assessment gives them the item's points: nothing to count)."""
    rows = (
        Answer.objects.filter(
            response__wave__project__program=program,
            response__wave__unit_id__in=unit_ids,
            question__measure=Measure.SATISFACTION,
        )
        .values("response__wave__unit_id", "option__score", "option__excluded")
        .annotate(n=Count("id"))
        .order_by()
    )
    tallies: dict[int, list[results.Tally]] = {}
    for row in rows:
        tallies.setdefault(row["response__wave__unit_id"], []).append(
            results.Tally(
                measure="satisfaction",
                count=row["n"],
                score=row["option__score"],
                excluded=row["option__excluded"],
            )
        )
    scores = {unit: results.compute(t).score for unit, t in tallies.items()}
    found = {unit: score for unit, score in scores.items() if score is not None}
    return found or None


@dataclass
class FeedbackSummary:
    """The portal feedback of the project (disclosure.Feedback), shown beside the survey, never mixed in."""

    count: int
    average: Decimal | None  # 1–5
    aware: int


def feedback_summary(project: Project) -> FeedbackSummary:
    from disclosure.models import Feedback

    agg = Feedback.objects.filter(project=project).aggregate(
        n=Count("id"), avg=Avg("satisfaction"), aware=Count("id", filter=Q(aware=True))
    )
    avg = agg["avg"]
    return FeedbackSummary(
        count=agg["n"],
        average=Decimal(str(avg)).quantize(results.CENT) if avg is not None else None,
        aware=agg["aware"],
    )


@dataclass
class WaveRow:
    wave: Wave
    figures: results.Figures


def wave_rows(qs: QuerySet[Wave]) -> list[WaveRow]:
    items = list(qs)
    figures = figures_for([w.pk for w in items])
    return [WaveRow(wave=w, figures=figures[w.pk]) for w in items]


def public_results(*, program: Any = None) -> list[WaveRow]:
    """Published waves of published programs: the figures only (no answer sheet)."""
    from catalogue.models import Program

    qs = (
        Wave.objects.select_related("project__program", "unit")
        .filter(is_published=True, project__program__status=Program.Status.PUBLISHED)
        .order_by("id")
    )
    if program is not None:
        qs = qs.filter(project__program=program)
    return wave_rows(qs)


def portal_surveys(project: Project) -> tuple[list[Wave], list[WaveRow]]:
    """For the portal's project page: the waves answering online, and the published waves with their figures."""
    open_waves = list(
        Wave.objects.filter(project=project, is_open=True, method=Method.ONLINE)
        .select_related("unit")
        .order_by("id")
    )
    published = Wave.objects.select_related("project__program", "unit").filter(
        project=project, is_published=True
    )
    return open_waves, wave_rows(published)


def option_counts(wave: Wave) -> dict[int, int]:
    """How many answers chose each option of the wave (for the results page's table)."""
    return dict(
        Answer.objects.filter(response__wave=wave)
        .values("option_id")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("option_id", "n")
    )
