"""A month of 一窗受理 in the demo county, driven through the action layer at simulated instants.

Every working day brings a few applications: 企业开办 bundles, single items from every department, second-hand
housing registrations and now and then a construction project. Some arrive incomplete (一次性告知, then 补齐),
some are accepted with deferred materials (容缺) or on a commitment (告知承诺), a few are left without a notice
and become 逾期视为受理 under §32 at the end. Departments decide within their limits, mostly; some ask for 补正,
extend (§42), run a special procedure (§45), refuse, or run late. Decided applications are issued (certificates
signed) and delivered at the window or by post. The tick and the §32 hook run at ``now``.
"""

from __future__ import annotations

import random
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import partial

from onestop.actions import window
from onestop.actions.org import create_user
from onestop.actions.runtime import Runtime
from onestop.actions.tick import TickReport, tick
from onestop.cases.case import Case
from onestop.catalog import Catalog, default_catalog
from onestop.db import cases_repo
from onestop.db.engine import read
from onestop.demo.county import REGION_CODE, DemoCounty
from onestop.errors import DomainError
from onestop.org.roles import Role
from onestop.org.synthetic import make_credit_code, make_resident_id
from onestop.org.users import Actor, User
from onestop.window.kinds import SPECIAL_PROCEDURES
from onestop.worktime import TZ, WorkingTime

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗梁"
GIVEN = ("伟", "芳", "娜", "敏", "静", "强", "磊", "洋", "艳", "勇", "军", "杰", "娟", "涛", "明", "超", "秀英", "华")
PLACES = ("阳明", "彭寨", "东水", "林寨", "热水", "合水", "礼士", "浰源", "上陵", "大坝", "青州", "古寨", "长塘")
TRADES = ("农业科技", "商贸", "食品", "建材", "电子商务", "旅游开发", "物流", "家具制造", "餐饮管理", "茶业")


@dataclass
class WindowReport:
    applications: int = 0
    online: int = 0
    notices: int = 0
    accepted: int = 0
    deemed: int = 0
    deferred: int = 0
    commitments: int = 0
    approvals: int = 0
    denials: int = 0
    supplements: int = 0
    extensions: int = 0
    special: int = 0
    issued: int = 0
    certificates: int = 0
    delivered: int = 0
    tick: TickReport | None = None
    skipped: list[str] = field(default_factory=list)


@dataclass
class _Sim:
    rt: Runtime
    wt: WorkingTime
    rng: random.Random
    now: datetime
    clerk: Actor
    applicant: Actor
    approvers: dict[str, Actor]
    catalog: Catalog
    report: WindowReport
    serial: int = 0

    def at(self, when: datetime, step: Callable[[], object], label: str) -> bool:
        """Runs ``step`` at ``when`` unless that lies past ``now``; a refusal is recorded, not raised."""
        if when >= self.now:
            return False
        self.rt.now = lambda: when
        try:
            step()
        except DomainError as exc:
            self.report.skipped.append(f"{label}: {exc.message}")
            return False
        return True

    def later(self, start: datetime, minutes: int) -> datetime:
        return self.wt.add_work_minutes(start, max(minutes, 1)).at


def _approvers(rt: Runtime, county: DemoCounty, departments: set[str]) -> dict[str, Actor]:
    """The county's approver of each department, created (with a fresh password) where it has none."""
    found: dict[str, Actor] = {}
    by_unit = {u.id: code for code, u in county.units.items()}
    for user in county.users.values():
        if user.has_role(Role.APPROVER) and user.unit_id in by_unit:
            found.setdefault(by_unit[user.unit_id], user.as_actor())
    for code in sorted(departments - set(found)):
        unit = county.units[code]
        password = secrets.token_urlsafe(9)
        username = f"{code.lower()}_approver"
        user = create_user(rt, User(0, username, f"{unit.name}审批员", unit.id, frozenset({Role.APPROVER})), password)
        county.users[username] = user
        county.passwords[username] = password
        found[code] = user.as_actor()
    return found


