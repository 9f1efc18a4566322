"""The 自评 rules, each computed by hand (evaluation.scoring): positive, reverse, =, 定性, not applicable and the
rescale, the weights' rules, shortfalls needing a reason, and the grade bands' edges."""

from __future__ import annotations

from decimal import Decimal as D

from evaluation.scoring import Line, default_weights, grade_for, line_ratio, score, weight_errors


def _w(budget: str, output: str, benefit: str = "0", satisfaction: str = "0") -> dict[str, D]:
    return {"budget": D(budget), "output": D(output), "benefit": D(benefit), "satisfaction": D(satisfaction)}


def test_positive_is_actual_over_target_capped() -> None:
    assert line_ratio(Line("1", "output", target=D(10), actual=D(8))) == D("0.8")
    assert line_ratio(Line("1", "output", target=D(10), actual=D(12))) == 1
    assert line_ratio(Line("1", "output", target=D(10), actual=None)) == 0


def test_reverse_is_target_over_actual_capped() -> None:
    reverse = {"operator": "le", "polarity": "reverse"}
    assert line_ratio(Line("1", "output", target=D(5), actual=D(10), **reverse)) == D("0.5")
    assert line_ratio(Line("1", "output", target=D(5), actual=D(4), **reverse)) == 1
    assert line_ratio(Line("1", "output", target=D(5), actual=D(0), **reverse)) == 1


def test_equal_takes_the_smaller_ratio_either_side() -> None:
    assert line_ratio(Line("1", "output", operator="eq", target=D(10), actual=D(8))) == D("0.8")
    assert line_ratio(Line("1", "output", operator="eq", target=D(10), actual=D("12.5"))) == D("0.8")
    assert line_ratio(Line("1", "output", operator="eq", target=D(10), actual=D(10))) == 1


def test_qualitative_judgements() -> None:
    assert [
        line_ratio(Line("1", "benefit", operator="qual", judgement=j))
        for j in ("met", "partial", "unmet", "")
    ] == [
        1,
        D("0.5"),
        0,
        0,
    ]


def test_points_are_split_in_a_part_and_shortfalls_need_a_reason() -> None:
    # output 50 over two indicators: 25 each; 8/10 → 20, 10/10 → 25; budget 9/10 × 10 = 9; benefit 30: 定性 met
    # satisfaction 10: 85/90 → 9.4444…; total 20 + 25 + 9 + 30 + 9.4444 = 93.4444 → 93.44 优
    lines = [
        Line("budget", "budget", target=D(10), actual=D(9)),
        Line("1", "output", target=D(10), actual=D(8)),
        Line("2", "output", target=D(10), actual=D(10)),
        Line("3", "benefit", operator="qual", judgement="met"),
        Line("4", "satisfaction", target=D(90), actual=D(85), reason="样本中有不满意"),
    ]
    result = score(lines, _w("10", "50", "30", "10"))
    assert [line.earned for line in lines[:4]] == [D(9), D(20), D(25), D(30)]
    assert result.total == D("93.44") and result.grade == "优"
    assert [line.key for line in result.missing_reasons] == ["budget", "1"]  # the satisfaction line has one


def test_not_applicable_is_excluded_and_the_rest_rescaled() -> None:
    # weights 10/55/35/0; budget 8/10 → 8; output 27.5 each: one full, one not applicable; benefit has no
    # indicator (35 not applicable). Applicable 10 + 27.5 = 37.5, earned 8 + 27.5 = 35.5 → 94.666… → 94.67
    lines = [
        Line("budget", "budget", target=D(10), actual=D(8)),
        Line("1", "output", target=D(4), actual=D(4)),
        Line("2", "output", target=D(4), actual=D(0), not_applicable=True),
    ]
    result = score(lines, _w("10", "55", "35"))
    assert result.applicable == D("37.5") and result.earned == D("35.5")
    assert result.total == D("94.67") and result.grade == "优"
    assert not lines[2].shortfall and result.missing_reasons == [lines[0]]


def test_nothing_applicable_has_no_total() -> None:
    result = score([Line("budget", "budget", target=D(0), actual=D(0), not_applicable=True)], _w("10", "90"))
    assert result.total is None and result.grade == ""


def test_band_edges_are_inclusive_lower_bounds() -> None:
    assert [grade_for(D(x)) for x in ("100", "90.00", "89.99", "80.00", "79.99", "60.00", "59.99", "0")] == [
        "优",
        "优",
        "良",
        "良",
        "中",
        "中",
        "差",
        "差",
    ]


def test_totals_at_the_band_edges() -> None:
    def total(budget: str, output: str) -> tuple[D | None, str]:
        # budget nothing spent (0 points), the output indicator fully met: the total is the output's weight
        lines = [
            Line("budget", "budget", target=D(10), actual=D(0)),
            Line("1", "output", target=D(1), actual=D(1)),
        ]
        result = score(lines, _w(budget, output))
        return result.total, result.grade

    assert total("10", "90") == (D("90.00"), "优")
    assert total("20", "80") == (D("80.00"), "良")
    assert total("40", "60") == (D("60.00"), "中")
    assert total("40.01", "59.99") == (D("59.99"), "差")
    assert total("10.01", "89.99") == (D("89.99"), "良")


def test_default_weights_move_satisfaction_to_output_and_benefit() -> None:
    assert default_weights(has_satisfaction=True) == _w("10", "50", "30", "10")
    assert default_weights(has_satisfaction=False) == _w("10", "55", "35", "0")


def test_weight_rules() -> None:
    assert weight_errors(_w("10", "50", "30", "10"), has_satisfaction=True) == []
    assert weight_errors(_w("10", "50", "30", "5"), has_satisfaction=True) == [
        "各部分分值合计须为100分（现为95分）"
    ]
    assert "满意度指标分值须为0" in weight_errors(_w("10", "50", "30", "10"), has_satisfaction=False)[0]
    assert "预算执行率分值须在0到100之间" in weight_errors(_w("-10", "70", "30", "10"), has_satisfaction=True)
