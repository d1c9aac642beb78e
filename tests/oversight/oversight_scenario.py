"""The oversight tests' county and its October 2026 (the fixture month), driven through the action layer.

Units 甲局 (A), 乙局 (B), 丙局 (C) of 测试县 (441624); each department's staff member holds the window clerk,
approver and handler roles (accepts, finishes, answers orders); 督查员 in 营商办; 话务员 in the service center.
Every application has a limit of 3 working days. October 2026: 1–7 holidays, Saturday 10 a make-up working day.

    A1 accepted Mon 12 10:00 (due Thu 15 17:30), finished Wed 14      on time   rated 5
    A2 accepted Mon 12 10:00 (due Thu 15 17:30), finished Mon 19      late      rated 1 → 整改 done
    A3 accepted Mon 26 10:00 (due Thu 29 17:30), still open                     (typical case, 1 day overdue)
    A4 accepted Mon Sep 28 (due Thu Oct 8 17:30), finished Fri Oct 9  late      rated 2 → 整改 left open
    A5 accepted Thu Oct 8 10:00 (due Mon 12 17:30: 9, 10, 12), finished Tue 20   late
       → rule overdue_3d hits it Fri 16 10:00 (3 full working days: 13, 14, 15) → order; unanswered by its due
         (Wed 21 17:30: 19, 20, 21) → escalated to 挂牌督办 by the tick on Thu 22
    B1 accepted Mon 12, finished Tue 13   on time   rated 5
    B2 accepted Tue 13, finished Wed 14   on time   rated 4
    C1 accepted Mon 12, finished Wed 14   on time   not rated

By hand (October): A received 4 (A1 A2 A3 A5), 3 finished by the end (75 %); finished 4 (A1 A2 A4 A5), 3 late
(on time 25 %); 3 ratings, 1 satisfied (33.3 %); 2 差评, 1 rectified (50 %); 1 order, 1 listed.
B: 2 received, 2 finished, 0 late; 2 ratings, 2 satisfied. C: 1 received and finished on time, no rating.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from onestop.actions import ratings as ratings_actions
from onestop.actions.cases import open_case, perform
from onestop.actions.org import create_units, create_user
from onestop.actions.oversight import run_rules
from onestop.actions.runtime import Runtime
from onestop.actions.tick import tick
from onestop.cases.case import Case
from onestop.org.roles import Role
from onestop.org.units import Unit, UnitKind
from onestop.org.users import Actor, User
from onestop.worktime import TZ
from tests.conftest import TravelClock

START = datetime(2026, 9, 28, 9, 0, tzinfo=TZ)
PASSWORD = "Test-pass-2026"
STAFF_ROLES = frozenset({Role.WINDOW_CLERK, Role.APPROVER, Role.HANDLER})


def at(month: int, day: int, hour: int = 10, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=TZ)


@dataclass
class County:
    rt: Runtime
    clock: TravelClock
    region: Unit
    units: dict[str, Unit]  # A B C, YSB (营商办), CENTER
    staff: dict[str, Actor]  # A B C: department staff; supervisor; operator; admin
    users: dict[str, User] = field(default_factory=dict)
    cases: dict[str, Case] = field(default_factory=dict)
    rectifications: dict[str, str] = field(default_factory=dict)  # application key -> ZG number


def build_county(rt: Runtime, clock: TravelClock, password: str | None = None) -> County:
    (region,) = create_units(rt, [Unit(0, "CS", "测试县人民政府", UnitKind.REGION, None, "441624")])
    units: dict[str, Unit] = {}
    for key, code, name, kind in (
        ("CENTER", "CSZX", "测试县政务服务中心", UnitKind.CENTER),
        ("YSB", "CSYSB", "测试县营商办", UnitKind.DEPARTMENT),
        ("A", "CSA", "测试县甲局", UnitKind.DEPARTMENT),
        ("B", "CSB", "测试县乙局", UnitKind.DEPARTMENT),
        ("C", "CSC", "测试县丙局", UnitKind.DEPARTMENT),
    ):
        (units[key],) = create_units(rt, [Unit(0, code, name, kind, region.id)])
    users: dict[str, User] = {}
    for username, display, unit, roles in (
        ("a", "甲局 张三", "A", STAFF_ROLES),
        ("b", "乙局 李四", "B", STAFF_ROLES),
        ("c", "丙局 王五", "C", STAFF_ROLES),
        ("supervisor", "营商办 督查员", "YSB", frozenset({Role.SUPERVISOR})),
        ("operator", "话务员", "CENTER", frozenset({Role.OPERATOR})),
        ("clerk", "窗口受理员", "CENTER", frozenset({Role.WINDOW_CLERK})),
        ("admin", "管理员", None, frozenset({Role.ADMIN})),
    ):
        unit_id = units[unit].id if unit else None
        users[username] = create_user(rt, User(0, username, display, unit_id, roles), password)
    staff = {
        "A": users["a"].as_actor(),
        "B": users["b"].as_actor(),
        "C": users["c"].as_actor(),
        **{name: users[name].as_actor() for name in ("supervisor", "operator", "clerk", "admin")},
    }
    return County(rt, clock, region, units, staff, users)


def application(county: County, key: str, unit: str, accepted: datetime, item: str, *, limit: str = "3d") -> Case:
    county.clock.set(accepted)
    actor = county.staff[unit]
    case = open_case(
        county.rt,
        "generic_application",
        actor,
        unit_id=county.units[unit].id,
        payload={"item": item, "applicant": f"申请人{key}", "limit": limit},
    )
    case = perform(county.rt, case.number, "accept", actor)
    county.cases[key] = case
    return case


def finish(county: County, key: str, when: datetime) -> Case:
    county.clock.set(when)
    unit = key[0]
    case = perform(county.rt, county.cases[key].number, "finish", county.staff[unit])
    county.cases[key] = case
    return case


def rate(county: County, key: str, level: int, when: datetime) -> str | None:
    county.clock.set(when)
    result = ratings_actions.rate(
        county.rt, county.cases[key].number, level=level, channel="phone", actor=county.staff["operator"]
    )
    if result.rectification_number:
        county.rectifications[key] = result.rectification_number
    return result.rectification_number


def build_october(county: County) -> None:
    """The fixture month (see the module's docstring for every case and the figures by hand)."""
    application(county, "A4", "A", at(9, 28), "企业开办")
    application(county, "A5", "A", at(10, 8), "企业开办")
    finish(county, "A4", at(10, 9, 11))
    rate(county, "A4", 2, at(10, 9, 15))
    for key, unit, when, item in (
        ("A1", "A", at(10, 12), "企业开办"),
        ("A2", "A", at(10, 12), "企业开办"),
        ("B1", "B", at(10, 12), "企业开办"),
        ("C1", "C", at(10, 12), "个体工商户登记"),
        ("B2", "B", at(10, 13), "食品经营许可"),
    ):
        application(county, key, unit, when, item)
    finish(county, "B1", at(10, 13, 11))
    for key in ("A1", "B2", "C1"):
        finish(county, key, at(10, 14, 11))
    rate(county, "A1", 5, at(10, 14, 15))
    rate(county, "B1", 5, at(10, 14, 15))
    rate(county, "B2", 4, at(10, 14, 16))
    county.clock.set(at(10, 16))
    run_rules(county.rt, at(10, 16))  # A5: overdue 3 full working days -> an order to 甲局
    finish(county, "A2", at(10, 19))
    zg = rate(county, "A2", 1, at(10, 19, 14))
    assert zg is not None
    a = county.staff["A"]
    ratings_actions.verify(county.rt, zg, a, finding="属实，窗口人员解释不清")
    # The applications have no party: the ratings are anonymous, so rectifying closes the case (no call-back).
    closed = ratings_actions.rectify(county.rt, zg, a, measures="已培训窗口人员并重新告知")
    assert closed.state == "closed"
    finish(county, "A5", at(10, 20))
    county.clock.set(at(10, 22))
    tick(county.rt, now=at(10, 22))  # the order was due Wed 21 17:30: 挂牌督办
    application(county, "A3", "A", at(10, 26), "食品经营许可")
    county.clock.set(at(11, 2))
