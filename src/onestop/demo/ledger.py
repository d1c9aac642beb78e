"""A month of the demo county's 改革任务台账: a work plan imported by the 营商办, reports, reviews, 月调度, and
one task gone overdue, every step through the action layer at its own simulated instant.

The plan is the county's own short list (``data/ledger_plan.txt``, six tasks in the form real plans use), its
deadlines set relative to the month simulated so that one task is done in time and one runs late. The demo
needs nothing outside the package.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from importlib import resources

from onestop.actions import ledger as actions
from onestop.actions.org import create_user
from onestop.actions.runtime import Runtime
from onestop.actions.tick import tick
from onestop.demo.county import DemoCounty
from onestop.ledger import parse_text
from onestop.org.roles import Role
from onestop.org.users import Actor, User
from onestop.worktime import TZ

REPORT_DAY = 25
SUPERVISOR = "YSB"
# 县营商办 is how the plan names the county's 营商环境建设办公室: the one name a person maps at import.
MAPPING = {"县营商办": SUPERVISOR}
# Units the plan makes lead that the demo county has no staff account in: a contact person each.
CONTACTS = {"ZRZY": ("zrzy", "自然资源局联络员 孙涛"), "GDJ": ("gdj", "供电局联络员 马骏")}


@dataclass
class LedgerSimulation:
    ledger_id: int
    tasks: dict[int, str] = field(default_factory=dict)  # seq → case number
    actions: int = 0
    reports_opened: int = 0
    overdue: list[str] = field(default_factory=list)


def _cn(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def demo_plan_text(start: date) -> str:
    """The plan as issued the day before ``start``: task 6 due in 10 days, task 1 in 20, task 3 in 75."""
    template = resources.files("onestop.demo").joinpath("data").joinpath("ledger_plan.txt").read_text(encoding="utf-8")
    return template.format(
        year=start.year,
        issued=_cn(start - timedelta(days=1)),
        report_day=REPORT_DAY,
        first=_cn(start + timedelta(days=20)),
        second=_cn(start + timedelta(days=10)),
        third=_cn(start + timedelta(days=75)),
    )


def staff_by_unit(rt: Runtime, county: DemoCounty) -> dict[str, Actor]:
    """unit code → the account that reports for it."""
    by_unit: dict[str, Actor] = {}
    codes = {u.id: code for code, u in county.units.items()}
    for user in county.users.values():
        code = codes.get(user.unit_id or 0)
        if code is not None and code not in by_unit:
            by_unit[code] = user.as_actor()
    for code, (username, name) in CONTACTS.items():
        if code in by_unit:
            continue
        password = secrets.token_urlsafe(9)
        user = create_user(rt, User(0, username, name, county.units[code].id, frozenset({Role.HANDLER})), password)
        county.users[username] = user
        county.passwords[username] = password
        by_unit[code] = user.as_actor()
    return by_unit


def simulate_ledger(rt: Runtime, county: DemoCounty, *, now: datetime) -> LedgerSimulation:
    """Imports the plan a month before ``now`` and plays the month; leaves ``rt.now`` as it found it."""
    real_now = rt.now
    try:
        return _simulate(rt, county, now)
    finally:
        rt.now = real_now


def _simulate(rt: Runtime, county: DemoCounty, now: datetime) -> LedgerSimulation:
    start_day = (now - timedelta(days=30)).astimezone(TZ).date()
    wt = rt.working_time()
    workdays = [d.date for d in wt.days(start_day, now.astimezone(TZ).date() - timedelta(days=1)) if d.workday]

    def at(index: int, hour: int = 10) -> datetime:
        day = workdays[min(index, len(workdays) - 1)]
        return datetime.combine(day, time(hour, 0), TZ)

    staff = staff_by_unit(rt, county)
    supervisor = county.users["supervisor"].as_actor()
    rt.now = lambda: at(0, 9)
    plan = parse_text(demo_plan_text(start_day))
    ledger = actions.import_plan(
        rt, plan, supervisor, mapping=MAPPING, source="和平县优化营商环境重点任务清单.txt", supervisor=SUPERVISOR
    )
    sim = LedgerSimulation(ledger.id)
    sim.tasks = {row.seq: row.case_number for row in actions.ledger_rows(rt, ledger.id)}
    t = sim.tasks

    def report(seq: int, unit: str, text: str, percent: int) -> Callable[[], object]:
        return lambda: actions.file_report(
            rt, t[seq], staff[unit], text=text, percent=percent, evidence=[f"{unit}工作台账.xlsx"]
        )

    def accept_month(seq: int) -> None:
        for item in actions.task_detail(rt, t[seq], supervisor).reports:
            if item.state == "filed":
                actions.accept_report(rt, item.number, supervisor)

    steps: list[tuple[int, Callable[[], object]]] = [
        (2, lambda: actions.contribute(rt, t[1], staff["GAJ"], text="公章刻制已纳入企业开办专区，与设立登记同步办理")),
        (3, report(1, "SCJ", "企业开办专区已试运行，平均开办时间 1 个工作日，正在对接税务发票申领", 60)),
        (4, report(2, "ZWFW", "本月新增网上可办事项 42 项，网上办理率 78%", 45)),
        (4, report(4, "ZWFW", "本月受理热线诉求 1208 件，办结 1163 件，回访满意 1070 件", 50)),
        (5, lambda: accept_month(2)),
        (
            5,
            lambda: actions.review_report(
                rt, t[4], supervisor, verdict="returned", comment="请补充超期诉求的承办单位清单"
            ),
        ),
        (
            6,
            lambda: actions.submit_completion(rt, t[6], staff["GDJ"], text="“三零”服务全面推行，平均报装 3.5 个工作日"),
        ),
        (7, lambda: actions.complete(rt, t[6], supervisor, comment="经核查，已达到方案要求，同意销号")),
        (9, report(3, "ZRZY", "不动产登记与税务、住建一窗受理，抵押登记平均 2 个工作日", 70)),
        (10, report(5, "YSB", "本月差评 6 件，已回访整改 5 件", 80)),
        (12, report(4, "ZWFW", "已补充超期诉求清单 45 件，均已督办", 55)),
    ]
    # Day by day: at midnight the tick (clocks, and 月调度 once the month turns after the 25th), then the day's work.
    by_day: dict[date, list[Callable[[], object]]] = {}
    for index, step in steps:
        by_day.setdefault(at(index).date(), []).append(step)
    day = at(0).date() + timedelta(days=1)
    while datetime.combine(day, time(0, 5), TZ) < now:
        midnight = datetime.combine(day, time(0, 5), TZ)
        rt.now = lambda midnight=midnight: midnight  # type: ignore[misc]
        sim.reports_opened += actions.on_tick(rt, midnight)
        tick(rt, now=midnight)
        for step in by_day.get(day, []):
            rt.now = lambda day=day: datetime.combine(day, time(10, 0), TZ)  # type: ignore[misc]
            step()
            sim.actions += 1
        day += timedelta(days=1)
    rt.now = lambda: now
    tick(rt, now=now)
    sim.overdue = [r.case_number for r in actions.ledger_rows(rt, ledger.id, overdue=True)]
    return sim
