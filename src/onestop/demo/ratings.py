"""A month of 好差评 in the demo county: the finished cases rated, the 差评 rectified, a few left open.

Every step goes through the action layer at its own simulated instant (after the case finished, before
``now``): most ratings are good; each 差评 opens its rectification, which the unit contacts, verifies, rectifies
and calls back over the following days, except the most recent ones, which stay open (some past their contact
limit, which ``on_tick`` records); one malicious rating is appealed and annulled, another appeal is pending.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa

from onestop.actions import ratings as actions
from onestop.actions.ratings_reads import finished_condition
from onestop.actions.runtime import Runtime
from onestop.cases.errors import DomainError
from onestop.db.engine import read
from onestop.db.tables import cases, ratings
from onestop.demo.county import DemoCounty
from onestop.org.users import Actor
from onestop.ratings.kinds import UNIT_STAFF

LEVEL_WEIGHTS = ((5, 60), (4, 22), (3, 8), (2, 6), (1, 4))
RATED_SHARE = 0.85
ANONYMOUS_SHARE = 0.25
BAD_COMMENTS = ("材料要求前后不一致，跑了两次", "等候时间太长", "工作人员态度生硬", "办理超时，没有任何通知")
BAD_TAGS = (["many_trips"], ["long_wait"], ["poor_attitude"], ["slow"])
GOOD_TAGS: tuple[list[str], ...] = (["friendly"], ["efficient"], ["one_visit"], [])


@dataclass
class RatingsReport:
    rated: int = 0
    bad: int = 0
    rectified: int = 0
    open: int = 0
    appeals: int = 0
    contact_overdue: int = 0
    skipped: list[str] = field(default_factory=list)


def simulate_ratings(rt: Runtime, county: DemoCounty, *, now: datetime, seed: int = 2026) -> RatingsReport:
    """Rates the county's finished cases through the action layer; ``rt.now`` is restored afterwards."""
    rng = random.Random(seed)
    report = RatingsReport()
    real_now = rt.now
    try:
        _simulate(rt, county, rng, now, report)
    finally:
        rt.now = real_now
    return report


def _at(rt: Runtime, when: datetime) -> None:
    rt.now = lambda: when


def _staff_of(county: DemoCounty, unit_id: int | None) -> Actor | None:
    for user in county.users.values():
        if user.unit_id == unit_id and not {r.value for r in user.roles}.isdisjoint(UNIT_STAFF):
            return user.as_actor()
    return None


def _rater(county: DemoCounty, kind: str) -> tuple[str, Actor]:
    """The channel and who records it: the hotline's return call, or the device of the issuing window."""
    if kind == "hotline_request":
        return "phone", county.users["operator"].as_actor()
    return "window_device", county.users["clerk"].as_actor()


def _simulate(rt: Runtime, county: DemoCounty, rng: random.Random, now: datetime, report: RatingsReport) -> None:
    with read(rt.engine) as conn:
        rows = conn.execute(
            sa.select(cases.c.number, cases.c.kind, cases.c.unit_id, cases.c.updated_at)
            .where(finished_condition(), cases.c.updated_at < now - timedelta(hours=1))
            .order_by(cases.c.updated_at, cases.c.id)
        ).all()
    bad: list[tuple[str, datetime, bool, int | None]] = []
    for number, kind, unit_id, finished_at in rows:
        if rng.random() > RATED_SHARE:
            continue
        channel, actor = _rater(county, kind)
        level = rng.choices([lv for lv, _ in LEVEL_WEIGHTS], weights=[w for _, w in LEVEL_WEIGHTS])[0]
        when = min(finished_at + timedelta(minutes=rng.randint(1, 30)), now - timedelta(minutes=1))
        _at(rt, when)
        anonymous = level <= 2 and rng.random() < ANONYMOUS_SHARE
        pick = rng.randrange(len(BAD_TAGS))
        try:
            result = actions.rate(
                rt,
                number,
                level=level,
                channel=channel,
                actor=actor,
                comment=BAD_COMMENTS[pick] if level <= 2 else "",
                tags=BAD_TAGS[pick] if level <= 2 else GOOD_TAGS[pick],
                anonymous=anonymous,
            )
        except DomainError as exc:  # e.g. a device not of the case's unit
            report.skipped.append(f"{number}: {exc.message}")
            continue
        report.rated += 1
        if result.rectification_number is not None:
            report.bad += 1
            bad.append((result.rectification_number, when, result.real_name, unit_id))
    appealed = _appeals(rt, county, rng, now, report)
    for number, rated_at, real_name, unit_id in bad:
        if number in appealed:
            continue
        staff = _staff_of(county, unit_id)
        if staff is None or rated_at > now - timedelta(days=4) or rng.random() < 0.15:
            report.open += 1  # recent, or a unit that is slow: left for the tick and the supervisor
            continue
        _rectify(rt, rng, staff, number, rated_at, real_name, report)
    report.contact_overdue = actions.on_tick(rt, now)


