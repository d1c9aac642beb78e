"""A month of 效能监察 in the demo county: the supervision rules run at the close of every working day, the
units answer most orders within a day or two, the 营商办 accepts or sends back, the rest are listed (挂牌督办)
by the tick when their answer is late; one order is raised by hand.

Run it after the other modules' simulations (applications, ratings, ledger): the rules read the cases those
left behind. Each step goes through the action layer at its own simulated instant, so the dashboard and the
bulletin of the month show real orders in every state.
"""

from __future__ import annotations

import heapq
import random
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

import sqlalchemy as sa

from onestop.actions import oversight as actions
from onestop.actions.runtime import Runtime
from onestop.actions.tick import tick
from onestop.cases.errors import DomainError
from onestop.db import cases_repo
from onestop.db.engine import read
from onestop.db.tables import cases
from onestop.demo.county import DemoCounty
from onestop.org.users import Actor
from onestop.oversight.kinds import UNIT_STAFF
from onestop.worktime import TZ

ANSWER_SHARE = 0.7  # orders the unit answers in time; the rest run late and are listed
ACCEPT_SHARE = 0.75  # answers the 营商办 accepts at once; the rest are sent back once
REPLIES = (
    "经核实，因材料补正延误，已于当日办结，并对相关人员进行提醒。",
    "系统故障导致办理延迟，已协调信息中心修复，办件已办结。",
    "该件涉及多部门会商，已明确牵头科室，承诺 2 个工作日内办结。",
)


@dataclass
class OversightReport:
    raised: int = 0
    answered: int = 0
    accepted: int = 0
    sent_back: int = 0
    listed: int = 0
    manual: str | None = None
    skipped: list[str] = field(default_factory=list)


def _staff(county: DemoCounty) -> dict[int, Actor]:
    """One member of staff per unit who may answer its orders."""
    found: dict[int, Actor] = {}
    for user in county.users.values():
        if user.unit_id is not None and not UNIT_STAFF.isdisjoint(user.roles):
            found.setdefault(user.unit_id, user.as_actor())
    return found


def simulate_oversight(
    rt: Runtime, county: DemoCounty, *, now: datetime, days: int = 30, seed: int = 2026
) -> OversightReport:
    rng = random.Random(seed)
    wt = rt.working_time()
    real_now = rt.now
    report = OversightReport()
    month = _Month(rt, report, rng, _staff(county), county.users["supervisor"].as_actor())
    first = (now - timedelta(days=days)).date()
    try:
        for day in (d.date for d in wt.days(first, now.astimezone(TZ).date()) if d.workday):
            close = datetime.combine(day, time(17, 30), TZ)
            month.work_until(min(close, now))
            if close >= now:
                break
            rt.now = lambda close=close: close  # type: ignore[misc]
            report.listed += tick(rt, now=close).actions["escalate"]
            for raised in actions.run_rules(rt, close).raised:
                report.raised += 1
                if rng.random() < ANSWER_SHARE:
                    answer_at = datetime.combine(wt.nth_workday_after(day, 1), time(10, rng.randint(0, 59)), TZ)
                    month.schedule(answer_at, "answer", raised.order)
        _manual(rt, report, month.supervisor, now)
        rt.now = lambda: now
        report.listed += tick(rt, now=now).actions["escalate"]
    finally:
        rt.now = real_now
    return report


@dataclass
class _Month:
    """The orders' scheduled steps, worked through in time order."""

    rt: Runtime
    report: OversightReport
    rng: random.Random
    staff: dict[int, Actor]
    supervisor: Actor
    queue: list[tuple[datetime, str, str]] = field(default_factory=list)

    def schedule(self, when: datetime, step: str, number: str) -> None:
        heapq.heappush(self.queue, (when, step, number))

    def work_until(self, until: datetime) -> None:
        while self.queue and self.queue[0][0] < until:
            when, step, number = heapq.heappop(self.queue)
            self.rt.now = lambda when=when: when  # type: ignore[misc]
            try:
                self._step(when, step, number)
            except DomainError as exc:  # e.g. listed by the tick meanwhile: the state moved on
                self.report.skipped.append(f"{number} {step}: {exc.message}")

    def _step(self, when: datetime, step: str, number: str) -> None:
        if step in {"answer", "answer_again"}:
            with read(self.rt.engine) as conn:
                unit_id = cases_repo.load_case(conn, number).unit_id
            actor = self.staff.get(unit_id or 0)
            if actor is None:
                return  # nobody at the unit has an account: the order runs late and is listed
            actions.answer_order(self.rt, actor, number, self.rng.choice(REPLIES))
            self.report.answered += 1
            self.schedule(when + timedelta(hours=2), "review" if step == "answer" else "review_again", number)
        elif step == "review_again" or self.rng.random() < ACCEPT_SHARE:
            actions.accept_order(self.rt, self.supervisor, number)
            self.report.accepted += 1
        else:
            actions.return_order(self.rt, self.supervisor, number, "答复未说明办结时限，请补充")
            self.report.sent_back += 1
            self.schedule(when + timedelta(hours=3), "answer_again", number)


def _manual(rt: Runtime, report: OversightReport, supervisor: Actor, now: datetime) -> None:
    """The 营商办 raises one order by hand on the oldest open application."""
    with read(rt.engine) as conn:
        number = conn.execute(
            sa.select(cases.c.number)
            .where(cases.c.kind == "generic_application", cases.c.clock_mode == "running")
            .order_by(cases.c.created_at)
            .limit(1)
        ).scalar()
    if number is None:
        return
    when = now - timedelta(hours=1)
    rt.now = lambda: when
    try:
        order = actions.raise_order(
            rt, supervisor, number=number, reason="群众来电反映办理进度缓慢，请核实并限期办结", limit_days=2
        )
        report.manual = order.number
    except DomainError as exc:
        report.skipped.append(f"{number} manual: {exc.message}")