def _applicant_account(rt: Runtime, county: DemoCounty) -> Actor:
    existing = next((u for u in county.users.values() if u.has_role(Role.PUBLIC)), None)
    if existing is not None:
        return existing.as_actor()
    password = secrets.token_urlsafe(9)
    user = create_user(rt, User(0, "applicant", "网上申请人 陈晓", None, frozenset({Role.PUBLIC})), password)
    county.users["applicant"] = user
    county.passwords["applicant"] = password
    return user.as_actor()


def simulate_window(
    rt: Runtime, county: DemoCounty, *, now: datetime, days: int = 30, seed: int = 2026
) -> WindowReport:
    """Fills the demo county with ``days`` of window activity ending at ``now``; returns what was done."""
    catalog = default_catalog()
    departments = {i.department for i in catalog.items.values()}
    sim = _Sim(
        rt=rt,
        wt=rt.working_time(),
        rng=random.Random(seed),
        now=now,
        clerk=next(u for u in county.users.values() if u.has_role(Role.WINDOW_CLERK)).as_actor(),
        applicant=_applicant_account(rt, county),
        approvers=_approvers(rt, county, departments),
        catalog=catalog,
        report=WindowReport(),
    )
    real_now = rt.now
    try:
        first = (now - timedelta(days=days)).date()
        workdays = [d.date for d in sim.wt.days(first, now.date() - timedelta(days=1)) if d.workday]
        for day in workdays:
            for _ in range(sim.rng.randint(3, 6)):
                _one(sim, day)
        if workdays:
            _project(sim, workdays[0], random.Random(seed + 1))
        rt.now = lambda: now
        sim.report.deemed += window.on_tick(rt, now)
        sim.report.tick = tick(rt, now=now)
    finally:
        rt.now = real_now
    return sim.report


def _target(sim: _Sim) -> str:
    roll = sim.rng.random()
    if roll < 0.3:
        return "qykb"
    if roll < 0.42:
        return "bdcdj"
    if roll < 0.45:
        return "gcjs"
    return sim.rng.choice(sorted(sim.catalog.items))


def _person(sim: _Sim) -> window.Applicant:
    sim.serial += 1
    name = sim.rng.choice(SURNAMES) + sim.rng.choice(GIVEN)
    born = date(1960, 1, 1) + timedelta(days=sim.rng.randint(0, 15000))
    return window.Applicant("person", name, make_resident_id(REGION_CODE, born, sim.serial % 999 + 1), "13800138000")


def _enterprise_name(sim: _Sim) -> str:
    return f"和平县{sim.rng.choice(PLACES)}{sim.rng.choice(TRADES)}有限公司"


