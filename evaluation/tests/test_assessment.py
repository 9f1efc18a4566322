"""目标管理绩效考评: every rule kind computed by hand, the deduction cap, tie ranks, band edges, the run over the
reporting scene (drill-down rows, fixed query count), objections, re-scores, approval lock and scoping."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from evaluation import services
from evaluation.assessment import Fact, band_for, score_facts, score_samples, unit_total
from evaluation.models import DEFAULT_BANDS, Item, ItemScore, Metric, RuleKind, UnitResult
from evaluation.tests.conftest import confirmed


def _item(metric: str = "", points: str = "10", rule: str = RuleKind.AUTO, per: str | None = None) -> Item:
    return Item(name="x", points=D(points), rule=rule, metric=metric, per_failure=D(per) if per else None)


def _facts(*oks: bool) -> list[Fact]:
    return [Fact(1, None, ok, "supervision.finding", n, "") for n, ok in enumerate(oks)]


def test_rate_is_points_times_passed_share() -> None:
    assert score_facts(_item(Metric.RECTIFIED, "8"), _facts(True, True, False)).score == D("5.33")


def test_nothing_to_count_gives_full_points() -> None:
    outcome = score_facts(_item(Metric.DISCLOSED, "4"), [])
    assert outcome.score == D(4) and outcome.detail["nothing"]


def test_weighted_rate_is_capped_at_points() -> None:
    money = [
        Fact(1, None, True, "catalogue.project", 1, "", num=D(150), den=D(100)),
        Fact(1, None, False, "catalogue.project", 2, "", num=D(20), den=D(100)),
    ]
    assert score_facts(_item(Metric.ARRIVAL, "5"), money).score == D("4.25")  # 170/200
    assert score_facts(_item(Metric.ARRIVAL, "5"), money[:1]).score == D(5)  # 150% capped


def test_schedule_is_mean_of_capped_rates() -> None:
    rows = [
        Fact(1, None, True, "catalogue.project", 1, "", num=D(1)),
        Fact(1, None, False, "catalogue.project", 2, "", num=D("0.5")),
    ]
    assert score_facts(_item(Metric.SCHEDULE, "10"), rows).score == D("7.50")


def test_returned_deducts_per_report_down_to_zero() -> None:
    item = _item(Metric.RETURNED, "3", per="1")
    assert score_facts(item, _facts(False, False)).score == D(1)
    assert score_facts(item, _facts(*[False] * 5)).score == D(0)


def test_sample_deduction_capped_at_item_points() -> None:
    item = _item(rule=RuleKind.SAMPLE, points="10", per="2")
    assert score_samples(item, [False, False, True, None]) == D(6)
    assert score_samples(item, [False] * 6) == D(0)


def test_total_rescales_and_counts_unscored_as_zero() -> None:
    assert unit_total([(D(5), D(10)), (None, D(10))]) == D("25.00")
    assert unit_total([(D(45), D(50)), (D(40), D(40)), (D(9), D(10))]) == D("94.00")


@pytest.mark.parametrize(
    ("score", "band"),
    [
        ("100", "优秀"),
        ("90.0", "优秀"),
        ("89.99", "良好"),
        ("80.0", "良好"),
        ("79.99", "合格"),
        ("60.0", "合格"),
        ("59.99", "不合格"),
        ("0", "不合格"),
    ],
)
def test_band_edges_lower_bound_inclusive(score: str, band: str) -> None:
    assert band_for(D(score), DEFAULT_BANDS) == band


# --- a run over the reporting scene ---------------------------------------------------------------------------


@pytest.fixture
def scheme(perf: dict[str, Any], office: Any) -> Any:
    return services.scheme_create_from_template(actor=office, program=perf["program"])


def _score(run: Any, unit: Any, metric: str) -> ItemScore:
    return ItemScore.objects.get(
        result__run=run, result__unit=unit, item__metric=metric, item__track__order=1
    )


def _finding(office: Any, perf: dict[str, Any], unit: str, deadline: dt.date, closed: bool = False) -> Any:
    from supervision.models import Finding
    from supervision.services import finding_create

    finding = finding_create(
        actor=office,
        description=f"{unit}问题",
        responsible=perf[unit],
        deadline=deadline,
        project=perf["project"],
    )
    if closed:
        Finding.objects.filter(pk=finding.pk).update(
            status="closed", closed_at=dt.datetime(2021, 3, 1, tzinfo=dt.UTC)
        )
    return finding


def test_run_counts_findings_rectified_on_time_with_rows(
    scheme: Any, perf: dict[str, Any], office: Any
) -> None:
    late = _finding(office, perf, "shitai", dt.date(2021, 4, 1))
    _finding(office, perf, "shitai", dt.date(2021, 4, 1), closed=True)
    run = services.run_compute(actor=office, scheme=scheme, month=12)
    shitai = _score(run, perf["shitai"], Metric.RECTIFIED)
    assert shitai.computed == D("4.00")  # 8 × 1/2
    failed = [r for r in shitai.detail["rows"] if not r["ok"]]
    assert [(r["model"], r["id"]) for r in failed] == [("supervision.finding", late.pk)]
    assert _score(run, perf["duanyuan"], Metric.RECTIFIED).computed == D(8)  # nothing to count


def test_run_scores_reports_on_time_and_returned(scheme: Any, perf: dict[str, Any], office: Any) -> None:
    report = confirmed(
        office, perf, unit="shitai", month=1, values=(1, 1, 10), arrived="100000", spent="50000"
    )
    from reporting.models import Transition

    Transition.objects.create(report=report, from_status="submitted", to_status="returned")
    run = services.run_compute(actor=office, scheme=scheme, month=1)
    returned = _score(run, perf["shitai"], Metric.RETURNED)
    assert returned.computed == D(2) and returned.detail["failures"] == 1
    assert _score(run, perf["duanyuan"], Metric.ON_TIME).computed == D(0)  # owed, not filed
    spending = _score(run, perf["shitai"], Metric.SPENDING)
    assert spending.computed == D("2.50")  # 5 × 5/10


def test_ties_share_a_rank(scheme: Any, perf: dict[str, Any], office: Any) -> None:
    """Towns without money to count score alike and share rank 1; 石台 and 段园 (budget, nothing arrived) tie
    lower and both take rank 5 ("1224" ranking); re-scoring 石台 by the gap lifts it into the first tie."""
    run = services.run_compute(actor=office, scheme=scheme, month=12)

    def ranks() -> dict[str, tuple[D, int]]:
        return {r.unit.code: (r.score, r.rank) for r in UnitResult.objects.filter(run=run, group="local")}

    before = ranks()
    assert len(before) == 6 and before["shitai"] == before["duanyuan"]
    assert {rank for code, (_, rank) in before.items() if code not in ("shitai", "duanyuan")} == {1}
    assert before["shitai"][1] == 5
    gap = next(s for c, (s, _) in before.items() if c not in ("shitai", "duanyuan")) - before["shitai"][0]
    for score in ItemScore.objects.filter(
        result__run=run, result__unit=perf["shitai"], computed__isnull=False
    ):
        room = min(D(score.item.points) - score.score, gap)
        if room > 0:
            services.item_rescore(actor=office, score=score, value=score.score + room, reason="核实")
            gap -= room
    assert gap == 0
    after = ranks()
    assert after["shitai"][1] == 1 and after["duanyuan"][1] == 6


def test_manual_score_needs_evidence_and_scorer(scheme: Any, perf: dict[str, Any], office: Any) -> None:
    run = services.run_compute(actor=office, scheme=scheme, month=12)
    manual = ItemScore.objects.filter(result__run=run, item__rule=RuleKind.MANUAL).first()
    with pytest.raises(ValidationError):
        services.manual_score_save(actor=office, score=manual, value=D(3), evidence="", scorer_name="张三")
    with pytest.raises(ValidationError):
        services.manual_score_save(
            actor=office, score=manual, value=D(99), evidence="依据", scorer_name="张三"
        )


def test_compute_query_count_does_not_grow_with_units(scheme: Any, perf: dict[str, Any], office: Any) -> None:
    from catalogue.models import Project

    def count() -> tuple[int, int]:
        """Queries other than the batched INSERTs (one per table on PostgreSQL; SQLite splits a batch every
        999 parameters)."""
        scheme.runs.all().delete()
        with CaptureQueriesContext(connection) as ctx:
            run = services.run_compute(actor=office, scheme=scheme, month=6)
        queries = [q for q in ctx.captured_queries if not q["sql"].startswith("INSERT")]
        return len(queries), run.results.count()

    _finding(office, perf, "shitai", dt.date(2021, 2, 1))
    others = Project.objects.filter(program=perf["program"]).exclude(pk=perf["project"].pk)
    kept = list(others.values_list("pk", flat=True))
    others.update(assessed=False)
    few, few_units = count()
    Project.objects.filter(pk__in=kept).update(assessed=True)
    many, many_units = count()
    assert many_units > few_units
    assert many == few


def test_objection_answer_and_rescore_then_lock(
    scheme: Any, perf: dict[str, Any], office: Any, town_shitai: Any
) -> None:
    _finding(office, perf, "shitai", dt.date(2021, 4, 1))
    run = services.run_compute(actor=office, scheme=scheme, month=12)
    score = _score(run, perf["shitai"], Metric.RECTIFIED)
    assert score.computed == D(0)
    with pytest.raises(PermissionDenied):
        services.objection_file(actor=office, score=score, text="不是我们的问题")
    objection = services.objection_file(actor=town_shitai, score=score, text="该问题已于期限内整改")
    before = UnitResult.objects.get(pk=score.result_id).score
    services.objection_answer(actor=office, objection=objection, answer="核实属实", new_score=D(8))
    score.refresh_from_db()
    assert score.score == D(8) and score.computed == D(0) and score.rescores.get().old == D(0)
    assert UnitResult.objects.get(pk=score.result_id).score == before + D(8)
    for manual in ItemScore.objects.filter(result__run=run, detail__manual=True):
        services.manual_score_save(
            actor=office, score=manual, value=D(4), evidence="依据", scorer_name="李四"
        )
    services.run_approve(actor=office, run=run)
    with pytest.raises(PermissionDenied):
        services.objection_file(actor=town_shitai, score=score, text="再申诉")
    with pytest.raises(ValidationError):
        services.item_rescore(actor=office, score=score, value=D(1), reason="改")
    from core.models import AuditEvent

    assert AuditEvent.objects.filter(reason__startswith="复核").count() == 1


def test_approve_refused_with_open_objection(
    scheme: Any, perf: dict[str, Any], office: Any, town_shitai: Any
) -> None:
    run = services.run_compute(actor=office, scheme=scheme, month=12)
    score = _score(run, perf["shitai"], Metric.ON_TIME)
    services.objection_file(actor=town_shitai, score=score, text="理由")
    with pytest.raises(ValidationError):
        services.run_approve(actor=office, run=run)


def test_town_sees_only_its_own_details(
    scheme: Any, perf: dict[str, Any], office: Any, town_shitai: Any
) -> None:
    from core.policy import restrict

    run = services.run_compute(actor=office, scheme=scheme, month=12)
    units = set(
        restrict(ItemScore.objects.filter(result__run=run), town_shitai).values_list(
            "result__unit", flat=True
        )
    )
    assert units == {perf["shitai"].pk}
    totals = set(restrict(UnitResult.objects.filter(run=run), town_shitai).values_list("unit", flat=True))
    assert totals == {perf["shitai"].pk}


def test_sampled_checks_deduct(perf: dict[str, Any], office: Any) -> None:
    scheme = services.scheme_create_from_template(actor=office, program=perf["program"])
    confirmed(office, perf, unit="shitai", month=1, values=(1, 1, 10), arrived="100000", spent="50000")
    confirmed(office, perf, unit="shitai", month=2, values=(2, 2, 20), arrived="100000", spent="60000")
    run = services.run_compute(actor=office, scheme=scheme, month=12)
    score = ItemScore.objects.get(result__run=run, result__unit=perf["shitai"], item__rule=RuleKind.SAMPLE)
    checks = list(score.samples.all())
    assert len(checks) == 2
    services.sample_result_save(actor=office, check=checks[0], passed=False, note="数据与台账不符")
    score.refresh_from_db()
    assert score.computed == D(8)
    with pytest.raises(ValidationError):
        services.sample_result_save(actor=office, check=checks[1], passed=False, note="")


def test_compute_queries_do_not_depend_on_the_number_of_units(db: Any) -> None:
    """One synthetic district with 2 towns, one with 6 (every metric kind: reports, findings, disclosures, assets,
    letters, survey answers): the same number of queries computes either district's assessment."""
    from evaluation import assessment, synthetic
    from evaluation.models import Scheme
    from reporting import synthetic as reports

    def queries(units: int) -> tuple[int, int]:
        reports.generate(districts=1, years=1, months=3, units=units)
        synthetic.generate()
        scheme = Scheme.objects.select_related("program").order_by("-id").first()
        with CaptureQueriesContext(connection) as ctx:
            computed = assessment.compute(scheme=scheme, month=3)
        return len(ctx.captured_queries), len(computed.units)

    few, few_units = queries(2)
    many, many_units = queries(6)
    assert many_units > few_units
    assert many == few
