"""The ledger end to end in a real Chromium: the 营商办 imports seed plan 003 (葛店开发区, 2021), maps the one
lead unit nobody matched, creates the ledger; a lead unit files a report; after a tick past its deadline the
task shows overdue. Time travels through the Runtime's injectable clock (``TravelClock``)."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
from fastapi import FastAPI
from playwright.sync_api import Browser, Page, expect
from web_helpers import PASSWORD

from onestop.actions import ledger as actions
from onestop.actions.org import create_units
from onestop.actions.runtime import Runtime
from onestop.actions.tick import tick
from onestop.db import org_repo
from onestop.db.engine import write
from onestop.org.roles import Role
from onestop.org.units import Unit, UnitKind
from onestop.org.users import User
from onestop.web.app import create_app
from onestop.worktime import TZ
from tests.browser import WIDE, logged_in
from tests.conftest import TravelClock, require

pytestmark = pytest.mark.browser

SEEDS = Path(__file__).resolve().parents[3] / "shared" / "seeds"
IMPORTED = datetime(2021, 4, 20, 9, 30, tzinfo=TZ)  # the day after seed 003 was issued
# 葛店开发区's units as the plan names them, except 区优化办, whose unit is named in full: the one to map.
UNITS = {
    "YHB": "葛店开发区优化营商环境办公室",
    "ZRZY": "葛店开发区自然资源和规划分局",
    "JFJ": "葛店开发区经济发展局",
    "CJJ": "葛店开发区财政金融局",
    "SCJG": "葛店开发区市场监督管理分局",
    "XZSP": "葛店开发区行政审批局",
    "ZJJ": "葛店开发区住房和城乡建设局",
    "SWJ": "国家税务总局葛店开发区税务局",
    "ZZRS": "葛店开发区组织人社局",
    "SFJ": "葛店开发区社会发展局",
    "ZSJ": "葛店开发区招商局",
    "SBJ": "葛店开发区社会保险局",
    "GAJ": "葛店开发区公安局",
    "HBJ": "葛店开发区生态环境分局",
    "CGJ": "葛店开发区综合执法局",
}


def _seed_003() -> Path:
    require(SEEDS.is_dir(), f"seed plans not found at {SEEDS}")
    found = sorted(SEEDS.glob("003_*"))
    require(bool(found), "seed plan 003 not found")
    return found[0]


@pytest.fixture
def zone(rt: Runtime, clock: TravelClock, password_hash: str) -> dict[str, Unit]:
    clock.set(IMPORTED)
    (region,) = create_units(rt, [Unit(0, "GD", "葛店开发区管理委员会", UnitKind.REGION, None, "420700")])
    units = {"GD": region}
    for code, name in UNITS.items():
        kind = UnitKind.CENTER if code == "YHB" else UnitKind.DEPARTMENT
        (units[code],) = create_units(rt, [Unit(0, code, name, kind, region.id)])
    accounts = [("yhb", "区优化办督查员", "YHB", Role.SUPERVISOR), ("scjg", "市场监管分局承办员", "SCJG", Role.HANDLER)]
    with write(rt.engine) as conn:
        for username, name, unit, role in accounts:
            user = User(0, username, name, units[unit].id, frozenset({role}))
            org_repo.insert_user(conn, user, password_hash, clock(), "13800138000")
    return units


@pytest.fixture
def app(rt: Runtime, zone: dict[str, Unit]) -> FastAPI:
    """The app on the zone alone: none of the web tests' county."""
    return create_app(rt)


def _page(browser: Browser, base_url: str, username: str) -> Page:
    return logged_in(browser, base_url, username, PASSWORD, WIDE)


def test_seed_003_import_report_and_overdue(  # noqa: PLR0917  (pytest fixtures)
    browser: Browser, base_url: str, rt: Runtime, clock: TravelClock, zone: dict[str, Unit], shots: Path
) -> None:
    seed = _seed_003()
    office = _page(browser, base_url, "yhb")
    office.goto("/ledger")
    office.click("#import-link")
    office.set_input_files("#file", str(seed))
    expect(office.locator("#supervisor")).to_have_value("YHB")
    office.click("#import-form button[type=submit]")
    expect(office.locator("h1")).to_contain_text("核对")
    expect(office.locator("#tasks tbody tr")).to_have_count(54)
    expect(office.locator("#review-missing")).to_contain_text("2 项任务")  # 51 and 54: 区优化办 leads them
    row = office.locator('#mapping tr[data-name="区优化办"]')
    expect(row).to_have_class("unmatched")
    row.locator("select").select_option("YHB")
    office.click("#check")
    expect(office.locator("#review-ready")).to_be_visible()
    office.screenshot(path=str(shots / "ledger-review.png"), full_page=False)
    office.click("#create")
    expect(office.locator("#created")).to_contain_text("54 项任务")
    expect(office.locator("#ledger-table tbody tr")).to_have_count(54)

    # A task of the 市场监管分局 due at the end of June 2021 (seed 003, task 24)
    rows = actions.ledger_rows(rt, 1)
    task = next(
        r
        for r in rows
        if r.owner == UNITS["SCJG"] and r.due_at is not None and r.due_at.astimezone(TZ).date() == date(2021, 6, 30)
    )
    unit = _page(browser, base_url, "scjg")
    unit.goto("/ledger/1")
    expect(unit.locator("#ledger-table tbody tr")).not_to_have_count(0)
    unit.click(f'tr[data-number="{task.case_number}"] a')
    expect(unit.locator("h1")).to_contain_text(task.case_number)
    unit.fill("#report-text", "已完成流程再造，试运行中")
    unit.fill("#report-percent", "60")
    unit.click("#form-report button[type=submit]")
    expect(unit.locator("#done")).to_contain_text("报送进展")
    expect(unit.locator("#timeline")).to_contain_text("已完成流程再造，试运行中（60%）")
    expect(unit.locator(".clock-panel")).to_contain_text("正常")

    # The tick after the deadline: the task is overdue in the table and on its page
    clock.set(datetime(2021, 7, 1, 9, 0, tzinfo=TZ))
    tick(rt)
    office = _page(browser, base_url, "yhb")  # a new day, a new login
    office.goto("/ledger/1?overdue=yes")
    overdue = office.locator(f'tr[data-number="{task.case_number}"]')
    expect(overdue).to_have_attribute("data-status", "已超期")
    office.screenshot(path=str(shots / "ledger-table.png"), full_page=False)
    office.click(f'tr[data-number="{task.case_number}"] a')
    expect(office.locator(".case-head")).to_contain_text("已超期")
    expect(office.locator("#timeline")).to_contain_text("超期")
