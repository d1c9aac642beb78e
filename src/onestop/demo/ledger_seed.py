"""A real work plan's ledger in the demo: seed 003 (鄂州市葛店开发区, 2021) as the county adopted it.

When the seed plans are beside the repository (``../shared/seeds``, or ``ONESTOP_DEMO_SEEDS``), the demo imports
the real plan exactly as parsed, on the day after it was issued, maps each lead unit to the county's
counterpart (市场监管分局 → 市场监督管理局, 组织人社局 → 人社局, …; what has none goes to the 营商办, which
coordinates), plays the plan's first month of progress reports, and then closes each dated task at its own
deadline the way a 营商办 does (申请销号, then 销号). Tasks the plan keeps open for good (长期推进) stay open with
their monthly reports. Without the seeds the step is skipped: the county's own plan (``demo/ledger.py``) still
shows a ledger.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path

from onestop.actions import ledger as actions
from onestop.actions.org import create_user
from onestop.actions.runtime import Runtime
from onestop.actions.tick import tick
from onestop.demo.county import DemoCounty
from onestop.demo.ledger import SUPERVISOR, staff_by_unit
from onestop.ledger import parse_text
from onestop.ledger.model import Plan
from onestop.org.roles import Role
from onestop.org.users import Actor, User
from onestop.worktime import TZ

SEEDS = Path(__file__).resolve().parents[4] / "shared" / "seeds"
SEED = "003_*.txt"
# A word in the plan's unit name → the county unit that does that work (first match wins).
COUNTERPARTS: tuple[tuple[str, str], ...] = (
    ("市场监管", "SCJ"),
    ("行政审批", "ZWFW"),
    ("政务服务", "ZWFW"),
    ("自然资源", "ZRZY"),
    ("不动产", "ZRZY"),
    ("人社", "RSJ"),
    ("人力资源", "RSJ"),
    ("税务", "SWJ"),
    ("住建", "ZJJ"),
    ("工程管理", "ZJJ"),
    ("经发", "FGJ"),
    ("发改", "FGJ"),
    ("发展和改革", "FGJ"),
    ("公安", "GAJ"),
    ("卫生", "WJJ"),
    ("社发", "WJJ"),
    ("公积金", "GJJ"),
    ("供电", "GDJ"),
)
FIRST_MONTH_REPORTS = 12  # tasks that report in the plan's first month
OFFICE_STAFF = "ysb"


@dataclass
class SeedLedgerSimulation:
    ledger_id: int
    source: str
    tasks: int
    mapping: dict[str, str] = field(default_factory=dict)
    reports: int = 0
    completed: int = 0
    ongoing: int = 0


def seed_file(folder: Path | None = None) -> Path | None:
    folder = folder or Path(os.environ.get("ONESTOP_DEMO_SEEDS", SEEDS))
    found = sorted(folder.glob(SEED)) if folder.is_dir() else []
    return found[0] if found else None


def counterpart(name: str) -> str:
    return next((code for word, code in COUNTERPARTS if word in name), SUPERVISOR)


def _deadline(value: str | list[str] | None) -> date | None:
    values = value if isinstance(value, list) else [value] if value else []
    days = [date.fromisoformat(v) for v in values if v != "ongoing"]
    return min(days) if days else None


def simulate_seed_ledger(rt: Runtime, county: DemoCounty, *, folder: Path | None = None) -> SeedLedgerSimulation | None:
    """Imports and plays the seed plan when it is there; leaves ``rt.now`` as it found it."""
    path = seed_file(folder)
    if path is None:
        return None
    real_now = rt.now
    try:
        return _simulate(rt, county, path, parse_text(path.read_text(encoding="utf-8")))
    finally:
        rt.now = real_now


def _contact(rt: Runtime, county: DemoCounty, code: str, username: str, display_name: str) -> Actor:
    user = county.users.get(username)
    if user is None:
        password = secrets.token_urlsafe(9)
        unit = county.units[code]
        user = create_user(rt, User(0, username, display_name, unit.id, frozenset({Role.HANDLER})), password)
        county.users[username] = user
        county.passwords[username] = password
    return user.as_actor()


def _simulate(rt: Runtime, county: DemoCounty, path: Path, plan: Plan) -> SeedLedgerSimulation:
    issued = date.fromisoformat(plan.date) if plan.date else date(2021, 1, 1)
    wt = rt.working_time()
    workdays = [d.date for d in wt.days(issued + timedelta(days=1), issued + timedelta(days=45)) if d.workday]
    staff = staff_by_unit(rt, county)
    supervisor = county.users["supervisor"].as_actor()
    # The 营商办 leads what has no counterpart; its reports are filed by a staff member, not by its supervisor;
    # a lead unit with nobody to report gets a contact person (联络员), as units name one for a ledger.
    staff[SUPERVISOR] = _contact(rt, county, SUPERVISOR, OFFICE_STAFF, "营商办综合科 林娜")
    names = {name for task in plan.tasks for name in task.lead_units}
    mapping = {name: counterpart(name) for name in sorted(names)}
    for code in sorted(set(mapping.values()) - set(staff)):
        staff[code] = _contact(rt, county, code, f"{code.lower()}_ledger", f"{county.units[code].name}联络员")

    def at(day: date, hour: int) -> None:
        rt.now = lambda: datetime.combine(day, time(hour, 0), TZ)

    at(workdays[0], 9)
    ledger = actions.import_plan(rt, plan, supervisor, mapping=mapping, source=path.name, supervisor=SUPERVISOR)
    rows = actions.ledger_rows(rt, ledger.id)
    sim = SeedLedgerSimulation(ledger.id, path.name, len(rows), mapping)
    code_of = {unit.name: code for code, unit in county.units.items()}
    reporting = [row for row in rows if code_of.get(row.owner) in staff][:FIRST_MONTH_REPORTS]
    for index, row in enumerate(reporting):
        day = workdays[min(2 + index, len(workdays) - 1)]
        midnight = datetime.combine(day, time(0, 5), TZ)
        rt.now = lambda midnight=midnight: midnight  # type: ignore[misc]
        actions.on_tick(rt, midnight)
        tick(rt, now=midnight)
        at(day, 10)
        actions.file_report(
            rt,
            row.case_number,
            staff[code_of[row.owner]],
            text=f"已制定{row.title or '本项任务'}的推进方案，明确责任人和时间节点，正在按方案推进",
            percent=20 + 5 * (index % 4),
        )
        sim.reports += 1
    # Each dated task closed at its own deadline (申请销号 two days before, 销号 the day before), in date order;
    # one due inside the month played is closed the day after that month, late, as laggards are.
    after_month = workdays[-1] + timedelta(days=1)
    dated = sorted(((d, row) for row in rows if (d := _deadline(row.deadline)) is not None), key=lambda x: x[0])
    for deadline, row in dated:
        lead = staff.get(code_of.get(row.owner, ""))
        if lead is None:
            continue
        asked = max(deadline - timedelta(days=2), after_month)
        at(asked, 10)
        actions.submit_completion(
            rt, row.case_number, lead, text="任务已按方案完成，申请销号", evidence=["完成情况说明.docx"]
        )
        at(max(deadline - timedelta(days=1), asked), 15)
        actions.complete(rt, row.case_number, supervisor, comment="经核查已完成，同意销号")
        sim.completed += 1
    sim.ongoing = sum(1 for row in rows if _deadline(row.deadline) is None)
    return sim
