"""Scorecard formulas, ranking and 约谈 flags with hand-computed values; the settings file and overrides."""

from __future__ import annotations

from typing import Any

import pytest

from onestop.oversight.config import load_config, merge
from onestop.oversight.errors import InvalidConfig, InvalidPeriod
from onestop.oversight.periods import Period
from onestop.oversight.scorecard import UnitMeasures, measure_scores, rank, score, scorecards

CONFIG = load_config()


def test_measure_scores_by_hand() -> None:
    m = UnitMeasures(1, "甲", finished=8, finished_late=2, ratings=20, satisfied=19, bad=4, rectified=3)
    m = UnitMeasures(**{**vars(m), "orders": 3, "listed": 1, "returns": 5})
    scores = measure_scores(m, CONFIG)
    assert scores == {
        "on_time": 75.0,  # 6 / 8
        "satisfaction": 95.0,  # 19 / 20
        "rectification": 75.0,  # 3 / 4
        "orders": 60.0,  # 100 − 10×3 − 10×1
        "returns": 75.0,  # 100 − 5×5
    }
    # (30×75 + 30×95 + 20×75 + 10×60 + 10×75) ÷ 100 = (2250 + 2850 + 1500 + 600 + 750) ÷ 100
    assert score(m, CONFIG).total == 79.5


def test_penalties_floor_at_zero_and_missing_rates_drop_their_weight() -> None:
    m = UnitMeasures(1, "乙", finished=4, finished_late=1, orders=12, returns=30)
    card = score(m, CONFIG)
    assert card.scores["orders"] == 0.0
    assert card.scores["returns"] == 0.0
    assert card.scores["satisfaction"] is None
    assert card.scores["rectification"] is None
    # Only on_time (75), orders (0), returns (0) count: (30×75 + 0 + 0) ÷ 50 = 45.
    assert card.total == 45.0


def test_a_unit_without_rates_is_not_ranked() -> None:
    card = score(UnitMeasures(1, "丙", orders=1, received=3), CONFIG)
    assert card.total is None


def test_ranking_ties_and_interview_flags() -> None:
    def unit(name: str, late: int) -> UnitMeasures:
        return UnitMeasures("丁甲乙丙戊".index(name) + 1, name, finished=10, finished_late=late)

    # on_time = 100 − 10×late; orders and returns 100 → total = (30×on_time + 1000 + 1000) ÷ 50.
    cards = scorecards(
        [unit("丁", 0), unit("甲", 5), unit("乙", 0), unit("丙", 8), unit("戊", 8), UnitMeasures(9, "己")], CONFIG
    )
    summary = [(c.unit_name, c.rank, c.total, c.interview) for c in cards]
    assert summary == [
        ("丁", 1, 100.0, False),
        ("乙", 1, 100.0, False),
        ("甲", 3, 70.0, False),  # (30×50 + 2000) ÷ 50
        ("丙", 4, 52.0, True),  # (30×20 + 2000) ÷ 50: last, tied with 戊, and below 60
        ("戊", 4, 52.0, True),
        ("己", None, None, False),  # nothing to judge: listed last, unranked
    ]
    assert cards[3].reasons == ("排名末位", "综合得分低于60分")


def test_nobody_is_last_when_all_tie_and_a_threshold_alone_flags() -> None:
    config = load_config({"interview": {"bottom": 2, "below": 80}})
    same = [UnitMeasures(i, n, finished=4, finished_late=1) for i, n in enumerate("甲乙丙")]
    cards = rank([score(m, config) for m in same], config)
    # on_time 75 → (30×75 + 2000) ÷ 50 = 85 for everyone: no 末位, and 85 ≥ 80.
    assert [(c.rank, c.total, c.interview) for c in cards] == [(1, 85.0, False)] * 3
    low = load_config({"interview": {"bottom": 0, "below": 90}})
    assert all(c.reasons == ("综合得分低于90分",) for c in rank([score(m, low) for m in same], low))


def test_weights_override_changes_the_total() -> None:
    config = load_config({"weights": {"on_time": 1, "satisfaction": 0, "rectification": 0, "orders": 0, "returns": 0}})
    m = UnitMeasures(1, "甲", finished=3, finished_late=1, ratings=10, satisfied=1)
    assert score(m, config).total == 66.67  # on_time alone: 2/3


@pytest.mark.parametrize(
    ("override", "field"),
    [
        ({"weights": {"speed": 10}}, "weights"),
        ({"weights": {"on_time": -1}}, "weights.on_time"),
        ({"weights": {"on_time": 0, "satisfaction": 0, "rectification": 0, "orders": 0, "returns": 0}}, "weights"),
        ({"penalties": {"order": "ten"}}, "penalties.order"),
        ({"bulletin": {"finish_rate_min": 120}}, "bulletin.finish_rate_min"),
        ({"satisfied_min_level": 6}, "satisfied_min_level"),
        ({"service_kinds": "generic_application"}, "service_kinds"),
    ],
)
def test_bad_settings_are_refused(override: dict[str, Any], field: str) -> None:
    with pytest.raises(InvalidConfig) as refused:
        load_config(override)
    assert refused.value.field == field


def test_merge_keeps_what_the_override_does_not_name() -> None:
    merged = merge({"a": {"x": 1, "y": 2}, "b": [1]}, {"a": {"y": 3}, "b": [2]})
    assert merged == {"a": {"x": 1, "y": 3}, "b": [2]}
    config = load_config({"bulletin": {"finish_rate_min": 95}})
    assert config.thresholds.finish_rate_min == 95.0
    assert config.thresholds.satisfaction_min == 92.0


@pytest.mark.parametrize(
    ("text", "code", "label", "start", "end"),
    [
        ("2026-10", "2026-10", "2026年10月", "2026-10-01", "2026-11-01"),
        ("2026M12", "2026-12", "2026年12月", "2026-12-01", "2027-01-01"),
        ("2026q4", "2026Q4", "2026年第四季度", "2026-10-01", "2027-01-01"),
        ("2026", "2026", "2026年度", "2026-01-01", "2027-01-01"),
    ],
)
def test_periods(text: str, code: str, label: str, start: str, end: str) -> None:
    p = Period.parse(text)
    assert (p.code, p.label, p.start.isoformat(), p.end.isoformat()) == (code, label, start, end)


def test_bad_periods_and_previous() -> None:
    for text in ("2026-13", "26-10", "2026Q5", "1999"):
        with pytest.raises(InvalidPeriod):
            Period.parse(text)
    assert Period.parse("2026-01").previous().code == "2025-12"
    assert Period.parse("2026Q1").previous().code == "2025Q4"
