"""The demo's evaluation: a quarter and the one before, entered by the departments, reviewed by the 营商办."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy.engine import Engine

from onestop.actions.evaluation import accepts_entries, evaluate_period, region_entries
from onestop.actions.runtime import Runtime
from onestop.demo.county import build_county
from onestop.demo.evaluation import simulate_evaluation
from onestop.evaluation.entries import EntryStatus
from onestop.evaluation.tree import load_tree
from onestop.worktime import TZ
from tests.conftest import TravelClock

NOW = datetime(2026, 11, 20, 18, 0, tzinfo=TZ)


@pytest.mark.usefixtures("fast_argon2")
def test_demo_evaluation(db: Engine) -> None:
    clock = TravelClock(datetime(2026, 7, 1, 9, 0, tzinfo=TZ))
    rt = Runtime(engine=db, now=clock)
    county = build_county(rt)
    sim = simulate_evaluation(rt, county, now=NOW)
    assert rt.now is clock
    assert (sim.period, sim.previous) == ("2026Q4", "2026Q3")
    entered = [c for c in load_tree(2026).components() if accepts_entries(c)]
    assert sim.entered == 2 * len(entered)
    assert sim.approved == 2 * len(entered) - 2
    supervisor = county.users["supervisor"].as_actor()
    region = county.units["HPX"].id
    q4 = {e.indicator: e for e in region_entries(rt, supervisor, region, "2026Q4")}
    assert q4[sim.returned[0]].status is EntryStatus.RETURNED
    assert q4[sim.waiting[0]].status is EntryStatus.SUBMITTED
    assert q4[sim.returned[0]].entered_by != supervisor.username
    for entry in q4.values():  # every value lies between the component's bounds, with evidence
        component = load_tree(2026).component(entry.indicator)
        low, high = sorted((component.frontier, component.worst))
        assert low <= entry.value <= high
        assert entry.evidence
    q3 = evaluate_period(rt, "2026Q3", root_id=region).result(region).card
    q4_card = evaluate_period(rt, "2026Q4", root_id=region).result(region).card
    assert sim.overall == q4_card.overall
    assert q3.overall is not None
    assert q4_card.overall is not None
    assert q4_card.overall > q3.overall  # the later quarter was drawn nearer the frontier
