"""Distance-to-frontier scoring, each formula against values computed by hand."""

from __future__ import annotations

import pytest

from onestop.evaluation.scoring import Value, frontier_score, score_indicator, score_tree, weighted_average
from onestop.evaluation.tree import Component, Direction, Indicator, IndicatorTree, Source


def _c(
    code: str, direction: Direction, frontier: float, worst: float, weight: float = 1.0, *, indicator: str = "x"
) -> Component:
    return Component(indicator, code, code, "个", direction, frontier, worst, weight, Source.ENTERED)


LOW = Direction.LOWER
HIGH = Direction.HIGHER


@pytest.mark.parametrize(
    ("value", "frontier", "worst", "expected"),
    [
        # lower is better: (worst − value) / (worst − frontier) × 100
        (5, 1, 18, (18 - 5) / (18 - 1) * 100),  # 76.470588…
        (8.55, 0.5, 100, 91.909547738693467),  # (100 − 8.55) / 99.5 × 100: China's DB2020 time
        (1, 1, 18, 100.0),  # at the frontier
        (18, 1, 18, 0.0),  # at the worst value
        (0.2, 0.5, 100, 100.0),  # better than the frontier: clipped to 100
        (122, 0.5, 100, 0.0),  # worse than the worst: clipped to 0 (São Paulo DB2013, 122 days)
        # higher is better, mirrored: (value − worst) / (frontier − worst) × 100
        (97, 100, 80, 85.0),
        (92, 100, 80, 60.0),
        (100, 100, 80, 100.0),
        (79, 100, 80, 0.0),  # below the worst: clipped
        (101, 100, 80, 100.0),  # a rate above the frontier: clipped
        (-5, 20, -10, 16.666666666666664),  # a growth rate with a negative worst: (−5 + 10) / 30
    ],
)
def test_frontier_score(value: float, frontier: float, worst: float, expected: float) -> None:
    assert frontier_score(value, frontier, worst) == pytest.approx(expected, abs=1e-12)


def test_frontier_score_refuses_equal_bounds_and_non_finite_values() -> None:
    with pytest.raises(ValueError, match="differ"):
        frontier_score(1, 5, 5)
    with pytest.raises(ValueError, match="finite"):
        frontier_score(float("nan"), 1, 18)


def test_weighted_average() -> None:
    assert weighted_average([(80, 1), (60, 3)]) == pytest.approx(65.0)  # (80 + 180) / 4
    assert weighted_average([]) is None


def test_indicator_is_the_weighted_average_of_its_components() -> None:
    indicator = Indicator(
        "x",
        "测试",
        1.0,
        (_c("days", LOW, 0, 20), _c("rate", HIGH, 100, 80, weight=3), _c("steps", LOW, 1, 9)),
    )
    values = {"x.days": Value(5, "computed"), "x.rate": Value(90, "computed"), "x.steps": Value(3, "entered")}
    scored = score_indicator(indicator, values)
    # days 75, rate 50 (weight 3), steps 75: (75 + 150 + 75) / 5 = 60
    assert [c.score for c in scored.components] == pytest.approx([75.0, 50.0, 75.0])
    assert scored.score == pytest.approx(60.0)
    assert scored.coverage == (3, 3)
    assert scored.complete


def test_missing_components_are_left_out_and_the_weights_renormalised() -> None:
    indicator = Indicator("x", "测试", 1.0, (_c("days", LOW, 0, 20), _c("rate", HIGH, 100, 80, weight=3)))
    scored = score_indicator(indicator, {"x.rate": Value(90, "computed")})
    assert scored.score == pytest.approx(50.0)  # only the rate: 50
    assert scored.coverage == (1, 2)
    assert not scored.complete
    assert scored.components[0].value.source == "missing"
    assert score_indicator(indicator, {}).score is None


def _tree() -> IndicatorTree:
    a = Indicator("a", "甲", 1.0, (_c("p", LOW, 1, 18, indicator="a"), _c("q", HIGH, 100, 0, indicator="a")))
    b = Indicator("b", "乙", 2.0, (_c("r", LOW, 0, 200, indicator="b"),))
    c = Indicator("c", "丙", 1.0, (_c("s", LOW, 0, 10, indicator="c"),))
    return IndicatorTree("测试", 2026, 2026, (a, b, c))


def test_overall_is_the_weighted_average_of_the_indicators() -> None:
    tree = _tree()
    values = {
        "a.p": Value(18, "entered"),  # 0
        "a.q": Value(80, "entered"),  # 80 → a = 40
        "b.r": Value(50, "entered"),  # 75 → b = 75, weight 2
        # c.s missing → c has no score and takes no part
    }
    card = score_tree(tree, values, subject="和平县", period="2026Q3")
    assert card.indicator("a").score == pytest.approx(40.0)
    assert card.indicator("b").score == pytest.approx(75.0)
    assert card.indicator("c").score is None
    assert card.overall == pytest.approx((40 + 2 * 75) / 3)  # 63.333…
    assert card.coverage == (2, 3)
    assert card.component("b.r").score == pytest.approx(75.0)


def test_score_tree_refuses_values_for_unknown_components() -> None:
    with pytest.raises(KeyError, match="zz"):
        score_tree(_tree(), {"a.zz": Value(1, "entered")}, subject="x", period="2026")