def _rectify(  # noqa: PLR0917  (one rectification's facts)
    rt: Runtime,
    rng: random.Random,
    staff: Actor,
    number: str,
    rated_at: datetime,
    real_name: bool,
    report: RatingsReport,
) -> None:
    steps: list[tuple[str, dict[str, str]]] = []
    if real_name:
        steps.append(("contact", {"note": "已电话联系评价人，了解具体情况"}))
    steps.append(("verify", {"finding": "调阅办件记录和窗口监控，情况属实"}))
    if rng.random() < 0.8:
        steps.append(("rectify", {"measures": "修订一次性告知单，组织窗口人员业务培训"}))
    else:
        steps.append(("explain", {"explanation": "经核实办理符合规定，已向评价人说明政策依据"}))
    if real_name:
        result = rng.choices(["satisfied", "basically_satisfied", "dissatisfied"], weights=[70, 20, 10])[0]
        steps.append(("callback", {"result": result, "note": "回访评价人，告知整改情况"}))
    when = rated_at
    for step, data in steps:
        when = when + timedelta(hours=rng.uniform(2, 20))
        _at(rt, when)
        try:
            actions.take_step(rt, number, step, staff, data)
        except DomainError as exc:
            report.skipped.append(f"{number} {step}: {exc.message}")
            return
    report.rectified += 1


def _appeals(rt: Runtime, county: DemoCounty, rng: random.Random, now: datetime, report: RatingsReport) -> set[str]:
    """One 差评 appealed as malicious and annulled; another appeal left for the supervisor. Returns the
    rectification numbers of the appealed ratings (the annulled one's rectification is withdrawn)."""
    with read(rt.engine) as conn:
        rows = conn.execute(
            sa.select(ratings.c.id, ratings.c.unit_id, ratings.c.rated_at, cases.c.number)
            .join(cases, cases.c.id == ratings.c.rectification_case_id)
            .where(ratings.c.bad.is_(True), ratings.c.rated_at > now - timedelta(days=5))
            .order_by(ratings.c.rated_at)
        ).all()
    out: set[str] = set()
    supervisor = county.users["supervisor"].as_actor()
    for index, (rating_id, unit_id, rated_at, rect) in enumerate(rows[:2]):
        staff = _staff_of(county, unit_id)
        if staff is None:
            continue
        filed = min(rated_at + timedelta(hours=3), now - timedelta(minutes=2))
        _at(rt, filed)
        try:
            appeal = actions.appeal(
                rt, rating_id, staff, ground="malicious", explanation="评价人当日未到窗口办理，疑为恶意评价，附叫号记录"
            )
            if index == 0:
                _at(rt, min(filed + timedelta(hours=rng.uniform(1, 6)), now - timedelta(minutes=1)))
                actions.review_appeal(
                    rt, appeal.number, supervisor, approve=True, reason="经核叫号与监控记录，予以核销"
                )
        except DomainError as exc:
            report.skipped.append(f"appeal {rating_id}: {exc.message}")
            continue
        report.appeals += 1
        out.add(rect)
    return out
