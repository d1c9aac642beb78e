"""Ranking with ties and the bottom flagged; regions and periods side by side."""

from __future__ import annotations

import pytest

from onestop.evaluation.compare import changes, rank, side_by_side
from onestop.evaluation.scoring import Value, score_tree
from onestop.evaluation.tree import load_tree


def test_competition_ranking_by_the_shown_score() -> None:
    ranked = rank([("甲", 80.0), ("乙", 91.234), ("丙", 91.2349), ("丁", 70.0), ("戊", None)])
    assert [(r.subject, r.rank) for r in ranked] == [("乙", 1), ("丙", 1), ("甲", 3), ("丁", 4), ("戊", None)]
    assert [r.bottom for r in ranked] == [False, False, False, True, False]


def test_ties_at_the_bottom_are_all_flagged() -> None:
    ranked = rank([("甲", 90.0), ("乙", 60.001), ("丙", 60.0)])
    assert [(r.subject, r.rank, r.bottom) for r in ranked] == [("甲", 1, False), ("乙", 2, True), ("丙", 2, True)]


def test_bottom_places_and_single_subjects() -> None:
    ranked = rank([("甲", 90.0), ("乙", 80.0), ("丙", 70.0), ("丁", 60.0)], bottom=2)
    assert [r.bottom for r in ranked] == [False, False, True, True]
    assert not rank([("甲", 50.0)])[0].bottom  # one region is not its own bottom
    assert not any(r.bottom for r in rank([("甲", 90.0), ("乙", 80.0)], bottom=0))
    assert rank([]) == []


def test_side_by_side_regions_and_period_changes() -> None:
    # processing time: frontier 1, worst 20 → 3 days = 89.473684…; on-time rate: frontier 100, worst 80
    q2 = score_tree(
        load_tree(2026),
        {"gov_services.processing_time": Value(10.5, "computed"), "gov_services.on_time_rate": Value(90, "computed")},
        subject="和平县",
        period="2026Q2",
    )
    q3 = score_tree(
        load_tree(2026),
        {"gov_services.processing_time": Value(1, "computed"), "gov_services.on_time_rate": Value(100, "computed")},
        subject="和平县",
        period="2026Q3",
    )
    table = side_by_side([q2, q3], column=lambda c: c.period, components=True)
    assert table.columns == ("2026Q2", "2026Q3")
    assert table.row("gov_services.processing_time").cells == pytest.approx((50.0, 100.0))
    assert table.row("gov_services.on_time_rate").cells == pytest.approx((50.0, 100.0))
    assert table.row("gov_services").cells == pytest.approx((50.0, 100.0))
    assert table.row("overall").cells == pytest.approx((50.0, 100.0))  # the only scored indicator
    assert table.row("starting_business").cells == (None, None)
    growth = changes(table)
    assert growth.columns == ("2026Q2→2026Q3",)
    assert growth.row("overall").cells == pytest.approx((50.0,))
    assert growth.row("starting_business").cells == (None,)
    assert side_by_side([]).rows == ()
