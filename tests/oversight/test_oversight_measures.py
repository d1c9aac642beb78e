"""The scorecard measures and the bulletin's figures read from the fixture month, against values by hand."""

from __future__ import annotations

import pytest
from oversight_scenario import County, at, build_october

from onestop.actions.oversight import bulletin, overview, scorecards
from onestop.oversight.scorecard import UnitMeasures


@pytest.fixture
def october(county: County) -> County:
    build_october(county)
    return county


def _by_name(measures: list[UnitMeasures]) -> dict[str, UnitMeasures]:
    return {m.unit_name: m for m in measures}


def test_unit_measures_of_the_fixture_month(october: County) -> None:
    view = scorecards(october.rt, october.staff["supervisor"], "2026-10")
    cards = {c.unit_name: c for c in view.cards}
    a = cards["测试县甲局"].measures
    assert (a.received, a.received_finished, a.finished, a.finished_late) == (4, 3, 4, 3)
    assert (a.ratings, a.satisfied, a.bad, a.rectified) == (3, 1, 2, 1)
    assert (a.orders, a.listed, a.returns) == (1, 1, 0)
    b = cards["测试县乙局"].measures
    assert (b.received, b.received_finished, b.finished, b.finished_late) == (2, 2, 2, 0)
    assert (b.ratings, b.satisfied, b.bad, b.rectified, b.orders) == (2, 2, 0, 0, 0)
    c = cards["测试县丙局"].measures
    assert (c.received, c.finished, c.finished_late, c.ratings) == (1, 1, 0, 0)
    # Units with nothing in the period (营商办, the center) are not scored.
    assert set(cards) == {"测试县甲局", "测试县乙局", "测试县丙局"}


def test_scorecard_ranking_of_the_fixture_month(october: County) -> None:
    """A: (30×25 + 30×33.33… + 20×50 + 10×(100−10−10) + 10×100) ÷ 100 = 45.50; B: 100 (no 差评: its weight is
    left out); C: 100 (no ratings). B and C share rank 1 (丙 sorts before 乙), A is 3rd and flagged."""
    view = scorecards(october.rt, october.staff["supervisor"], "2026-10")
    ranked = [(c.unit_name, c.rank, c.total, c.interview) for c in view.cards]
    assert ranked == [
        ("测试县丙局", 1, 100.0, False),
        ("测试县乙局", 1, 100.0, False),
        ("测试县甲局", 3, 45.5, True),
    ]
    assert view.cards[2].reasons == ("排名末位", "综合得分低于60分")
    assert view.cards[2].scores["orders"] == 80.0


def test_the_previous_month_counts_only_its_own_events(october: County) -> None:
    """September: A4 was received (accepted Mon 28) and not finished by the end of September."""
    view = scorecards(october.rt, october.staff["supervisor"], "2026-09")
    (card,) = view.cards
    m = card.measures
    assert (m.unit_name, m.received, m.received_finished, m.finished) == ("测试县甲局", 1, 0, 0)
    assert card.total is None
    assert card.rank is None


def test_bulletin_figures_of_the_fixture_month(october: County) -> None:
    b = bulletin(october.rt, october.staff["supervisor"], "2026-10")
    h = b.headline
    assert b.title == "测试县人民政府政务服务效能监察通报（2026年10月）"
    assert (h.received, h.received_finished, h.finished, h.finished_late) == (7, 6, 7, 3)
    assert (h.ratings, h.satisfied, h.bad, h.rectified, h.orders, h.listed) == (5, 3, 2, 1, 1, 1)
    assert round(h.finish_rate or 0, 2) == 85.71  # 6 / 7
    assert round(h.on_time_rate or 0, 2) == 57.14  # 4 / 7
    lows = {line.measures.unit_name: line.low for line in b.units}
    assert lows["测试县甲局"] == {"finish_rate", "on_time_rate", "satisfaction_rate", "rectification_rate"}
    assert lows["测试县乙局"] == set()
    assert lows["测试县丙局"] == set()
    # 企业开办 A1 A2 A5 B1, 食品经营许可 A3 B2, 个体工商户登记 C1 (A4 was received in September).
    assert [(t.label, t.count, round(t.share, 1)) for t in b.topics] == [
        ("企业开办", 4, 57.1),
        ("食品经营许可", 2, 28.6),
        ("个体工商户登记", 1, 14.3),
    ]
    # A3, due Thu Oct 29 17:30, is open at the cut-off (Nov 1 00:00): one full working day (Fri 30) overdue.
    (typical,) = b.typical
    assert (typical.number, typical.unit_name, typical.overdue_days) == (october.cases["A3"].number, "测试县甲局", 1)
    assert [c.unit_name for c in b.interviews] == ["测试县甲局"]


def test_overview_counts_every_open_clock_by_unit_and_colour(october: County) -> None:
    """On Nov 2 10:00: A3 overdue (due Oct 29), A4's rectification running (opened Oct 9, 15 days: due Oct 30
    17:30, overdue too), the listed order (overdue since Oct 21). Nothing is open at B or C."""
    view = overview(october.rt, october.staff["supervisor"])
    units = {u.unit_name: u for u in view.units}
    assert set(units) == {"测试县甲局"}
    a = units["测试县甲局"]
    assert a.colours["overdue"] == 3
    assert a.total == 3
    assert a.states == {
        ("generic_application", "accepted"): 1,
        ("rectification", "verifying"): 1,
        ("supervision_order", "listed"): 1,
    }
    assert view.orders == {"listed": 1}
    assert view.now == at(11, 2)
