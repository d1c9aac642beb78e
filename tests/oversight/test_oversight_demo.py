"""The demo county's month yields real supervision orders in several states and a real bulletin."""

from __future__ import annotations

from datetime import datetime

from onestop.actions.oversight import CLI_ACTOR, bulletin, orders, render_bulletin
from onestop.actions.runtime import Runtime
from onestop.demo.county import build_county
from onestop.demo.oversight import simulate_oversight
from onestop.demo.simulate import simulate
from onestop.worktime import TZ


def test_demo_month_of_oversight(rt: Runtime) -> None:
    now = datetime(2026, 11, 20, 16, 0, tzinfo=TZ)
    rt.now = lambda: now
    county = build_county(rt)
    simulate(rt, county, now=now, days=30, seed=7)
    rt.now = lambda: now  # simulate leaves its last instant behind (build_demo restores it)
    report = simulate_oversight(rt, county, now=now, days=30, seed=7)
    assert rt.now() == now  # the simulated instants are undone
    assert report.raised > 0
    assert report.answered > 0
    assert report.accepted > 0
    assert report.manual is not None
    assert report.manual.startswith("DB")
    _, rows = orders(rt, CLI_ACTOR)
    states = {r.state for r in rows}
    assert len(rows) == report.raised + 1
    assert "accepted" in states
    assert len(states) >= 2
    b = bulletin(rt, CLI_ACTOR, "2026-11")
    november = [r for r in rows if r.created_at >= datetime(2026, 11, 1, tzinfo=TZ)]
    assert b.headline.received > 0
    assert b.headline.orders == len(november) > 0
    assert b.ranking
    assert b.ranking[0].rank == 1
    assert render_bulletin(b, "xlsx")[:2] == b"PK"
