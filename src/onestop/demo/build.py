"""Builds the demo database: schema, county, simulated activity."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from onestop.actions.runtime import Runtime
from onestop.db.migrate import upgrade
from onestop.demo.county import DemoCounty, build_county
from onestop.demo.simulate import SimulationReport, simulate


@dataclass(frozen=True)
class DemoBuild:
    county: DemoCounty
    simulation: SimulationReport


def build_demo(rt: Runtime, *, now: datetime, days: int = 30, seed: int = 2026) -> DemoBuild:
    upgrade(rt.engine)
    real_now = rt.now
    county = build_county(rt)
    try:
        report = simulate(rt, county, now=now, days=days, seed=seed)
    finally:
        rt.now = real_now
    return DemoBuild(county=county, simulation=report)
