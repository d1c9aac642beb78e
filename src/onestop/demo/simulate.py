"""A simulated stretch of the county's activity: applications with parallel approvals in every clock colour.

Every step goes through the action layer at its own simulated instant, so the events, hash chains and clocks
are exactly what real use would have produced.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from onestop.actions.cases import ChildSpec, open_case, perform
from onestop.actions.org import register_party
from onestop.actions.runtime import Runtime
from onestop.actions.tick import TickReport, tick
from onestop.cases.errors import DomainError
from onestop.demo.county import APPROVING_UNITS, REGION_CODE, DemoCounty
from onestop.org.parties import Party, PartyKind
from onestop.org.synthetic import make_credit_code
from onestop.org.users import Actor, User
from onestop.worktime import TZ

COMPANY_WORDS = ("青山", "东江", "阳明", "热水", "彭寨", "林寨", "合水", "礼士", "浰源", "上陵")
TRADES = ("农业科技", "商贸", "食品", "建材", "电子商务", "旅游开发", "物流", "家具制造")


@dataclass
class SimulationReport:
    applications: int = 0
    approvals: int = 0
    actions: int = 0
    tick: TickReport | None = None
    skipped: list[str] = field(default_factory=list)


def simulate(rt: Runtime, county: DemoCounty, *, now: datetime, days: int = 30, seed: int = 2026) -> SimulationReport:
    rng = random.Random(seed)
    wt = rt.working_time()
    first = (now - timedelta(days=days)).date()
    workdays = [d.date for d in wt.days(first, now.date() - timedelta(days=1)) if d.workday]
    report = SimulationReport()
    clerk = county.users["clerk"].as_actor()
    for index, day in enumerate(workdays):
        for k in range(rng.randint(2, 4)):
            _one_application(rt, county, rng, day=day, serial=index * 10 + k, clerk=clerk, now=now, report=report)
    report.tick = tick(rt, now=now)
    return report


def _at(day: date, minutes_after_nine: int) -> datetime:
    return datetime.combine(day, time(9, 0), TZ) + timedelta(minutes=minutes_after_nine)


def _one_application(
    rt: Runtime,
    county: DemoCounty,
    rng: random.Random,
    *,
    day: date,
    serial: int,
    clerk: Actor,
    now: datetime,
    report: SimulationReport,
) -> None:
    start = _at(day, rng.randint(0, 400))
    name = f"和平县{rng.choice(COMPANY_WORDS)}{rng.choice(TRADES)}有限公司"
    organisation = f"MA{serial:07d}"
    party = register_party(
        rt, Party(PartyKind.ENTERPRISE, name, make_credit_code(REGION_CODE, organisation), "13800138000")
    )
    rt.now = lambda: start
    limit = rng.choice(("3d", "5d", "5d", "10d"))
    case = open_case(
        rt,
        "generic_application",
        clerk,
        unit_id=county.units["ZWFW"].id,
        party_id=party.id,
        payload={"applicant": name, "item": "企业开办", "limit": limit},
    )
    report.applications += 1
    rt.now = lambda: start + timedelta(minutes=10)
    case = perform(rt, case.number, "accept", clerk)
    departments = rng.sample(APPROVING_UNITS, rng.randint(2, 5))
    children = [ChildSpec("generic_approval", county.units[d].id, {"limit": limit}) for d in departments]
    rt.now = lambda: start + timedelta(minutes=20)
    perform(rt, case.number, "dispatch", clerk, children=children)
    report.approvals += len(children)
    _work_approvals(rt, county, rng, parent_id=case.id or 0, start=start, now=now, report=report)


def _work_approvals(
    rt: Runtime,
    county: DemoCounty,
    rng: random.Random,
    *,
    parent_id: int,
    start: datetime,
    now: datetime,
    report: SimulationReport,
) -> None:
    import sqlalchemy as sa

    from onestop.db.engine import read
    from onestop.db.tables import cases

    with read(rt.engine) as conn:
        rows = conn.execute(sa.select(cases.c.number, cases.c.unit_id).where(cases.c.parent_id == parent_id)).all()
    approver_by_unit = {u.unit_id: u for u in county.users.values() if u.unit_id is not None}
    for number, unit_id in rows:
        approver: User = approver_by_unit[unit_id]
        actor = approver.as_actor()
        when = start + timedelta(hours=rng.uniform(2, 24 * 12))
        if when >= now:
            continue
        roll = rng.random()
        steps: list[tuple[str, dict[str, object]]]
        if roll < 0.55:
            steps = [("approve", {})]
        elif roll < 0.65:
            steps = [("request_supplement", {"items": ["股东会决议原件", "住所使用证明"]})]
        elif roll < 0.72:
            steps = [("extend", {"extension": "10d", "reason": "需现场核查，经负责人批准延长"})]
        elif roll < 0.75:
            steps = [("deny", {"reason": "经营范围含前置许可事项，未取得许可"})]
        else:
            steps = []
        for action, data in steps:
            rt.now = lambda when=when: when  # type: ignore[misc]
            try:
                perform(rt, number, action, actor, data)
                report.actions += 1
            except DomainError as exc:  # e.g. the tick already auto-approved it
                report.skipped.append(f"{number} {action}: {exc.message}")