def _one(sim: _Sim, day: date) -> None:
    code = _target(sim)
    target = sim.catalog.target(code)
    reqs = sim.catalog.materials_for(target)
    start = datetime.combine(day, time(9, 0), TZ) + timedelta(minutes=sim.rng.randint(0, 420))
    incomplete = sim.rng.random() < 0.12
    deferrable = [r.code for r in reqs if r.deferrable]
    defer = bool(deferrable) and not incomplete and sim.rng.random() < 0.25
    committable = [r.code for r in reqs if r.by_commitment]
    commit = bool(committable) and sim.rng.random() < 0.5
    withheld: set[str] = set()
    if incomplete:
        withheld.add(sim.rng.choice([r.code for r in reqs]))
    if defer:
        withheld.add(deferrable[0])
    if commit:
        withheld.update(committable)
    materials = [window.MaterialInput(r.code) for r in reqs if r.code not in withheld]
    online = target.items[0].online and not target.is_bundle and sim.rng.random() < 0.2
    details = {"enterprise_name": _enterprise_name(sim)} if any(i.establishes_enterprise for i in target.items) else {}
    holder: list[window.Submitted] = []

    def file() -> None:
        holder.append(
            window.submit(
                sim.rt,
                code,
                applicant=_person(sim),
                actor=sim.applicant if online else sim.clerk,
                channel="online" if online else "window",
                materials=materials,
                details=details,
            )
        )

    if not sim.at(start, file, f"{code} 提交"):
        return
    number = holder[0].case.number
    sim.report.applications += 1
    sim.report.online += online
    if sim.rng.random() < 0.04:
        return  # nobody looks at it: §32 accepts it at the tick if five working days pass
    when = sim.later(start, sim.rng.randint(5, 40))
    if incomplete:
        if not sim.at(when, lambda: window.notify(sim.rt, number, sim.clerk), f"{number} 告知"):
            return
        sim.report.notices += 1
        when = sim.later(when, sim.rng.randint(240, 1500))
        missing = [
            window.MaterialInput(c) for c in withheld if not (defer and c in deferrable) and c not in committable
        ]
        if sim.rng.random() < 0.2 or not sim.at(
            when, lambda: window.resubmit(sim.rt, number, sim.clerk, materials=missing), f"{number} 补齐"
        ):
            return
        when = sim.later(when, 10)
    deferral = window.Deferral("申请人", 10) if defer else None

    def accept() -> None:
        window.accept(
            sim.rt,
            number,
            sim.clerk,
            deferred=deferrable[:1] if defer else (),
            deferral=deferral,
            commitment_signed_by="申请人" if commit else None,
        )

    if not sim.at(when, accept, f"{number} 受理"):
        return
    sim.report.accepted += 1
    sim.report.deferred += defer
    sim.report.commitments += commit
    late = _departments(sim, number, when)
    if defer and sim.rng.random() < 0.7:
        # Most bring the deferred material in time; the rest hold their issuance up (the desk shows why).
        late = sim.later(late, sim.rng.randint(10, 120))
        sim.at(
            late,
            lambda: window.receive_deferred(sim.rt, number, sim.clerk, materials=[window.MaterialInput(deferrable[0])]),
            f"{number} 补交容缺",
        )
    _finish(sim, number, late)


def _project(sim: _Sim, day: date, rng: random.Random) -> None:
    """A brisk 工程建设项目 filed on the month's first working day that gets through all four stages in about
    three working weeks, so the month has 办理建筑许可 figures (the random ones are rare, and slow enough to be
    still running at ``now``).

    It draws on its own random stream, after the month's ordinary traffic, so the rest of the demo is the
    same with or without it."""
    target = sim.catalog.target("gcjs")
    materials = [window.MaterialInput(r.code) for r in sim.catalog.materials_for(target)]
    credit = make_credit_code(REGION_CODE, "MP0000001")
    applicant = window.Applicant("enterprise", "和平县阳明建材有限公司", credit, "13800138000")
    holder: list[window.Submitted] = []
    start = datetime.combine(day, time(9, 30), TZ)
    filed = sim.at(
        start,
        lambda: holder.append(window.submit(sim.rt, "gcjs", applicant=applicant, actor=sim.clerk, materials=materials)),
        "gcjs 提交",
    )
    if not filed:
        return
    number = holder[0].case.number
    sim.report.applications += 1
    when = sim.later(start, 20)
    if not sim.at(when, lambda: window.accept(sim.rt, number, sim.clerk), f"{number} 受理"):
        return
    sim.report.accepted += 1
    for _stage in range(8):
        pending = _approvals(sim, number)
        if not pending:
            break
        for approval in pending:
            # one to three working days per department, well inside every limit (a fast-tracked key project)
            when = sim.later(when, rng.randint(sim.wt.day_minutes, 3 * sim.wt.day_minutes))
            actor = next(a for a in sim.approvers.values() if a.unit_id == approval.unit_id)
            n = approval.number
            if sim.at(when, partial(window.approve, sim.rt, n, actor, opinion="同意"), n):
                sim.report.approvals += 1
    _finish(sim, number, when)


def _approvals(sim: _Sim, number: str) -> list[Case]:
    with read(sim.rt.engine) as conn:
        app = cases_repo.load_case(conn, number)
        return [a for a in window.approvals_of(conn, app) if a.state in ("in_approval",)]


