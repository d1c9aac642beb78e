"""Computed indicators over generic applications driven through the action layer, checked by hand.

和平县 (HPX), 2026 Q4 (the National Day week 1–7 October is a holiday; Saturday 10 October a make-up day):

  SQ1  accepted Mon 12 Oct 07:50 (23:50 UTC the day before), finished by the clerk 16:00   same day, 0 wd
  SQ2  limit 5d, accepted Wed 30 Sep, approval asks 补正 once, approved Fri 9 Oct          2 wd (8, 9 Oct), on time
  SQ3  limit 2d, accepted Mon 12 Oct, approval asks 补正 twice, approved Mon 19 Oct         5 wd, overdue (due 14 Oct)
  SQ4  rejected (不予受理)                                                                  not finished
  SQ5  accepted Mon 14 Sep, finished Tue 15 Sep                                           Q3, not Q4
  SQ6  opened, never accepted                                                             not finished
东源县 (DYX):
  SQ7  accepted Mon 12 Oct, finished Tue 13 Oct                                           1 wd, on time

Q4 和平县: 即办件占比 1/3, 按期办结率 2/3, 平均办理时间 (0 + 2 + 5) / 3, 一次性告知率 1/2 (SQ2 yes, SQ3 no).
Q4 东源县: 0/1, 1/1, 1, no 补正 (None).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from onestop.actions.evaluation import approve_entry, evaluate_period, save_entry, submit_entry
from onestop.actions.evaluation_reads.computed import MeasureContext, Measurement, get_measure, measure_one, measures
from onestop.actions.runtime import Runtime
from onestop.db.engine import make_engine, read
from onestop.evaluation.periods import Period
from onestop.evaluation.regions import Region
from tests.conftest import TravelClock
from tests.evaluation.conftest import Prefecture, build_prefecture
from tests.evaluation.scenario import Scenario, at, build_scenario

MEASURES = (
    "generic_application.immediate_share",
    "generic_application.on_time_rate",
    "generic_application.avg_working_days",
    "generic_application.one_notice_rate",
)


@pytest.fixture
def scenario(prefecture: Prefecture) -> Scenario:
    return build_scenario(prefecture)


def _measure_all(
    rt: Runtime, period: str, regions: list[Region], with_cases: bool
) -> dict[str, dict[int, Measurement]]:
    with read(rt.engine) as conn:
        ctx = MeasureContext(conn, Period.parse(period), regions, rt.working_time(), with_cases=with_cases)
        found = {}
        for code in MEASURES:
            item = get_measure(code)
            assert item is not None
            found[code] = item(ctx)
        return found


def check_q4(scenario: Scenario, rt: Runtime, *, with_cases: bool) -> None:
    hp, dy = scenario.region("HPX").id, scenario.region("DYX").id
    m = _measure_all(rt, "2026Q4", scenario.regions, with_cases)
    immediate, on_time = m["generic_application.immediate_share"], m["generic_application.on_time_rate"]
    days, once = m["generic_application.avg_working_days"], m["generic_application.one_notice_rate"]
    assert immediate[hp].value == pytest.approx(100 / 3)
    assert (immediate[hp].numerator, immediate[hp].denominator) == (1, 3)
    assert on_time[hp].value == pytest.approx(200 / 3)
    assert days[hp].value == pytest.approx(7 / 3)
    assert (days[hp].numerator, days[hp].denominator) == (7, 3)
    assert once[hp].value == pytest.approx(50.0)
    assert (once[hp].numerator, once[hp].denominator) == (1, 2)
    assert immediate[dy].value == 0.0
    assert on_time[dy].value == 100.0
    assert days[dy].value == 1.0
    assert once[dy].value is None
    assert once[dy].denominator == 0
    n = scenario.numbers
    if with_cases:
        assert sorted(immediate[hp].cases) == sorted([n["SQ1"], n["SQ2"], n["SQ3"]])
        assert immediate[hp].hits == (n["SQ1"],)
        assert sorted(on_time[hp].hits) == sorted([n["SQ1"], n["SQ2"]])
        assert sorted(once[hp].cases) == sorted([n["SQ2"], n["SQ3"]])
        assert once[hp].hits == (n["SQ2"],)
        assert on_time[dy].cases == (n["SQ7"],)
    else:
        assert immediate[hp].cases == ()


@pytest.mark.parametrize("with_cases", [False, True])
def test_generic_measures_q4(scenario: Scenario, rt: Runtime, with_cases: bool) -> None:
    check_q4(scenario, rt, with_cases=with_cases)


def test_generic_measures_q3_and_the_year(scenario: Scenario, rt: Runtime) -> None:
    hp = scenario.region("HPX").id
    q3 = _measure_all(rt, "2026Q3", scenario.regions, False)
    assert q3["generic_application.on_time_rate"][hp].denominator == 1  # SQ5 only
    assert q3["generic_application.avg_working_days"][hp].value == 1.0
    year = _measure_all(rt, "2026", scenario.regions, False)
    assert year["generic_application.avg_working_days"][hp].value == pytest.approx(8 / 4)  # 0 + 2 + 5 + 1


def test_measure_one_links_the_value_to_its_cases(scenario: Scenario, rt: Runtime) -> None:
    with read(rt.engine) as conn:
        found = measure_one(
            conn,
            "generic_application.on_time_rate",
            Period.parse("2026Q4"),
            scenario.region("DYX"),
            rt.working_time(),
        )
    assert found == Measurement(100.0, 1, 1, (scenario.numbers["SQ7"],), (scenario.numbers["SQ7"],))
    with read(rt.engine) as conn, pytest.raises(KeyError):
        measure_one(conn, "nothing", Period.parse("2026Q4"), scenario.region("DYX"), rt.working_time())


def test_registry_lists_the_generic_measures() -> None:
    codes = [m.code for m in measures()]
    for code in MEASURES:
        assert code in codes
        item = get_measure(code)
        assert item is not None
        assert item.kinds == ("generic_application", "generic_approval")
        assert item.description
    assert get_measure("window.online_rate") is None


def test_evaluation_scores_computed_and_entered_values(scenario: Scenario, rt: Runtime, small_tree: Path) -> None:
    """The small tree: speed (days 0–20 lower → 2026 worst 10; on time 100/80, weight 3), online (entered)."""
    p = scenario.prefecture
    hp = scenario.region("HPX")
    p.at(at(12, 20, 10))
    # 网上可办率: computed, but its measure (window.online_rate) is not built yet, so an approved entry counts.
    entry = save_entry(
        rt,
        p.actors["approver_hp"],
        region_id=hp.id,
        period="2026Q4",
        indicator="online.rate",
        value=90,
        evidence=["网办事项清单.xlsx"],
        tree_path=small_tree,
    )
    submit_entry(rt, p.actors["approver_hp"], entry.id or 0)
    evaluation = evaluate_period(rt, "2026Q4", root_id=p.units["HYS"].id, tree_path=small_tree)
    assert evaluation.unavailable == ("window.online_rate",)
    card = evaluation.result(hp.id).card
    assert card.component("online.rate").value.source == "missing"  # submitted, not yet approved
    approve_entry(rt, p.actors["supervisor"], entry.id or 0)
    evaluation = evaluate_period(rt, "2026Q4", root_id=p.units["HYS"].id, tree_path=small_tree)
    card = evaluation.result(hp.id).card
    # days 7/3 → (10 − 7/3) / 10 × 100 = 76.666…; on time 66.67 % → below the worst 80 → 0; (76.67 + 0 × 3) / 4
    assert card.component("speed.days").score == pytest.approx(230 / 3)
    assert card.component("speed.on_time").score == 0.0
    assert card.indicator("speed").score == pytest.approx(230 / 12)
    online = card.component("online.rate")
    assert (online.value.source, online.score) == ("entered", pytest.approx(80.0))  # (90 − 50) / 50
    assert "尚未接入" in online.value.note
    assert card.component("online.satisfaction").value.source == "missing"
    assert card.overall == pytest.approx((230 / 12 + 80) / 2)
    dy = evaluation.result(scenario.region("DYX").id).card
    # days 1 → 90; on time 100 → 100: (90 + 300) / 4 = 97.5; online nothing
    assert dy.indicator("speed").score == pytest.approx(97.5)
    assert dy.overall == pytest.approx(97.5)
    assert [(r.subject, r.rank, r.bottom) for r in evaluation.ranking] == [("东源县", 1, False), ("和平县", 2, True)]
    assert evaluation.result(hp.id).measurements["speed.days"].denominator == 3


@pytest.fixture
def postgres_scenario(postgres_url: str) -> Iterator[tuple[Scenario, Runtime]]:
    engine: Engine = make_engine(postgres_url)
    clock = TravelClock(at(9, 14, 9))
    rt = Runtime(engine=engine, now=clock)
    yield build_scenario(build_prefecture(rt, clock)), rt
    engine.dispose()


@pytest.mark.postgres
@pytest.mark.parametrize("with_cases", [False, True])
def test_generic_measures_on_postgresql(postgres_scenario: tuple[Scenario, Runtime], with_cases: bool) -> None:
    """Local days are computed by the database: AT TIME ZONE on PostgreSQL, +8 hours on SQLite."""
    scenario, rt = postgres_scenario
    check_q4(scenario, rt, with_cases=with_cases)
