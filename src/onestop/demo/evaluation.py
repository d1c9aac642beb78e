"""The demo county's 营商环境评价: the entered indicators of the period that contains ``now`` and of the period
before it, entered by the departments that hold the data, submitted with evidence and reviewed by the county's
营商办 — one value sent back, one left waiting — so the evaluation page has scores, a comparison and work.

Computed indicators need no entry: they come from the county's cases (window, hotline, ratings). Values are
drawn between each component's worst value and its frontier, the earlier period a little further from the
frontier, reproducibly (a fixed seed).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from onestop.actions import evaluation as actions
from onestop.actions.runtime import Runtime
from onestop.demo.county import DemoCounty
from onestop.evaluation.periods import Period
from onestop.evaluation.tree import Component, load_tree
from onestop.org.users import Actor
from onestop.worktime import TZ

REGION = "HPX"
# Who enters each first-level indicator: the department that holds its data (else the service center).
ENTERED_BY = {
    "starting_business": "scj",
    "market_supervision": "scj",
    "paying_taxes": "swj",
    "labor_market": "rsj",
    "registering_property": "clerk",
}
DEFAULT_CLERK = "clerk"


@dataclass
class EvaluationSimulation:
    period: str
    previous: str
    entered: int = 0
    approved: int = 0
    returned: list[str] = field(default_factory=list)
    waiting: list[str] = field(default_factory=list)
    overall: float | None = None


def quarter_of(now: datetime) -> Period:
    local = now.astimezone(TZ)
    return Period.parse(f"{local.year}Q{(local.month - 1) // 3 + 1}")


def _value(component: Component, rng: random.Random, *, earlier: bool) -> float:
    share = rng.uniform(0.45, 0.8) if earlier else rng.uniform(0.6, 0.95)
    raw = component.worst + (component.frontier - component.worst) * share
    return round(raw) if component.unit in ("个", "件", "次", "项", "家") else round(raw, 1)


def simulate_evaluation(rt: Runtime, county: DemoCounty, *, now: datetime, seed: int = 2026) -> EvaluationSimulation:
    """Enters, submits and reviews the county's entered indicators; leaves ``rt.now`` as it found it."""
    real_now = rt.now
    try:
        return _simulate(rt, county, now, seed)
    finally:
        rt.now = real_now


def _simulate(rt: Runtime, county: DemoCounty, now: datetime, seed: int) -> EvaluationSimulation:
    rng = random.Random(seed)
    period = quarter_of(now)
    previous = period.previous()
    region_id = county.units[REGION].id
    supervisor = county.users["supervisor"].as_actor()
    sim = EvaluationSimulation(period.code, previous.code)
    for which, when in ((previous, period.start_at + timedelta(days=5)), (period, now - timedelta(days=2))):
        earlier = which is previous
        tree = load_tree(which.year)
        components = [c for c in tree.components() if actions.accepts_entries(c)]
        entries = []
        rt.now = lambda when=when: when  # type: ignore[misc]
        for component in components:
            actor: Actor = county.users[ENTERED_BY.get(component.indicator, DEFAULT_CLERK)].as_actor()
            entry = actions.save_entry(
                rt,
                actor,
                region_id=region_id,
                period=which.code,
                indicator=component.key,
                value=_value(component, rng, earlier=earlier),
                evidence=[f"{component.name}统计台账.xlsx"],
                note="据部门业务系统统计",
            )
            entries.append((actor, actions.submit_entry(rt, actor, entry.id or 0)))
            sim.entered += 1
        rt.now = lambda when=when: when + timedelta(days=1)  # type: ignore[misc]
        for index, (_, entry) in enumerate(entries):
            if not earlier and index == 0:
                actions.return_entry(rt, supervisor, entry.id or 0, comment="佐证材料不完整，请补充统计口径说明")
                sim.returned.append(entry.indicator)
            elif not earlier and index == len(entries) - 1:
                sim.waiting.append(entry.indicator)  # left for the 营商办 to review in the demo
            else:
                actions.approve_entry(rt, supervisor, entry.id or 0, comment="数据与佐证一致")
                sim.approved += 1
    rt.now = lambda: now
    evaluation = actions.evaluate_period(rt, period, root_id=region_id)
    sim.overall = evaluation.result(region_id).card.overall
    return sim
