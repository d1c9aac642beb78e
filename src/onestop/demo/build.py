"""Builds the demo database: schema, county, and a month of every module's activity.

The modules play their month in the order the work flows: applications at the window (and the general intake
form), hotline requests, certificates, then ratings of what was finished, the reform ledgers (the county's own
plan, and a real seed plan when ../shared/seeds is there), the evaluation's
entered indicators, and last the supervision rules, which read what all the others left behind. Each step runs
through the action layer at simulated instants; the runtime's clock is put back after each.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from onestop.actions.runtime import Runtime
from onestop.actions.schedule import ScheduleReport, run_tick
from onestop.db.migrate import upgrade
from onestop.demo.certs import CertsReport, simulate_certs
from onestop.demo.county import DemoCounty, build_county
from onestop.demo.evaluation import EvaluationSimulation, simulate_evaluation
from onestop.demo.hotline import HotlineReport, simulate_hotline
from onestop.demo.ledger import LedgerSimulation, simulate_ledger
from onestop.demo.ledger_seed import SeedLedgerSimulation, simulate_seed_ledger
from onestop.demo.oversight import OversightReport, simulate_oversight
from onestop.demo.ratings import RatingsReport, simulate_ratings
from onestop.demo.simulate import SimulationReport, simulate
from onestop.demo.window import WindowReport, simulate_window

T = TypeVar("T")


@dataclass(frozen=True)
class DemoBuild:
    county: DemoCounty
    simulation: SimulationReport  # the general intake form's applications
    window: WindowReport
    hotline: HotlineReport
    certs: CertsReport
    ratings: RatingsReport
    ledger: LedgerSimulation
    seed_ledger: SeedLedgerSimulation | None  # a real plan's ledger, when ../shared/seeds is there
    evaluation: EvaluationSimulation
    oversight: OversightReport
    final_tick: ScheduleReport


@contextmanager
def _clock_restored(rt: Runtime) -> Iterator[None]:
    real_now = rt.now
    try:
        yield
    finally:
        rt.now = real_now


def build_demo(rt: Runtime, *, now: datetime, days: int = 30, seed: int = 2026) -> DemoBuild:
    upgrade(rt.engine)
    county = build_county(rt)

    def step(play: Callable[[], T]) -> T:
        with _clock_restored(rt):
            return play()

    general = step(lambda: simulate(rt, county, now=now, days=days, seed=seed))
    window = step(lambda: simulate_window(rt, county, now=now, days=days, seed=seed))
    hotline = step(lambda: simulate_hotline(rt, county, now=now, days=days, seed=seed))
    certs = step(lambda: simulate_certs(rt, county, now=now))
    ratings = step(lambda: simulate_ratings(rt, county, now=now, seed=seed))
    ledger = step(lambda: simulate_ledger(rt, county, now=now))
    seed_ledger = step(lambda: simulate_seed_ledger(rt, county))
    evaluation = step(lambda: simulate_evaluation(rt, county, now=now, seed=seed))
    oversight = step(lambda: simulate_oversight(rt, county, now=now, days=days, seed=seed))
    # Every clock and rule as the county finds them at `now`: what the first person to log in sees.
    final_tick = step(lambda: run_tick(rt, now=now))
    return DemoBuild(
        county=county,
        simulation=general,
        window=window,
        hotline=hotline,
        certs=certs,
        ratings=ratings,
        ledger=ledger,
        seed_ledger=seed_ledger,
        evaluation=evaluation,
        oversight=oversight,
        final_tick=final_tick,
    )