def _departments(sim: _Sim, number: str, accepted: datetime) -> datetime:
    """Departments decide, stage after stage, until nothing is left to decide before ``now``."""
    when = accepted
    for _round in range(8):  # a staged project opens its next stage's approvals after each stage
        pending = _approvals(sim, number)
        if not pending:
            break
        steps = []
        for approval in pending:
            limit = approval.clock.total if approval.clock is not None else None
            budget = int((limit.amount if limit is not None else 1) * sim.wt.day_minutes) or 60
            stretch = 1.4 if sim.rng.random() < 0.08 else 0.9  # some run late
            steps.append((sim.later(when, int(budget * sim.rng.uniform(0.1, stretch))), approval))
        steps.sort(key=lambda s: s[0])
        last = when
        for at, approval in steps:
            # One application's events stay in time order: a step never precedes the one before it.
            last = _decide(sim, max(at, last), approval)
        when = last  # the next stage opens when this one's last decision was taken
    return when


def _decide(sim: _Sim, at: datetime, approval: Case) -> datetime:
    """One department's course on one approval; returns the instant of its last step."""
    dept = next(code for code, a in sim.approvers.items() if a.unit_id == approval.unit_id)
    actor = sim.approvers[dept]
    n = approval.number
    roll = sim.rng.random()
    rt = sim.rt
    if roll < 0.05 and sim.at(at, lambda: window.request_supplement(rt, n, actor, items=["补充说明材料"]), n):
        sim.report.supplements += 1
        app = str(approval.payload.get("application"))
        at = sim.later(at, sim.rng.randint(120, 1200))
        if not sim.at(at, lambda: window.supplement(rt, app, sim.clerk, materials=["补充说明材料"]), app):
            return at
        at = sim.later(at, 60)
    elif roll < 0.08 and sim.at(
        at, lambda: window.extend(rt, n, actor, extension="5d", reason="需现场核查", approved_by="分管负责人"), n
    ):
        sim.report.extensions += 1
        at = sim.later(at, 600)
    elif roll < 0.1:
        procedure = sim.rng.choice(sorted(SPECIAL_PROCEDURES))
        if not sim.at(at, lambda: window.start_special(rt, n, actor, procedure=procedure, reason="依法需要"), n):
            return at
        sim.report.special += 1
        at = sim.later(at, sim.rng.randint(900, 4000))
        if not sim.at(at, lambda: window.end_special(rt, n, actor, result="符合要求"), n):
            return at
        at = sim.later(at, 60)
    if sim.rng.random() < 0.03:
        if sim.at(at, lambda: window.deny(rt, n, actor, reason="申请事项不符合法定条件"), n):
            sim.report.denials += 1
        return at
    items = approval.payload.get("items") or []
    establishes = isinstance(items, list) and any(i.get("establishes_enterprise") for i in items)
    sim.serial += 1
    credit = make_credit_code(REGION_CODE, f"MD{sim.serial:07d}") if establishes else None
    if sim.at(at, lambda: window.approve(rt, n, actor, opinion="同意", credit_code=credit), n):
        sim.report.approvals += 1
    return at


def _finish(sim: _Sim, number: str, when: datetime) -> None:
    with read(sim.rt.engine) as conn:
        state = cases_repo.load_case(conn, number).state
    if state != "decided":
        return
    at = sim.later(when, sim.rng.randint(30, 600))
    issued: list[window.Issued] = []
    if not sim.at(at, lambda: issued.append(window.issue(sim.rt, number, sim.clerk)), f"{number} 出件"):
        return
    sim.report.issued += 1
    sim.report.certificates += len(issued[0].certificates)
    post = sim.rng.random() < 0.3

    def deliver() -> None:
        if post:
            sim.serial += 1
            window.deliver(
                sim.rt,
                number,
                sim.clerk,
                method="post",
                recipient="申请人",
                tracking_number=f"EMS{sim.serial:010d}",
                address="和平县阳明镇建设路8号",
            )
        else:
            window.deliver(sim.rt, number, sim.clerk, method="window", recipient="申请人")

    if sim.at(sim.later(at, sim.rng.randint(30, 900)), deliver, f"{number} 送达"):
        sim.report.delivered += 1
